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
        return epochMillis == null ? null : OUT.format(Instant.ofEpochMilli(epochMillis));
    }

    /** ISO-8601 with an offset or Z, or without one (read as UTC, as ARA's server does), or a plain date. */
    static long parse(String field, String text) {
        String t = text.trim();
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
