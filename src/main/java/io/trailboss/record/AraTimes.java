package io.trailboss.record;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Times as ARA's API writes and reads them: ISO-8601 in UTC, durations as [D ]HH:MM:SS.ffffff. */
final class AraTimes {
    private static final DateTimeFormatter OUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private AraTimes() {}

    static String format(Long epochMillis) {
        if (epochMillis == null) return null;
        long ms = epochMillis;
        long day = Math.floorDiv(ms, 86_400_000L);
        int inDay = (int) Math.floorMod(ms, 86_400_000L);
        LocalDate date = LocalDate.ofEpochDay(day);
        // every answer carries four of these: written by hand (DateTimeFormatter was a visible share of a post's CPU);
        // years outside 1-9999 keep the formatter's rendering (year of era, sign)
        if (date.getYear() < 1 || date.getYear() > 9999) return OUT.format(Instant.ofEpochMilli(ms));
        char[] c = "0000-00-00T00:00:00.000000Z".toCharArray();
        digits(c, 0, date.getYear(), 4);
        digits(c, 5, date.getMonthValue(), 2);
        digits(c, 8, date.getDayOfMonth(), 2);
        digits(c, 11, inDay / 3_600_000, 2);
        digits(c, 14, inDay / 60_000 % 60, 2);
        digits(c, 17, inDay / 1000 % 60, 2);
        digits(c, 20, inDay % 1000, 3);
        return new String(c);
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** ISO-8601 with an offset or Z, or without one (read as UTC, as ARA's server does), or a plain date. */
    static long parse(String field, String text) {
        String t = text.trim();
        long fast = parseCommon(t);
        if (fast != NOT_COMMON) return fast;
        try {
            return OffsetDateTime.parse(t).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (DateTimeParseException e2) {
                try {
                    return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
                } catch (DateTimeParseException e3) {
                    throw RecordException.invalid(field, "Enter a valid date/time (ISO-8601, such as 2026-11-23T10:00:00+00:00), not '" + text + "'.");
                }
            }
        }
    }

    private static final long NOT_COMMON = Long.MIN_VALUE;

    /**
     * The form every ARA client sends (Python's isoformat(): 2026-11-23T10:00:00.123456+00:00, or with Z, or
     * without an offset) read by hand, as java.time would read it; anything else (and any field out of range)
     * is NOT_COMMON and goes to java.time, which also words the errors. Two of these per result post
     * were a visible share of its CPU.
     */
    static long parseCommon(String t) {
        int n = t.length();
        if (n < 19 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T' || t.charAt(13) != ':' || t.charAt(16) != ':') return NOT_COMMON;
        int year = num(t, 0, 4), month = num(t, 5, 2), day = num(t, 8, 2), hour = num(t, 11, 2), minute = num(t, 14, 2), second = num(t, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NOT_COMMON;
        int i = 19;
        int millis = 0;
        if (i < n && t.charAt(i) == '.') {
            int start = ++i;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') i++;
            int digits = i - start;
            if (digits < 1 || digits > 9) return NOT_COMMON;
            for (int k = 0; k < 3; k++) millis = millis * 10 + (k < digits ? t.charAt(start + k) - '0' : 0);
        }
        int offsetSeconds = 0;
        if (i < n) {
            char c = t.charAt(i);
            if (c == 'Z' && i + 1 == n) {
                i++;
            } else if ((c == '+' || c == '-') && i + 6 == n && t.charAt(i + 3) == ':') {
                int oh = num(t, i + 1, 2), om = num(t, i + 4, 2);
                if (oh < 0 || oh > 18 || om < 0 || om > 59 || oh == 18 && om > 0) return NOT_COMMON;
                offsetSeconds = (c == '-' ? -1 : 1) * (oh * 3600 + om * 60);
                i += 6;
            } else {
                return NOT_COMMON;
            }
        }
        if (i != n) return NOT_COMMON;
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return ((epochDay * 86_400L + hour * 3600L + minute * 60L + second) - offsetSeconds) * 1000L + millis;
    }

    /** The unsigned decimal number of {@code len} digits at {@code at}, or -1. */
    private static int num(String t, int at, int len) {
        int v = 0;
        for (int k = at; k < at + len; k++) {
            char c = t.charAt(k);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** ARA's duration text; always with microseconds, which ARA's CLI needs to parse it. */
    static String duration(Long started, Long ended) {
        if (started == null || ended == null) return null;
        long ms = Math.max(0, ended - started);
        long days = ms / 86_400_000L;
        long rest = ms % 86_400_000L;
        String hms = String.format("%02d:%02d:%02d.%06d", rest / 3_600_000L, rest / 60_000L % 60, rest / 1000 % 60, rest % 1000 * 1000);
        return days > 0 ? days + " " + hms : hms;
    }
}
