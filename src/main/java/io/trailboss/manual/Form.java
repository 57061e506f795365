package io.trailboss.manual;

import io.trailboss.manual.FormField.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A manual step's form: typed fields read from the task's {@code form} input, and the check of a
 * person's answers against them. Definition problems name the field's place ({@code form[1].type});
 * answer problems name the field.
 */
public final class Form {
    static final Set<String> KEYS = Set.of("name", "type", "label", "description", "default", "required", "choices",
            "pattern", "min", "max", "min_length", "max_length");
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,99}");

    private final List<FormField> fields;

    private Form(List<FormField> fields) {
        this.fields = List.copyOf(fields);
    }

    public static final Form EMPTY = new Form(List.of());

    public List<FormField> fields() {
        return fields;
    }

    /** A form read from its definition, or the problems that keep it from being one. */
    public record Parsed(Form form, List<FieldError> problems) {
        public Form orThrow() {
            if (!problems.isEmpty()) throw new IllegalArgumentException("invalid form: " + problems.stream().map(FieldError::toString).reduce((a, b) -> a + "; " + b).orElse(""));
            return form;
        }
    }

    /** True for a value that is still a template: it is checked once rendered, when the step runs. */
    public static boolean isTemplate(Object value) {
        return value instanceof String s && (s.contains("{{") || s.contains("{%") || s.contains("<%"));
    }

    /**
     * Reads a form definition: null (no form) or a list of field mappings. With {@code lenient},
     * values that are still templates are not checked (the definition is checked before rendering).
     */
    public static Parsed parse(Object definition, boolean lenient) {
        List<FieldError> problems = new ArrayList<>();
        if (definition == null) return new Parsed(EMPTY, problems);
        if (lenient && isTemplate(definition)) return new Parsed(EMPTY, problems);
        if (!(definition instanceof List<?> items)) {
            problems.add(new FieldError("form", "must be a list of fields, not " + describe(definition)));
            return new Parsed(EMPTY, problems);
        }
        List<FormField> fields = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            String at = "form[" + i + "]";
            if (!(items.get(i) instanceof Map<?, ?> raw)) {
                problems.add(new FieldError(at, "a field must be a mapping with at least 'name', not " + describe(items.get(i))));
                continue;
            }
            FormField f = field(raw, at, lenient, problems);
            if (f == null) continue;
            if (!names.add(f.name())) problems.add(new FieldError(at + ".name", "field '" + f.name() + "' is defined twice"));
            fields.add(f);
        }
        return new Parsed(new Form(fields), problems);
    }

    private static FormField field(Map<?, ?> raw, String at, boolean lenient, List<FieldError> problems) {
        int before = problems.size();
        for (Object key : raw.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                problems.add(new FieldError(at + "." + key, "unknown key '" + key + "' (allowed: " + String.join(", ", KEYS.stream().sorted().toList()) + ")"));
            }
        }
        Object nameValue = raw.get("name");
        String name = nameValue instanceof String s ? s : null;
        if (name == null || !NAME.matcher(name).matches()) {
            problems.add(new FieldError(at + ".name", nameValue == null ? "a field needs a 'name'"
                    : "'" + nameValue + "' is not a field name (a letter, then letters, digits, '_' or '-')"));
        }
        String where = name == null ? at : at + " (" + name + ")";
        Object typeValue = raw.containsKey("type") ? raw.get("type") : "string";
        Type type = null;
        try {
            type = Type.valueOf(String.valueOf(typeValue).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add(new FieldError(at + ".type", where + ": unknown type '" + typeValue + "' (one of "
                    + String.join(", ", Arrays.stream(Type.values()).map(Type::word).toList()) + ")"));
        }
        String label = text(raw, "label", at, problems);
        String description = text(raw, "description", at, problems);
        Object req = raw.get("required");
        if (req != null && !(req instanceof Boolean) && !(lenient && isTemplate(req))) {
            problems.add(new FieldError(at + ".required", where + ": 'required' must be true or false, not " + describe(req)));
        }
        List<Object> choices = null;
        if (raw.containsKey("choices")) {
            Object c = raw.get("choices");
            if (lenient && isTemplate(c)) {
                choices = null;
            } else if (!(c instanceof List<?> list) || list.isEmpty() || list.stream().anyMatch(v -> v == null || v instanceof Map || v instanceof List)) {
                problems.add(new FieldError(at + ".choices", where + ": 'choices' must be a non-empty list of strings, numbers or booleans"));
            } else {
                choices = new ArrayList<>(list);
            }
            if (type != null && type != Type.CHOICE) problems.add(new FieldError(at + ".choices", where + ": only a choice field has 'choices'"));
        } else if (type == Type.CHOICE) {
            problems.add(new FieldError(at + ".choices", where + ": a choice field needs 'choices'"));
        }
        String pattern = null;
        if (raw.containsKey("pattern")) {
            pattern = text(raw, "pattern", at, problems);
            if (type != null && type != Type.STRING && type != Type.SECRET) problems.add(new FieldError(at + ".pattern", where + ": only string and secret fields have a 'pattern'"));
            else if (pattern != null) {
                try {
                    Pattern.compile(pattern);
                } catch (PatternSyntaxException e) {
                    problems.add(new FieldError(at + ".pattern", where + ": 'pattern' is not a regular expression: " + e.getDescription()));
                }
            }
        }
        Double min = number(raw, "min", at, where, lenient, problems);
        Double max = number(raw, "max", at, where, lenient, problems);
        if ((min != null || max != null) && type != null && type != Type.NUMBER) problems.add(new FieldError(at + (min != null ? ".min" : ".max"), where + ": only a number field has 'min' and 'max'"));
        if (min != null && max != null && min > max) problems.add(new FieldError(at + ".min", where + ": 'min' is above 'max'"));
        Integer minLength = length(raw, "min_length", at, where, lenient, problems);
        Integer maxLength = length(raw, "max_length", at, where, lenient, problems);
        if ((minLength != null || maxLength != null) && type != null && type != Type.STRING && type != Type.SECRET) {
            problems.add(new FieldError(at + (minLength != null ? ".min_length" : ".max_length"), where + ": only string and secret fields have 'min_length' and 'max_length'"));
        }
        if (minLength != null && maxLength != null && minLength > maxLength) problems.add(new FieldError(at + ".min_length", where + ": 'min_length' is above 'max_length'"));
        boolean hasDefault = raw.containsKey("default");
        Object defaultValue = raw.get("default");
        if (hasDefault && type == Type.SECRET) {
            problems.add(new FieldError(at + ".default", where + ": a secret field cannot have a default (it would sit in clear in the workflow definition)"));
        }
        if (problems.size() > before || type == null || name == null) return null;
        boolean required = req instanceof Boolean b ? b : !hasDefault;
        FormField f = new FormField(name, type, label, description, defaultValue, hasDefault, required, choices, pattern, min, max, minLength, maxLength);
        if (hasDefault && defaultValue != null && !(lenient && isTemplate(defaultValue))) {
            List<String> wrong = new ArrayList<>();
            Object typed = convert(f, defaultValue, wrong);
            if (!wrong.isEmpty()) {
                problems.add(new FieldError(at + ".default", where + ": the default " + wrong.getFirst()));
                return null;
            }
            f = new FormField(name, type, label, description, typed, true, required, choices, pattern, min, max, minLength, maxLength);
        }
        return f;
    }

    /**
     * Checks answers against the form. Returns every field's value in form order: the answer
     * converted to the field's type, else the default, else null (for optional fields). Throws with
     * every problem at once if any answer is missing, unknown or does not fit.
     */
    public Map<String, Object> answers(Map<String, Object> given) {
        List<FieldError> errors = new ArrayList<>();
        Map<String, FormField> byName = new LinkedHashMap<>();
        fields.forEach(f -> byName.put(f.name(), f));
        for (String key : given.keySet()) {
            if (!byName.containsKey(key)) {
                errors.add(new FieldError(key, fields.isEmpty() ? "the step has no form, so it takes no answers"
                        : "the form has no field '" + key + "' (fields: " + String.join(", ", byName.keySet()) + ")"));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (FormField f : fields) {
            Object v = given.get(f.name());
            if (v == null || (v instanceof String s && s.isEmpty() && f.type() != Type.STRING && f.type() != Type.SECRET)) {
                if (f.hasDefault()) values.put(f.name(), f.defaultValue());
                else if (f.required()) errors.add(new FieldError(f.name(), "is required"));
                else values.put(f.name(), null);
                continue;
            }
            List<String> wrong = new ArrayList<>();
            Object typed = convert(f, v, wrong);
            wrong.forEach(w -> errors.add(new FieldError(f.name(), w)));
            values.put(f.name(), typed);
        }
        if (!errors.isEmpty()) throw new AnswersException(errors);
        return values;
    }

    /** The value as the field's type, or a problem in {@code wrong}. Strings are read leniently (the CLI sends text). */
    private static Object convert(FormField f, Object v, List<String> wrong) {
        switch (f.type()) {
            case STRING, SECRET -> {
                if (!(v instanceof String s)) {
                    wrong.add("must be text, not " + describe(v));
                    return null;
                }
                if (f.minLength() != null && s.length() < f.minLength()) wrong.add("must be at least " + f.minLength() + " characters long");
                if (f.maxLength() != null && s.length() > f.maxLength()) wrong.add("must be at most " + f.maxLength() + " characters long");
                if (f.pattern() != null && !Pattern.compile(f.pattern()).matcher(s).matches()) {
                    wrong.add(f.type() == Type.SECRET ? "does not match the pattern " + f.pattern() : "'" + s + "' does not match the pattern " + f.pattern());
                }
                return s;
            }
            case NUMBER -> {
                BigDecimal n;
                try {
                    n = v instanceof Number num ? new BigDecimal(num.toString()) : v instanceof String s ? new BigDecimal(s.trim()) : null;
                } catch (NumberFormatException e) {
                    n = null;
                }
                if (n == null) {
                    wrong.add("must be a number, not " + describe(v));
                    return null;
                }
                if (f.min() != null && n.doubleValue() < f.min()) wrong.add("must be at least " + plain(f.min()));
                if (f.max() != null && n.doubleValue() > f.max()) wrong.add("must be at most " + plain(f.max()));
                return numberValue(n);
            }
            case BOOLEAN -> {
                if (v instanceof Boolean b) return b;
                if (v instanceof String s) {
                    switch (s.trim().toLowerCase(Locale.ROOT)) {
                        case "true", "yes", "y", "on" -> { return true; }
                        case "false", "no", "n", "off" -> { return false; }
                        default -> { }
                    }
                }
                wrong.add("must be true or false, not " + describe(v));
                return null;
            }
            case CHOICE -> {
                for (Object c : f.choices()) {
                    if (String.valueOf(c).equals(String.valueOf(v))) return c;
                }
                wrong.add(describe(v) + " is not one of the choices " + f.choices());
                return null;
            }
        }
        throw new IllegalStateException();
    }

    private static Object numberValue(BigDecimal n) {
        BigDecimal stripped = n.stripTrailingZeros();
        if (stripped.scale() <= 0 && stripped.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) return stripped.longValueExact();
        return n.doubleValue();
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static String text(Map<?, ?> raw, String key, String at, List<FieldError> problems) {
        Object v = raw.get(key);
        if (v == null) return null;
        if (v instanceof String s) return s;
        problems.add(new FieldError(at + "." + key, "'" + key + "' must be text, not " + describe(v)));
        return null;
    }

    private static Double number(Map<?, ?> raw, String key, String at, String where, boolean lenient, List<FieldError> problems) {
        Object v = raw.get(key);
        if (v == null || (lenient && isTemplate(v))) return null;
        if (v instanceof Number n) return n.doubleValue();
        problems.add(new FieldError(at + "." + key, where + ": '" + key + "' must be a number, not " + describe(v)));
        return null;
    }

    private static Integer length(Map<?, ?> raw, String key, String at, String where, boolean lenient, List<FieldError> problems) {
        Object v = raw.get(key);
        if (v == null || (lenient && isTemplate(v))) return null;
        if ((v instanceof Integer || v instanceof Long) && ((Number) v).longValue() >= 0 && ((Number) v).longValue() <= Integer.MAX_VALUE) return ((Number) v).intValue();
        problems.add(new FieldError(at + "." + key, where + ": '" + key + "' must be a whole number of characters, not " + describe(v)));
        return null;
    }

    static String describe(Object v) {
        return switch (v) {
            case null -> "null";
            case String s -> "'" + s + "'";
            case Map<?, ?> m -> "a mapping";
            case List<?> l -> "a list";
            default -> String.valueOf(v);
        };
    }

    /** The form as the inbox shows it; secret fields have no default to show. */
    public List<Map<String, Object>> view() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (FormField f : fields) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("name", f.name());
            v.put("type", f.type().word());
            if (f.label() != null) v.put("label", f.label());
            if (f.description() != null) v.put("description", f.description());
            v.put("required", f.required());
            if (f.hasDefault()) v.put("default", f.defaultValue());
            if (f.choices() != null) v.put("choices", f.choices());
            if (f.pattern() != null) v.put("pattern", f.pattern());
            if (f.min() != null) v.put("min", f.min());
            if (f.max() != null) v.put("max", f.max());
            if (f.minLength() != null) v.put("min_length", f.minLength());
            if (f.maxLength() != null) v.put("max_length", f.maxLength());
            out.add(v);
        }
        return out;
    }
}
