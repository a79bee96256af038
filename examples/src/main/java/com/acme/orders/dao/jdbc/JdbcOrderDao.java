package com.acme.orders.dao.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.log4j.Logger;

import com.acme.orders.dao.OrderDao;
import com.acme.orders.model.Customer;
import com.acme.orders.model.Order;
import com.acme.orders.model.OrderLine;
import com.acme.orders.model.OrderStatus;
import com.acme.orders.model.Page;
import com.acme.orders.model.Product;
import com.acme.orders.util.DataAccessException;
import com.acme.orders.util.DateUtils;
import com.acme.orders.util.TextUtils;

/**
 * JDBC implementation of {@link OrderDao}. Header and lines are written in
 * one local transaction.
 */
public class JdbcOrderDao extends AbstractJdbcDao implements OrderDao {

    private static final Logger LOG = Logger.getLogger(JdbcOrderDao.class);

    private static final String SELECT_HEADER =
            "SELECT o.id, o.order_no, o.customer_id, o.order_date, o.delivery_date, o.status, "
            + "o.remarks, o.version, c.customer_no, c.name AS customer_name, c.category "
            + "FROM orders o JOIN customers c ON c.id = o.customer_id ";

    private static final String SQL_LINES =
            "SELECT l.id, l.line_no, l.quantity, l.unit_price, l.discount_pct, "
            + "p.id AS product_id, p.sku, p.name AS product_name "
            + "FROM order_lines l JOIN products p ON p.id = l.product_id "
            + "WHERE l.order_id = ? ORDER BY l.line_no";

    private static final String SQL_PAGE = SELECT_HEADER
            + "WHERE (? IS NULL OR o.status = ?) AND (? IS NULL OR o.customer_id = ?) "
            + "ORDER BY o.order_date DESC, o.id DESC LIMIT ? OFFSET ?";

    private static final String SQL_COUNT =
            "SELECT COUNT(*) FROM orders o "
            + "WHERE (? IS NULL OR o.status = ?) AND (? IS NULL OR o.customer_id = ?)";

    private static final String SQL_DATE_RANGE = SELECT_HEADER
            + "WHERE o.order_date >= ? AND o.order_date < ? ORDER BY o.order_date";

    private static final String SQL_INSERT_HEADER =
            "INSERT INTO orders (order_no, customer_id, order_date, delivery_date, status, remarks, version) "
            + "VALUES (?, ?, ?, ?, ?, ?, 0)";

    private static final String SQL_UPDATE_HEADER =
            "UPDATE orders SET delivery_date = ?, status = ?, remarks = ?, version = version + 1 "
            + "WHERE id = ? AND version = ?";

    private static final String SQL_DELETE_LINES = "DELETE FROM order_lines WHERE order_id = ?";

    private static final String SQL_INSERT_LINE =
            "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price, discount_pct) "
            + "VALUES (?, ?, ?, ?, ?, ?)";

    private static final String SQL_UPDATE_STATUS =
            "UPDATE orders SET status = ?, version = version + 1 WHERE id = ?";

    private static final String SQL_NEXT_NO = "SELECT nextval('order_no_seq')";

    private final RowMapper<Order> headerMapper = new RowMapper<Order>() {
        public Order mapRow(ResultSet rs, int rowNum) throws SQLException {
            Order o = new Order();
            o.setId(getLong(rs, "id"));
            o.setOrderNo(rs.getString("order_no"));
            o.setOrderDate(rs.getDate("order_date"));
            o.setDeliveryDate(rs.getDate("delivery_date"));
            o.setStatus(OrderStatus.fromCode(rs.getString("status")));
            o.setRemarks(rs.getString("remarks"));
            o.setVersion(rs.getInt("version"));
            Customer c = new Customer();
            c.setId(getLong(rs, "customer_id"));
            c.setCustomerNo(rs.getString("customer_no"));
            c.setName(rs.getString("customer_name"));
            c.setCategory(rs.getString("category"));
            o.setCustomer(c);
            return o;
        }
    };

    private static final RowMapper<OrderLine> LINE_MAPPER = new RowMapper<OrderLine>() {
        public OrderLine mapRow(ResultSet rs, int rowNum) throws SQLException {
            OrderLine l = new OrderLine();
            l.setId(getLong(rs, "id"));
            l.setLineNo(rs.getInt("line_no"));
            l.setQuantity(rs.getInt("quantity"));
            l.setUnitPrice(rs.getBigDecimal("unit_price"));
            l.setDiscountPercent(rs.getBigDecimal("discount_pct"));
            Product p = new Product();
            p.setId(getLong(rs, "product_id"));
            p.setSku(rs.getString("sku"));
            p.setName(rs.getString("product_name"));
            l.setProduct(p);
            return l;
        }
    };

    public Order findById(final Long id) {
        Order order = queryForObject(SELECT_HEADER + "WHERE o.id = ?", new StatementBinder() {
            public void bind(PreparedStatement ps) throws SQLException {
                ps.setLong(1, id.longValue());
            }
        }, headerMapper);
        if (order != null) {
            loadLines(order);
        }
        return order;
    }

    public Order findByOrderNo(final String orderNo) {
        Order order = queryForObject(SELECT_HEADER + "WHERE o.order_no = ?", new StatementBinder() {
            public void bind(PreparedStatement ps) throws SQLException {
                ps.setString(1, orderNo);
            }
        }, headerMapper);
        if (order != null) {
            loadLines(order);
        }
        return order;
    }

    private void loadLines(final Order order) {
        List<OrderLine> lines = query(SQL_LINES, new StatementBinder() {
            public void bind(PreparedStatement ps) throws SQLException {
                ps.setLong(1, order.getId().longValue());
            }
        }, LINE_MAPPER);
        order.setLines(lines);
    }

    public Page<Order> findPage(final OrderStatus status, final Long customerId,
            final int pageNumber, final int pageSize) {
        final StatementBinder filter = new StatementBinder() {
            public void bind(PreparedStatement ps) throws SQLException {
                if (status == null) {
                    ps.setNull(1, Types.CHAR);
                    ps.setNull(2, Types.CHAR);
                } else {
                    ps.setString(1, status.getCode());
                    ps.setString(2, status.getCode());
                }
                if (customerId == null) {
                    ps.setNull(3, Types.BIGINT);
                    ps.setNull(4, Types.BIGINT);
                } else {
                    ps.setLong(3, customerId.longValue());
                    ps.setLong(4, customerId.longValue());
                }
            }
        };
        int total = queryForInt(SQL_COUNT, filter);
        if (total == 0) {
            return Page.empty(pageSize);
        }
        List<Order> items = query(SQL_PAGE, new StatementBinder() {
            public void bind(PreparedStatement ps) throws SQLException {
                filter.bind(ps);
                ps.setInt(5, pageSize);
                ps.setInt(6, Page.offsetFor(pageNumber, pageSize));
            }
        }, headerMapper);
        return new Page<Order>(items, pageNumber, pageSize, total);
    }

    public List<Order> findByDateRange(final Date from, final Date to) {
        return query(SQL_DATE_RANGE, new StatementBinder() {
            public void bind(PreparedStatement ps) throws SQLException {
                ps.setDate(1, DateUtils.toSqlDate(DateUtils.truncate(from)));
                ps.setDate(2, DateUtils.toSqlDate(DateUtils.truncate(to)));
            }
        }, headerMapper);
    }

    public void insert(Order order) {
        Connection con = getConnection();
        PreparedStatement ps = null;
        ResultSet keys = null;
        boolean ok = false;
        try {
            con.setAutoCommit(false);
            ps = con.prepareStatement(SQL_INSERT_HEADER, Statement.RETURN_GENERATED_KEYS);
            ps.setString(1, order.getOrderNo());
            ps.setLong(2, order.getCustomer().getId().longValue());
            ps.setDate(3, DateUtils.toSqlDate(order.getOrderDate()));
            ps.setDate(4, DateUtils.toSqlDate(order.getDeliveryDate()));
            ps.setString(5, order.getStatus().getCode());
            ps.setString(6, TextUtils.trimToNull(order.getRemarks()));
            ps.executeUpdate();
            keys = ps.getGeneratedKeys();
            keys.next();
            order.setId(Long.valueOf(keys.getLong(1)));
            insertLines(con, order);
            con.commit();
            ok = true;
            if (LOG.isDebugEnabled()) {
                LOG.debug("Inserted " + order);
            }
        } catch (SQLException e) {
            throw new DataAccessException("Insert of order failed", SQL_INSERT_HEADER, e);
        } finally {
            rollbackUnless(ok, con);
            close(keys, ps, con);
        }
    }

    public boolean update(Order order) {
        Connection con = getConnection();
        PreparedStatement ps = null;
        boolean ok = false;
        try {
            con.setAutoCommit(false);
            ps = con.prepareStatement(SQL_UPDATE_HEADER);
            ps.setDate(1, DateUtils.toSqlDate(order.getDeliveryDate()));
            ps.setString(2, order.getStatus().getCode());
            ps.setString(3, TextUtils.trimToNull(order.getRemarks()));
            ps.setLong(4, order.getId().longValue());
            ps.setInt(5, order.getVersion());
            if (ps.executeUpdate() != 1) {
                LOG.warn("Optimistic lock failure on order " + order.getId()
                        + " version " + order.getVersion());
                return false;
            }
            ps.close();
            ps = con.prepareStatement(SQL_DELETE_LINES);
            ps.setLong(1, order.getId().longValue());
            ps.executeUpdate();
            insertLines(con, order);
            con.commit();
            ok = true;
            order.setVersion(order.getVersion() + 1);
            return true;
        } catch (SQLException e) {
            throw new DataAccessException("Update of order failed", SQL_UPDATE_HEADER, e);
        } finally {
            rollbackUnless(ok, con);
            close(null, ps, con);
        }
    }

    private void insertLines(Connection con, Order order) throws SQLException {
        PreparedStatement ps = con.prepareStatement(SQL_INSERT_LINE);
        try {
            for (OrderLine line : order.getLines()) {
                ps.setLong(1, order.getId().longValue());
                ps.setInt(2, line.getLineNo());
                ps.setLong(3, line.getProduct().getId().longValue());
                ps.setInt(4, line.getQuantity());
                ps.setBigDecimal(5, line.getUnitPrice());
                ps.setBigDecimal(6, line.getDiscountPercent());
                ps.addBatch();
            }
            ps.executeBatch();
        } finally {
            ps.close();
        }
    }

    public void updateStatus(final Long orderId, final OrderStatus status) {
        int n = update(SQL_UPDATE_STATUS, new StatementBinder() {
            public void bind(PreparedStatement ps) throws SQLException {
                ps.setString(1, status.getCode());
                ps.setLong(2, orderId.longValue());
            }
        });
        if (n == 0) {
            throw new DataAccessException("No order with id " + orderId);
        }
    }

    public String nextOrderNo() {
        int seq = queryForInt(SQL_NEXT_NO, null);
        Map<String, String> ctx = new HashMap<String, String>();
        ctx.put("year", DateUtils.format(new Date(), "yyyy"));
        ctx.put("seq", TextUtils.padNumber(seq, 6));
        return "AO-" + ctx.get("year") + "-" + ctx.get("seq");
    }

    private static void rollbackUnless(boolean ok, Connection con) {
        if (ok || con == null) {
            return;
        }
        try {
            con.rollback();
        } catch (SQLException e) {
            LOG.error("Rollback failed", e);
        }
    }
}
