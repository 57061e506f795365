package io.trailboss.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AraTimesTest {
    private static final DateTimeFormatter OUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** What java.time reads, the way parse read every time before the hand-written path. */
    private static Long javaTime(String t) {
        try {
            return OffsetDateTime.parse(t).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (DateTimeParseException e2) {
                try {
                    return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
                } catch (DateTimeParseException e3) {
                    return null;
                }
            }
        }
    }

    @Test
    void reads_every_time_as_java_time_does() {
        Random random = new Random(42);
        List<String> texts = new ArrayList<>(List.of("2026-11-23T10:00:00.123456+00:00", "2026-11-23T10:00:00Z", "2026-11-23T10:00:00",
                "2026-11-23T10:00:00.1Z", "2026-11-23T10:00:00.123456789-05:30", "2024-02-29T23:59:59.999+14:00", "1969-12-31T23:59:59.999Z",
                "2026-11-23", "2026-11-23T10:00", "2026-11-23t10:00:00z", "2026-11-23T10:00:00+0100", "2026-11-23T10:00:00+01:00:30",
                "2026-02-29T10:00:00Z", "2026-13-01T10:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T10:60:00Z", "2026-11-23T10:00:00.Z",
                "2026-11-23T10:00:00.1234567890Z", "2026-11-23T10:00:00+18:30", "2026-11-23T10:00:00+19:00", "+12026-11-23T10:00:00Z",
                "0000-01-01T00:00:00Z", "2026-11-23T10:00:00Z ", "2026-11-23T10:00:00ZZ", "2026-1-23T10:00:00Z", "not a time"));
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder(String.format("%04d-%02d-%02dT%02d:%02d:%02d", random.nextInt(3000), random.nextInt(14), random.nextInt(33),
                    random.nextInt(25), random.nextInt(61), random.nextInt(61)));
            if (random.nextBoolean()) b.append('.').append(String.valueOf(random.nextLong(Long.MAX_VALUE)), 0, 1 + random.nextInt(10));
            switch (random.nextInt(4)) {
                case 0 -> b.append('Z');
                case 1 -> b.append(String.format("%c%02d:%02d", random.nextBoolean() ? '+' : '-', random.nextInt(20), random.nextInt(61)));
                default -> { }
            }
            texts.add(b.toString());
        }
        int fast = 0;
        for (String t : texts) {
            Long expected = javaTime(t.trim());
            if (expected == null) {
                assertThatThrownBy(() -> AraTimes.parse("started", t)).as(t).isInstanceOf(RecordException.class).hasMessageContaining("valid date/time");
            } else {
                assertThat(AraTimes.parse("started", t)).as(t).isEqualTo(expected);
            }
            if (AraTimes.parseCommon(t.trim()) != Long.MIN_VALUE) fast++;
        }
        assertThat(fast).as("the hand-written path reads the common forms").isGreaterThan(1_000);
        assertThat(AraTimes.parseCommon("2026-11-23T10:00:00.123456+00:00")).isEqualTo(Instant.parse("2026-11-23T10:00:00.123Z").toEpochMilli());
    }

    @Test
    void writes_every_time_as_the_formatter_does() {
        Random random = new Random(7);
        List<Long> millis = new ArrayList<>(List.of(0L, -1L, 1L, 86_399_999L, -86_400_000L, 253_402_300_799_999L, 253_402_300_800_000L,
                -62_135_596_800_000L, -62_135_596_800_001L, -62_198_755_200_000L, 1_795_000_000_123L));
        for (int i = 0; i < 20_000; i++) millis.add(random.nextLong(-70_000_000_000_000L, 300_000_000_000_000L));
        for (long ms : millis) assertThat(AraTimes.format(ms)).as(String.valueOf(ms)).isEqualTo(OUT.format(Instant.ofEpochMilli(ms)));
        assertThat(AraTimes.format(null)).isNull();
    }
}
