package com.acme.orders.util;

import java.util.Collection;
import java.util.Iterator;

/**
 * String helpers (we could not get commons-lang approved in 2006, hence this).
 */
public final class TextUtils {

    private TextUtils() {
    }

    public static boolean isBlank(String s) {
        if (s == null) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isWhitespace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    public static boolean isNotBlank(String s) {
        return !isBlank(s);
    }

    public static String trimToNull(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim();
        return t.length() == 0 ? null : t;
    }

    public static String defaultString(String s, String def) {
        return s == null ? def : s;
    }

    /**
     * Joins the elements with the given separator; nulls become "".
     */
    public static String join(Collection<?> items, String separator) {
        if (items == null || items.isEmpty()) {
            return "";
        }
        StringBuffer sb = new StringBuffer();
        for (Iterator<?> it = items.iterator(); it.hasNext();) {
            Object o = it.next();
            sb.append(o == null ? "" : o.toString());
            if (it.hasNext()) {
                sb.append(separator);
            }
        }
        return sb.toString();
    }

    /**
     * Escapes text for HTML output. The JSPs mostly use c:out, but some
     * legacy scriptlets still call this.
     */
    public static String escapeHtml(String s) {
        if (s == null) {
            return "";
        }
        StringBuffer sb = new StringBuffer(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<': sb.append("&lt;"); break;
                case '>': sb.append("&gt;"); break;
                case '&': sb.append("&amp;"); break;
                case '"': sb.append("&quot;"); break;
                case '\'': sb.append("&#39;"); break;
                default: sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * Escapes a string for embedding in a JavaScript/JSON literal.
     * Braces are escaped too because the old IE6 JSON eval hack choked
     * on a bare { or } inside strings.
     */
    public static String escapeJs(String s) {
        if (s == null) {
            return "";
        }
        StringBuffer sb = new StringBuffer();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c == '\'') {
                sb.append('\\').append(c);
            } else if (c == '{') {
                sb.append("\\u007b");
            } else if (c == '}') {
                sb.append("\\u007d");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c < 0x20) {
                sb.append(' ');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Converts a user search term into a SQL LIKE pattern ("foo*" -> "foo%"). */
    public static String toLikePattern(String term) {
        if (isBlank(term)) {
            return "%";
        }
        String t = term.trim().replace("%", "\\%").replace("_", "\\_");
        t = t.replace('*', '%').replace('?', '_');
        if (t.indexOf('%') < 0) {
            t = t + "%";
        }
        return t;
    }

    /** Left-pads a number with zeros, e.g. padNumber(42, 6) = "000042". */
    public static String padNumber(long n, int width) {
        String s = String.valueOf(n);
        StringBuffer sb = new StringBuffer();
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s).toString();
    }

    /** @deprecated use {@link #isBlank(String)}; kept for old JSP scriptlets. */
    @Deprecated
    public static boolean isEmpty(String s) {
        return s == null || s.length() == 0;
    }
}
