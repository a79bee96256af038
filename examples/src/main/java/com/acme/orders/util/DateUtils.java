package com.acme.orders.util;

import java.text.ParseException;
import java.text.SimpleDateFormat;
import java.util.Calendar;
import java.util.Date;
import java.util.GregorianCalendar;

/**
 * Date helpers. SimpleDateFormat is not thread safe, so formats are
 * created per call (profiling showed this is cheap enough, ORD-88).
 */
public final class DateUtils {

    public static final String DISPLAY_PATTERN = "dd.MM.yyyy";
    public static final String ISO_PATTERN = "yyyy-MM-dd";
    public static final String TIMESTAMP_PATTERN = "yyyy-MM-dd HH:mm:ss";

    private DateUtils() {
    }

    /**
     * Parses a user supplied date in either display ("31.12.2008") or ISO
     * ("2008-12-31") format.
     *
     * @param text the input, may be null or blank
     * @return the date or null if the input was blank
     * @throws ParseException if the text matches neither format
     */
    public static Date parse(String text) throws ParseException {
        if (TextUtils.isBlank(text)) {
            return null;
        }
        String s = text.trim();
        SimpleDateFormat fmt;
        if (s.indexOf('-') > 0) {
            fmt = new SimpleDateFormat(ISO_PATTERN);
        } else {
            fmt = new SimpleDateFormat(DISPLAY_PATTERN);
        }
        fmt.setLenient(false);
        return fmt.parse(s);
    }

    /** Like {@link #parse(String)} but returns null instead of throwing. */
    public static Date parseQuietly(String text) {
        try {
            return parse(text);
        } catch (ParseException e) {
            return null;
        }
    }

    public static String format(Date date) {
        return format(date, DISPLAY_PATTERN);
    }

    public static String format(Date date, String pattern) {
        if (date == null) {
            return "";
        }
        return new SimpleDateFormat(pattern).format(date);
    }

    /** Strips the time part (sets it to 00:00:00.000). */
    public static Date truncate(Date date) {
        if (date == null) {
            return null;
        }
        Calendar cal = Calendar.getInstance();
        cal.setTime(date);
        cal.set(Calendar.HOUR_OF_DAY, 0);
        cal.set(Calendar.MINUTE, 0);
        cal.set(Calendar.SECOND, 0);
        cal.set(Calendar.MILLISECOND, 0);
        return cal.getTime();
    }

    /**
     * Adds working days (Mon-Fri), skipping weekends. Public holidays are
     * not considered (TODO: read them from the holidays table).
     */
    public static Date addWorkingDays(Date start, int days) {
        Calendar cal = new GregorianCalendar();
        cal.setTime(truncate(start));
        int added = 0;
        while (added < days) {
            cal.add(Calendar.DAY_OF_MONTH, 1);
            int dow = cal.get(Calendar.DAY_OF_WEEK);
            if (dow != Calendar.SATURDAY && dow != Calendar.SUNDAY) {
                added++;
            }
        }
        return cal.getTime();
    }

    /** Whole days between two dates, ignoring time of day. */
    public static int daysBetween(Date from, Date to) {
        long a = truncate(from).getTime();
        long b = truncate(to).getTime();
        return (int) Math.round((b - a) / (24.0 * 60 * 60 * 1000));
    }

    public static Date firstDayOfMonth(Date date) {
        Calendar cal = Calendar.getInstance();
        cal.setTime(truncate(date));
        cal.set(Calendar.DAY_OF_MONTH, 1);
        return cal.getTime();
    }

    public static java.sql.Date toSqlDate(Date date) {
        return date == null ? null : new java.sql.Date(date.getTime());
    }

    public static java.sql.Timestamp toTimestamp(Date date) {
        return date == null ? null : new java.sql.Timestamp(date.getTime());
    }
}
