package io.trailboss.record;

import io.trailboss.json.Json;
import io.trailboss.record.AraResource.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** A request's values checked as ARA checks them, each turned into what its column holds. */
final class RecordValues {
    /** rec_result.delegated_to is VARCHAR(4000). */
    private static final int MAX_IDS_TEXT = 4000;

    private RecordValues() {}

    /** Checks one field's value from a request and turns it into what its column holds. */
    static Object normalize(AraResource r, Field f, Object v) {
        String name = f.name();
        if (v == null) {
            if (!f.nullable()) throw RecordException.invalid(name, "field '" + name + "' may not be null.");
            return null;
        }
        switch (f.kind()) {
            case STRING -> {
                if (v instanceof Map || v instanceof List) throw RecordException.invalid(name, "field '" + name + "' must be a string.");
                String s = String.valueOf(v);
                if (f.maxLength() > 0 && s.length() > f.maxLength()) {
                    throw RecordException.invalid(name, "Ensure field '" + name + "' has no more than " + f.maxLength() + " characters.");
                }
                if (f.choices() != null && !f.choices().contains(s)) {
                    throw RecordException.invalid(name, "\"" + s + "\" is not a valid choice for '" + name + "' (" + String.join(", ", f.choices().stream().sorted().toList()) + ").");
                }
                if (r == AraResource.PLAYS && name.equals("uuid")) return canonicalUuid(s);
                return s;
            }
            case INT -> {
                return (int) number(name, v);
            }
            case ID -> {
                return number(name, v);
            }
            case BOOL -> {
                if (v instanceof Boolean b) return b;
                return bool(name, String.valueOf(v));
            }
            case TIME -> {
                if (!(v instanceof String s)) throw RecordException.invalid(name, "field '" + name + "' must be an ISO-8601 date/time string.");
                return AraTimes.parse(name, s);
            }
            case JSON -> {
                return Json.write(v);
            }
            case IDS -> {
                if (!(v instanceof List<?> list)) throw RecordException.invalid(name, "field '" + name + "' must be a list of ids.");
                List<Long> ids = new ArrayList<>();
                for (Object o : list) ids.add(number(name, o));
                String json = Json.write(ids);
                if (json.length() > MAX_IDS_TEXT) {
                    throw RecordException.invalid(name, "Ensure field '" + name + "' lists fewer ids: as JSON it has " + json.length()
                            + " characters, at most " + MAX_IDS_TEXT + ".");
                }
                return json;
            }
            default -> throw new IllegalStateException(f.kind().toString());
        }
    }

    /** A playbook's label names, each once, in the order given. */
    static List<String> labelNames(Object value) {
        if (!(value instanceof List<?> list)) throw RecordException.invalid("labels", "field 'labels' must be a list of label names.");
        List<String> names = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s) || s.isBlank()) throw RecordException.invalid("labels", "field 'labels' must be a list of non-empty label names.");
            if (s.length() > 255) throw RecordException.invalid("labels", "a label has at most 255 characters.");
            if (!names.contains(s)) names.add(s);
        }
        return names;
    }

    static long number(String field, Object v) {
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.longValue();
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                // falls through
            }
        }
        throw RecordException.invalid(field, "field '" + field + "' must be a whole number, not " + Json.write(v) + ".");
    }

    static boolean bool(String field, String s) {
        return switch (s) {
            case "true", "True", "1" -> true;
            case "false", "False", "0" -> false;
            default -> throw RecordException.invalid(field, "'" + field + "' must be true or false, not '" + s + "'.");
        };
    }

    private static String canonicalUuid(String s) {
        String t = s.length() > 36 ? s.substring(0, 36) : s;
        try {
            return UUID.fromString(t).toString();
        } catch (IllegalArgumentException e) {
            return s.toLowerCase(Locale.ROOT);
        }
    }
}
