/*
 * ACME Orders - small utility functions (no framework dependencies).
 * Loaded before orders.js.
 */

var AcmeUtil = AcmeUtil || {};

/** Left-pads a number with zeros: pad(7, 2) == "07". */
AcmeUtil.pad = function (n, width) {
    var s = String(n);
    while (s.length < width) {
        s = "0" + s;
    }
    return s;
};

/**
 * Formats a Date as "dd.MM.yyyy" (German display format, same as
 * DateUtils.DISPLAY_PATTERN on the server).
 */
AcmeUtil.formatDate = function (d) {
    if (!d) {
        return "";
    }
    return AcmeUtil.pad(d.getDate(), 2) + "." + AcmeUtil.pad(d.getMonth() + 1, 2) + "." + d.getFullYear();
};

/** Formats a Date as ISO "yyyy-MM-dd". */
AcmeUtil.formatIsoDate = function (d) {
    return d.getFullYear() + "-" + AcmeUtil.pad(d.getMonth() + 1, 2) + "-" + AcmeUtil.pad(d.getDate(), 2);
};

/**
 * Parses "dd.MM.yyyy", "d.M.yy" or "yyyy-MM-dd". Returns null for invalid
 * input (including 31.02.2008, which new Date() would silently roll over).
 */
AcmeUtil.parseDate = function (text) {
    var m, day, month, year, d;
    if (!text) {
        return null;
    }
    text = text.replace(/^\s+|\s+$/g, "");
    if ((m = /^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$/.exec(text))) {
        day = parseInt(m[1], 10);
        month = parseInt(m[2], 10) - 1;
        year = parseInt(m[3], 10);
        if (year < 100) {
            year += (year < 50 ? 2000 : 1900);
        }
    } else if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text))) {
        year = parseInt(m[1], 10);
        month = parseInt(m[2], 10) - 1;
        day = parseInt(m[3], 10);
    } else {
        return null;
    }
    d = new Date(year, month, day);
    if (d.getFullYear() !== year || d.getMonth() !== month || d.getDate() !== day) {
        return null;
    }
    return d;
};

/** Adds working days (Mon-Fri), mirrors DateUtils.addWorkingDays(). */
AcmeUtil.addWorkingDays = function (start, days) {
    var d = new Date(start.getTime()), added = 0, dow;
    while (added < days) {
        d.setDate(d.getDate() + 1);
        dow = d.getDay();
        if (dow !== 0 && dow !== 6) {
            added++;
        }
    }
    return d;
};

/** Number of whole days from a to b. */
AcmeUtil.daysBetween = function (a, b) {
    var MS_PER_DAY = 24 * 60 * 60 * 1000;
    var ua = Date.UTC(a.getFullYear(), a.getMonth(), a.getDate());
    var ub = Date.UTC(b.getFullYear(), b.getMonth(), b.getDate());
    return Math.round((ub - ua) / MS_PER_DAY);
};

/**
 * Parses a German formatted number ("1.234,50") or a plain one ("1234.50").
 * Returns NaN if the text is not a number.
 */
AcmeUtil.parseNumber = function (text) {
    if (text === null || text === undefined) {
        return NaN;
    }
    var s = String(text).replace(/\s|\u20ac|EUR/g, "");
    if (s.indexOf(",") >= 0) {
        s = s.replace(/\./g, "").replace(",", ".");
    }
    return s === "" ? NaN : Number(s);
};

/** Formats a number as money: 1234.5 -> "1.234,50 €". */
AcmeUtil.formatMoney = function (value) {
    var negative = value < 0, parts, intPart, out = "", i;
    parts = Math.abs(value).toFixed(2).split(".");
    intPart = parts[0];
    for (i = 0; i < intPart.length; i++) {
        if (i > 0 && (intPart.length - i) % 3 === 0) {
            out += ".";
        }
        out += intPart.charAt(i);
    }
    return (negative ? "-" : "") + out + "," + parts[1] + " \u20ac";
};

/** Escapes text for insertion into innerHTML. */
AcmeUtil.escapeHtml = function (s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;")
        .replace(/>/g, "&gt;").replace(/"/g, "&quot;");
};
