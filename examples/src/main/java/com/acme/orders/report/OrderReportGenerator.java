package com.acme.orders.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.log4j.Logger;

import com.acme.orders.dao.OrderDao;
import com.acme.orders.model.Customer;
import com.acme.orders.model.Order;
import com.acme.orders.model.OrderLine;
import com.acme.orders.model.OrderStatus;
import com.acme.orders.model.Product;
import com.acme.orders.util.DateUtils;
import com.acme.orders.util.TextUtils;

/**
 * Legacy report generator used by the nightly batch and by the "Export"
 * button on the order list.
 * <p>
 * Supports three output formats:
 * <ul>
 *   <li>{@link #FORMAT_CSV} - semicolon separated, for Excel (German locale)</li>
 *   <li>{@link #FORMAT_HTML} - simple table, mailed to the sales managers</li>
 *   <li>{@link #FORMAT_JSON} - for the (never finished) dashboard</li>
 * </ul>
 * and the report types monthly summary, customer ranking, product ranking
 * and open order aging.
 * <p>
 * This class grew over the years and should be split up (ORD-377). Until
 * then: please do not add more report types here.
 *
 * @author jbauer
 * @author mkoenig
 * @since 1.1
 */
public class OrderReportGenerator {

    private static final Logger LOG = Logger.getLogger(OrderReportGenerator.class);

    public static final String FORMAT_CSV = "csv";
    public static final String FORMAT_HTML = "html";
    public static final String FORMAT_JSON = "json";

    public static final String TYPE_MONTHLY = "monthly";
    public static final String TYPE_CUSTOMERS = "customers";
    public static final String TYPE_PRODUCTS = "products";
    public static final String TYPE_AGING = "aging";

    private static final char CSV_SEPARATOR = ';';
    private static final String LINE_END = "\r\n";

    /** Aging buckets in days: 0-7, 8-14, 15-30, 31-60, > 60. */
    private static final int[] AGING_BUCKETS = { 7, 14, 30, 60 };

    /**
     * Aggregated figures for one key (customer, product or month).
     */
    public static class SummaryRow {

        private final String key;
        private final String label;
        private int orderCount;
        private int lineCount;
        private int quantity;
        private BigDecimal netAmount = BigDecimal.ZERO;
        private BigDecimal discountAmount = BigDecimal.ZERO;

        public SummaryRow(String key, String label) {
            this.key = key;
            this.label = label;
        }

        public String getKey() {
            return key;
        }

        public String getLabel() {
            return label;
        }

        public int getOrderCount() {
            return orderCount;
        }

        public int getLineCount() {
            return lineCount;
        }

        public int getQuantity() {
            return quantity;
        }

        public BigDecimal getNetAmount() {
            return netAmount;
        }

        public BigDecimal getDiscountAmount() {
            return discountAmount;
        }

        /** Average net amount per order, 0 when there are no orders. */
        public BigDecimal getAverageOrderValue() {
            if (orderCount == 0) {
                return BigDecimal.ZERO;
            }
            return netAmount.divide(new BigDecimal(orderCount), 2, BigDecimal.ROUND_HALF_UP);
        }

        void addOrder() {
            orderCount++;
        }

        void addLine(OrderLine line) {
            lineCount++;
            quantity += line.getQuantity();
            BigDecimal net = line.getLineTotal();
            netAmount = netAmount.add(net);
            BigDecimal gross = line.getUnitPrice().multiply(new BigDecimal(line.getQuantity()));
            discountAmount = discountAmount.add(gross.subtract(net));
        }

        @Override
        public String toString() {
            return "SummaryRow{" + key + ", orders=" + orderCount + ", net=" + netAmount + "}";
        }
    }

    /**
     * Open order with its age in days, for the aging report.
     */
    public static class AgingEntry {
        private final Order order;
        private final int ageDays;

        AgingEntry(Order order, int ageDays) {
            this.order = order;
            this.ageDays = ageDays;
        }

        public Order getOrder() {
            return order;
        }

        public int getAgeDays() {
            return ageDays;
        }

        public int getBucket() {
            for (int i = 0; i < AGING_BUCKETS.length; i++) {
                if (ageDays <= AGING_BUCKETS[i]) {
                    return i;
                }
            }
            return AGING_BUCKETS.length;
        }
    }

    /** Sorts summary rows by net amount, descending. */
    private static final Comparator<SummaryRow> BY_NET_DESC = new Comparator<SummaryRow>() {
        public int compare(SummaryRow a, SummaryRow b) {
            int c = b.getNetAmount().compareTo(a.getNetAmount());
            return c != 0 ? c : a.getKey().compareTo(b.getKey());
        }
    };

    private OrderDao orderDao;
    private Locale locale = Locale.GERMANY;
    private int topN = 20;
    private String companyName = "ACME Handels GmbH";

    public void setOrderDao(OrderDao orderDao) {
        this.orderDao = orderDao;
    }

    public void setLocale(Locale locale) {
        this.locale = locale;
    }

    public void setTopN(int topN) {
        this.topN = topN;
    }

    public void setCompanyName(String companyName) {
        this.companyName = companyName;
    }

    // ------------------------------------------------------------------
    // entry point
    // ------------------------------------------------------------------

    /**
     * Generates a report and writes it to the given writer.
     *
     * @param type one of the TYPE_* constants
     * @param format one of the FORMAT_* constants
     * @param from start date, inclusive
     * @param to end date, exclusive
     * @param out target writer; not closed
     * @return number of data rows written
     * @throws IOException when writing fails
     */
    public int generate(String type, String format, Date from, Date to, Writer out) throws IOException {
        long start = System.currentTimeMillis();
        List<Order> orders = loadOrders(from, to);
        PrintWriter pw = out instanceof PrintWriter ? (PrintWriter) out : new PrintWriter(out);
        int rows;
        if (TYPE_AGING.equals(type)) {
            List<AgingEntry> aging = buildAging(orders, new Date());
            rows = writeAging(aging, format, pw);
        } else {
            List<SummaryRow> summary;
            String title;
            if (TYPE_MONTHLY.equals(type)) {
                summary = summarizeByMonth(orders);
                title = "Monatsumsatz";
            } else if (TYPE_CUSTOMERS.equals(type)) {
                summary = topN(summarizeByCustomer(orders));
                title = "Top-Kunden";
            } else if (TYPE_PRODUCTS.equals(type)) {
                summary = topN(summarizeByProduct(orders));
                title = "Top-Artikel";
            } else {
                throw new IllegalArgumentException("Unknown report type: " + type);
            }
            title = title + " " + DateUtils.format(from) + " - " + DateUtils.format(to);
            rows = writeSummary(title, summary, format, pw);
        }
        pw.flush();
        LOG.info("Report " + type + "/" + format + " with " + rows + " rows from " + orders.size()
                + " orders in " + (System.currentTimeMillis() - start) + " ms");
        return rows;
    }

    private List<Order> loadOrders(Date from, Date to) {
        if (from == null || to == null || !from.before(to)) {
            throw new IllegalArgumentException("Invalid period: " + from + " - " + to);
        }
        List<Order> raw = orderDao.findByDateRange(from, to);
        List<Order> result = new ArrayList<Order>(raw.size());
        for (Order o : raw) {
            if (o.getStatus() != OrderStatus.CANCELLED) {
                // the range query only returns headers; reload with lines
                Order full = orderDao.findById(o.getId());
                if (full != null) {
                    result.add(full);
                }
            }
        }
        return result;
    }

    // ------------------------------------------------------------------
    // aggregation
    // ------------------------------------------------------------------

    List<SummaryRow> summarizeByMonth(List<Order> orders) {
        Map<String, SummaryRow> rows = new TreeMap<String, SummaryRow>();
        Calendar cal = Calendar.getInstance();
        for (Order o : orders) {
            cal.setTime(o.getOrderDate());
            String key = cal.get(Calendar.YEAR) + "-"
                    + TextUtils.padNumber(cal.get(Calendar.MONTH) + 1, 2);
            SummaryRow row = rows.get(key);
            if (row == null) {
                row = new SummaryRow(key, DateUtils.format(o.getOrderDate(), "MMMM yyyy"));
                rows.put(key, row);
            }
            row.addOrder();
            for (OrderLine l : o.getLines()) {
                row.addLine(l);
            }
        }
        return new ArrayList<SummaryRow>(rows.values());
    }

    List<SummaryRow> summarizeByCustomer(List<Order> orders) {
        Map<Long, SummaryRow> rows = new HashMap<Long, SummaryRow>();
        for (Order o : orders) {
            Customer c = o.getCustomer();
            SummaryRow row = rows.get(c.getId());
            if (row == null) {
                row = new SummaryRow(c.getCustomerNo(), c.getName());
                rows.put(c.getId(), row);
            }
            row.addOrder();
            for (OrderLine l : o.getLines()) {
                row.addLine(l);
            }
        }
        List<SummaryRow> list = new ArrayList<SummaryRow>(rows.values());
        Collections.sort(list, BY_NET_DESC);
        return list;
    }

    List<SummaryRow> summarizeByProduct(List<Order> orders) {
        Map<String, SummaryRow> rows = new HashMap<String, SummaryRow>();
        for (Order o : orders) {
            // count each order once per product even with duplicate lines
            Map<String, Boolean> seen = new HashMap<String, Boolean>();
            for (OrderLine l : o.getLines()) {
                Product p = l.getProduct();
                SummaryRow row = rows.get(p.getSku());
                if (row == null) {
                    row = new SummaryRow(p.getSku(), p.getName());
                    rows.put(p.getSku(), row);
                }
                if (seen.put(p.getSku(), Boolean.TRUE) == null) {
                    row.addOrder();
                }
                row.addLine(l);
            }
        }
        List<SummaryRow> list = new ArrayList<SummaryRow>(rows.values());
        Collections.sort(list, BY_NET_DESC);
        return list;
    }

    List<AgingEntry> buildAging(List<Order> orders, Date today) {
        List<AgingEntry> result = new ArrayList<AgingEntry>();
        for (Order o : orders) {
            if (o.getStatus() == OrderStatus.NEW || o.getStatus() == OrderStatus.CONFIRMED) {
                result.add(new AgingEntry(o, DateUtils.daysBetween(o.getOrderDate(), today)));
            }
        }
        Collections.sort(result, new Comparator<AgingEntry>() {
            public int compare(AgingEntry a, AgingEntry b) {
                return b.getAgeDays() - a.getAgeDays();
            }
        });
        return result;
    }

    private List<SummaryRow> topN(List<SummaryRow> sorted) {
        if (sorted.size() <= topN) {
            return sorted;
        }
        List<SummaryRow> top = new ArrayList<SummaryRow>(sorted.subList(0, topN));
        SummaryRow others = new SummaryRow("*", "Sonstige (" + (sorted.size() - topN) + ")");
        for (SummaryRow r : sorted.subList(topN, sorted.size())) {
            others.orderCount += r.orderCount;
            others.lineCount += r.lineCount;
            others.quantity += r.quantity;
            others.netAmount = others.netAmount.add(r.netAmount);
            others.discountAmount = others.discountAmount.add(r.discountAmount);
        }
        top.add(others);
        return top;
    }

    /** Sums up all rows into a total row. */
    static SummaryRow total(List<SummaryRow> rows) {
        SummaryRow t = new SummaryRow("TOTAL", "Summe");
        for (SummaryRow r : rows) {
            t.orderCount += r.orderCount;
            t.lineCount += r.lineCount;
            t.quantity += r.quantity;
            t.netAmount = t.netAmount.add(r.netAmount);
            t.discountAmount = t.discountAmount.add(r.discountAmount);
        }
        return t;
    }

    // ------------------------------------------------------------------
    // output: summary
    // ------------------------------------------------------------------

    private int writeSummary(String title, List<SummaryRow> rows, String format, PrintWriter out) {
        if (FORMAT_CSV.equals(format)) {
            writeSummaryCsv(rows, out);
        } else if (FORMAT_HTML.equals(format)) {
            writeSummaryHtml(title, rows, out);
        } else if (FORMAT_JSON.equals(format)) {
            writeSummaryJson(title, rows, out);
        } else {
            throw new IllegalArgumentException("Unknown format: " + format);
        }
        return rows.size();
    }

    private void writeSummaryCsv(List<SummaryRow> rows, PrintWriter out) {
        // UTF-8 BOM so that Excel detects the encoding
        out.print('\uFEFF');
        csvRow(out, new String[] { "Schl\u00fcssel", "Bezeichnung", "Auftr\u00e4ge", "Positionen",
                "Menge", "Netto", "Rabatt", "\u00d8 Auftragswert" });
        for (SummaryRow r : rows) {
            csvRow(out, new String[] { r.getKey(), r.getLabel(), String.valueOf(r.getOrderCount()),
                    String.valueOf(r.getLineCount()), String.valueOf(r.getQuantity()),
                    money(r.getNetAmount()), money(r.getDiscountAmount()),
                    money(r.getAverageOrderValue()) });
        }
        SummaryRow t = total(rows);
        csvRow(out, new String[] { "", t.getLabel(), String.valueOf(t.getOrderCount()),
                String.valueOf(t.getLineCount()), String.valueOf(t.getQuantity()),
                money(t.getNetAmount()), money(t.getDiscountAmount()), "" });
    }

    private void writeSummaryHtml(String title, List<SummaryRow> rows, PrintWriter out) {
        htmlHeader(title, out);
        out.println("<table class=\"report\" cellspacing=\"0\">");
        out.println("  <thead><tr>");
        String[] heads = { "Schl&uuml;ssel", "Bezeichnung", "Auftr&auml;ge", "Positionen", "Menge",
                "Netto", "Rabatt", "&Oslash; Auftragswert" };
        for (int i = 0; i < heads.length; i++) {
            out.println("    <th>" + heads[i] + "</th>");
        }
        out.println("  </tr></thead>");
        out.println("  <tbody>");
        int i = 0;
        for (SummaryRow r : rows) {
            out.print("  <tr class=\"" + (i++ % 2 == 0 ? "even" : "odd") + "\">");
            out.print(td(r.getKey()));
            out.print(td(r.getLabel()));
            out.print(tdNum(String.valueOf(r.getOrderCount())));
            out.print(tdNum(String.valueOf(r.getLineCount())));
            out.print(tdNum(String.valueOf(r.getQuantity())));
            out.print(tdNum(money(r.getNetAmount())));
            out.print(tdNum(money(r.getDiscountAmount())));
            out.print(tdNum(money(r.getAverageOrderValue())));
            out.println("</tr>");
        }
        out.println("  </tbody>");
        SummaryRow t = total(rows);
        out.print("  <tfoot><tr>");
        out.print(td(""));
        out.print(td(t.getLabel()));
        out.print(tdNum(String.valueOf(t.getOrderCount())));
        out.print(tdNum(String.valueOf(t.getLineCount())));
        out.print(tdNum(String.valueOf(t.getQuantity())));
        out.print(tdNum(money(t.getNetAmount())));
        out.print(tdNum(money(t.getDiscountAmount())));
        out.print(td(""));
        out.println("</tr></tfoot>");
        out.println("</table>");
        htmlFooter(out);
    }

    /**
     * Hand-rolled JSON, because we did not want another jar in WEB-INF/lib.
     * Output looks like {"title":"...","rows":[{"key":"..."}]}.
     */
    private void writeSummaryJson(String title, List<SummaryRow> rows, PrintWriter out) {
        out.print('{');
        jsonField(out, "title", title);
        out.print(',');
        jsonField(out, "company", companyName);
        out.print(",\"generated\":\"" + DateUtils.format(new Date(), DateUtils.TIMESTAMP_PATTERN) + "\"");
        out.print(",\"rows\":[");
        for (Iterator<SummaryRow> it = rows.iterator(); it.hasNext();) {
            SummaryRow r = it.next();
            out.print("{");
            jsonField(out, "key", r.getKey());
            out.print(',');
            jsonField(out, "label", r.getLabel());
            out.print(",\"orders\":" + r.getOrderCount());
            out.print(",\"lines\":" + r.getLineCount());
            out.print(",\"quantity\":" + r.getQuantity());
            out.print(",\"net\":" + r.getNetAmount().toPlainString());
            out.print(",\"discount\":" + r.getDiscountAmount().toPlainString());
            out.print("}");
            if (it.hasNext()) {
                out.print(',');
            }
        }
        out.print(']');
        out.print('}');
        out.println();
    }

    // ------------------------------------------------------------------
    // output: aging
    // ------------------------------------------------------------------

    private int writeAging(List<AgingEntry> entries, String format, PrintWriter out) {
        Map<String, Integer> bucketCounts = new LinkedHashMap<String, Integer>();
        String[] labels = bucketLabels();
        for (int i = 0; i < labels.length; i++) {
            bucketCounts.put(labels[i], Integer.valueOf(0));
        }
        for (AgingEntry e : entries) {
            String label = labels[e.getBucket()];
            bucketCounts.put(label, Integer.valueOf(bucketCounts.get(label).intValue() + 1));
        }

        if (FORMAT_CSV.equals(format)) {
            out.print('\uFEFF');
            csvRow(out, new String[] { "Auftrag", "Kunde", "Datum", "Status", "Alter (Tage)", "Netto" });
            for (AgingEntry e : entries) {
                Order o = e.getOrder();
                csvRow(out, new String[] { o.getOrderNo(), o.getCustomer().getName(),
                        DateUtils.format(o.getOrderDate()), o.getStatus().name(),
                        String.valueOf(e.getAgeDays()), money(o.getNetTotal()) });
            }
        } else if (FORMAT_HTML.equals(format)) {
            htmlHeader("Offene Auftr&auml;ge nach Alter", out);
            out.println("<table class=\"buckets\">");
            for (Map.Entry<String, Integer> b : bucketCounts.entrySet()) {
                out.println("  <tr>" + td(b.getKey()) + tdNum(b.getValue().toString()) + "</tr>");
            }
            out.println("</table>");
            out.println("<table class=\"report\" cellspacing=\"0\">");
            out.println("  <tr><th>Auftrag</th><th>Kunde</th><th>Datum</th><th>Status</th>"
                    + "<th>Alter</th><th>Netto</th></tr>");
            for (AgingEntry e : entries) {
                Order o = e.getOrder();
                String cls = e.getBucket() >= 3 ? " class=\"overdue\"" : "";
                out.println("  <tr" + cls + ">" + td(o.getOrderNo()) + td(o.getCustomer().getName())
                        + td(DateUtils.format(o.getOrderDate())) + td(o.getStatus().name())
                        + tdNum(String.valueOf(e.getAgeDays())) + tdNum(money(o.getNetTotal()))
                        + "</tr>");
            }
            out.println("</table>");
            htmlFooter(out);
        } else if (FORMAT_JSON.equals(format)) {
            out.print("{\"buckets\":{");
            boolean first = true;
            for (Map.Entry<String, Integer> b : bucketCounts.entrySet()) {
                if (!first) {
                    out.print(',');
                }
                first = false;
                out.print("\"" + TextUtils.escapeJs(b.getKey()) + "\":" + b.getValue());
            }
            out.print("},\"count\":" + entries.size() + "}");
            out.println();
        } else {
            throw new IllegalArgumentException("Unknown format: " + format);
        }
        return entries.size();
    }

    private static String[] bucketLabels() {
        String[] labels = new String[AGING_BUCKETS.length + 1];
        int lower = 0;
        for (int i = 0; i < AGING_BUCKETS.length; i++) {
            labels[i] = lower + "-" + AGING_BUCKETS[i] + " Tage";
            lower = AGING_BUCKETS[i] + 1;
        }
        labels[AGING_BUCKETS.length] = "> " + AGING_BUCKETS[AGING_BUCKETS.length - 1] + " Tage";
        return labels;
    }

    // ------------------------------------------------------------------
    // formatting helpers
    // ------------------------------------------------------------------

    private String money(BigDecimal amount) {
        DecimalFormat df = new DecimalFormat("#,##0.00", new DecimalFormatSymbols(locale));
        return df.format(amount == null ? BigDecimal.ZERO : amount);
    }

    private static void csvRow(PrintWriter out, String[] cells) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.print(CSV_SEPARATOR);
            }
            out.print(csvEscape(cells[i]));
        }
        out.print(LINE_END);
    }

    /** Quotes a CSV cell if it contains the separator, quotes or newlines. */
    static String csvEscape(String s) {
        if (s == null) {
            return "";
        }
        boolean quote = s.indexOf(CSV_SEPARATOR) >= 0 || s.indexOf('"') >= 0
                || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
        if (!quote) {
            return s;
        }
        StringBuffer sb = new StringBuffer("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                sb.append("\"\"");
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    private static String td(String s) {
        return "<td>" + TextUtils.escapeHtml(s) + "</td>";
    }

    private static String tdNum(String s) {
        return "<td class=\"num\">" + TextUtils.escapeHtml(s) + "</td>";
    }

    private void htmlHeader(String title, PrintWriter out) {
        out.println("<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">");
        out.println("<html><head>");
        out.println("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">");
        out.println("<title>" + title + "</title>");
        out.println("<style type=\"text/css\">");
        // CSS braces inside Java strings: keep them balanced { like this }
        out.println("  body { font-family: Verdana, Arial, sans-serif; font-size: 11px; }");
        out.println("  table.report { border-collapse: collapse; width: 100%; }");
        out.println("  table.report th { background: #336699; color: #fff; text-align: left; }");
        out.println("  tr.odd { background: #eef3f8; }");
        out.println("  td.num { text-align: right; }");
        out.println("  tr.overdue td { color: #c00; font-weight: bold; }");
        out.println("</style>");
        out.println("</head><body>");
        out.println("<h1>" + TextUtils.escapeHtml(companyName) + "</h1>");
        out.println("<h2>" + title + "</h2>");
    }

    private void htmlFooter(PrintWriter out) {
        out.println("<p class=\"generated\">Erstellt am "
                + DateUtils.format(new Date(), "dd.MM.yyyy HH:mm") + "</p>");
        out.println("</body></html>");
    }

    private static void jsonField(PrintWriter out, String name, String value) {
        out.print('"');
        out.print(name);
        out.print("\":");
        if (value == null) {
            out.print("null");
        } else {
            out.print('"');
            out.print(TextUtils.escapeJs(value));
            out.print('"');
        }
    }

    /**
     * Convenience for the batch job: previous calendar month.
     *
     * @return array {from, to}
     */
    public static Date[] previousMonth(Date today) {
        Date firstOfThis = DateUtils.firstDayOfMonth(today);
        Calendar cal = Calendar.getInstance();
        cal.setTime(firstOfThis);
        cal.add(Calendar.MONTH, -1);
        return new Date[] { cal.getTime(), firstOfThis };
    }

    /**
     * Old API used by the JSP export link before 1.2.
     *
     * @deprecated use {@link #generate(String, String, Date, Date, Writer)}
     */
    @Deprecated
    public String generateMonthlyCsv(Date from, Date to) throws IOException {
        java.io.StringWriter sw = new java.io.StringWriter();
        generate(TYPE_MONTHLY, FORMAT_CSV, from, to, sw);
        return sw.toString();
    }
}
