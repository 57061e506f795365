package io.trailboss.operation;

import io.trailboss.definition.InputParam;
import io.trailboss.definition.WorkflowSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An operation's form: one field per workflow input (a bare input is required, {@code name: default} is
 * not), typed and described by the operation's notes; and the server-side check of a submitted form,
 * which answers field by field.
 */
public final class Forms {
    private static final Set<String> NOTE_KEYS = Set.of("type", "description", "pattern", "min", "max", "choices");

    private Forms() {}

    /** Checks an operation's field notes against its workflow's inputs; every problem is named. */
    public static void checkNotes(WorkflowSpec spec, Map<String, Object> notes) {
        List<FieldError> errors = new ArrayList<>();
        List<String> inputs = spec.input().stream().map(InputParam::name).toList();
        notes.forEach((name, note) -> {
            String at = "fields." + name;
            if (!inputs.contains(name)) {
                errors.add(new FieldError(at, "workflow '" + spec.name() + "' has no input '" + name + "'"
                        + (inputs.isEmpty() ? "" : " (its inputs: " + String.join(", ", inputs) + ")")));
                return;
            }
            if (!(note instanceof Map<?, ?> m)) {
                errors.add(new FieldError(at, "must be a mapping of " + String.join(", ", NOTE_KEYS.stream().sorted().toList())));
                return;
            }
            m.keySet().forEach(k -> {
                if (!NOTE_KEYS.contains(String.valueOf(k))) errors.add(new FieldError(at + "." + k, "unknown key (allowed: "
                        + String.join(", ", NOTE_KEYS.stream().sorted().toList()) + ")"));
            });
            try {
                field(new InputParam(name, true, null), m);
            } catch (FormException e) {
                e.errors().forEach(fe -> errors.add(new FieldError(at + "." + fe.field(), fe.message())));
            }
        });
        if (!errors.isEmpty()) throw new FormException(errors);
    }

    /** The form of a workflow's inputs under an operation's notes. */
    public static List<FieldSpec> form(WorkflowSpec spec, Map<String, Object> notes) {
        List<FieldSpec> out = new ArrayList<>();
        for (InputParam p : spec.input()) out.add(field(p, notes.get(p.name()) instanceof Map<?, ?> m ? m : Map.of()));
        return out;
    }

    private static FieldSpec field(InputParam p, Map<?, ?> note) {
        FieldSpec.Type type;
        Object t = note.get("type");
        if (t == null) {
            Object d = p.defaultValue();
            type = d instanceof Boolean ? FieldSpec.Type.BOOLEAN : d instanceof Number ? FieldSpec.Type.NUMBER
                    : d instanceof List<?> ? FieldSpec.Type.LIST : FieldSpec.Type.STRING;
        } else {
            try {
                type = FieldSpec.Type.valueOf(String.valueOf(t).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw FormException.of("type", "unknown type '" + t + "' (types: string, number, boolean, choice, list, secret, text)");
            }
        }
        String pattern = note.get("pattern") == null ? null : String.valueOf(note.get("pattern"));
        if (pattern != null) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw FormException.of("pattern", "not a regular expression: " + e.getDescription());
            }
        }
        Double min = number(note, "min");
        Double max = number(note, "max");
        if (min != null && max != null && min > max) throw FormException.of("min", "min " + min + " is greater than max " + max);
        List<Object> choices = null;
        if (note.get("choices") != null) {
            if (!(note.get("choices") instanceof List<?> l) || l.isEmpty()
                    || !l.stream().allMatch(c -> c instanceof String || c instanceof Number || c instanceof Boolean)) {
                throw FormException.of("choices", "must be a non-empty list of strings, numbers or booleans");
            }
            choices = List.copyOf(l);
        }
        if (type == FieldSpec.Type.CHOICE && choices == null) throw FormException.of("choices", "a choice field needs choices");
        String description = note.get("description") == null ? null : String.valueOf(note.get("description"));
        return new FieldSpec(p.name(), type, p.required(), !p.required(), p.defaultValue(), description, pattern, min, max, choices);
    }

    private static Double number(Map<?, ?> note, String key) {
        Object v = note.get(key);
        if (v == null) return null;
        if (!(v instanceof Number n)) throw FormException.of(key, "must be a number");
        return n.doubleValue();
    }

    /**
     * The input a valid submission makes (typed values; numbers and booleans may come as text from a
     * form). Every bad field is reported at once; a field left out gets the workflow's default.
     */
    public static Map<String, Object> check(List<FieldSpec> form, Map<String, Object> submitted) {
        List<FieldError> errors = new ArrayList<>();
        Map<String, Object> out = new LinkedHashMap<>();
        Set<String> names = new java.util.HashSet<>();
        for (FieldSpec f : form) names.add(f.name());
        for (String key : submitted.keySet()) {
            if (!names.contains(key)) errors.add(new FieldError(key, "not a field of this form (fields: "
                    + String.join(", ", form.stream().map(FieldSpec::name).toList()) + ")"));
        }
        for (FieldSpec f : form) {
            if (!submitted.containsKey(f.name()) || submitted.get(f.name()) == null || "".equals(submitted.get(f.name())) && f.required()) {
                if (f.required()) errors.add(new FieldError(f.name(), "is required"));
                continue;
            }
            try {
                out.put(f.name(), value(f, submitted.get(f.name())));
            } catch (FormException e) {
                errors.addAll(e.errors());
            }
        }
        if (!errors.isEmpty()) throw new FormException(errors);
        return out;
    }

    /**
     * The changes a rerun makes to a form's earlier answers, checked field by field as {@link #check} checks a
     * whole submission (every bad field at once): a field left out keeps its earlier value, an empty optional
     * field goes back to its default, an empty required one is refused.
     */
    public static Map<String, Object> checkChanges(List<FieldSpec> form, Map<String, Object> changes) {
        List<FieldError> errors = new ArrayList<>();
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, FieldSpec> byName = new LinkedHashMap<>();
        for (FieldSpec f : form) byName.put(f.name(), f);
        changes.forEach((key, v) -> {
            FieldSpec f = byName.get(key);
            if (f == null) {
                errors.add(new FieldError(key, "not a field of this form (fields: " + String.join(", ", byName.keySet()) + ")"));
            } else if (v == null || "".equals(v)) {
                if (f.required()) errors.add(new FieldError(key, "is required"));
                else out.put(key, f.defaultValue());
            } else {
                try {
                    out.put(key, value(f, v));
                } catch (FormException e) {
                    errors.addAll(e.errors());
                }
            }
        });
        if (!errors.isEmpty()) throw new FormException(errors);
        return out;
    }

    /** Refuses, all at once, input names the workflow does not declare (what every start refuses). */
    public static void checkDeclared(WorkflowSpec spec, Map<String, Object> input) {
        List<String> declared = spec.input().stream().map(InputParam::name).toList();
        List<FieldError> errors = new ArrayList<>();
        for (String key : input.keySet()) {
            if (!declared.contains(key)) {
                errors.add(new FieldError(key, "workflow '" + spec.name() + "' has no input '" + key + "'"
                        + (declared.isEmpty() ? " (it takes none)" : " (it takes: " + String.join(", ", declared) + ")")));
            }
        }
        if (!errors.isEmpty()) throw new FormException(errors);
    }

    private static Object value(FieldSpec f, Object v) {
        return switch (f.type()) {
            case STRING, TEXT, SECRET -> {
                if (!(v instanceof String s)) throw FormException.of(f.name(), "must be text");
                if (f.pattern() != null && !Pattern.compile(f.pattern()).matcher(s).matches()) {
                    throw FormException.of(f.name(), f.type() == FieldSpec.Type.SECRET ? "does not match the pattern " + f.pattern()
                            : "'" + s + "' does not match the pattern " + f.pattern());
                }
                bounds(f, s.length(), "characters");
                yield s;
            }
            case NUMBER -> {
                Number n;
                if (v instanceof Number num) n = num;
                else if (v instanceof String s) {
                    try {
                        // not a ternary: that would promote the whole number to a double
                        if (s.contains(".") || s.contains("e") || s.contains("E")) n = Double.parseDouble(s);
                        else n = Long.parseLong(s.trim());
                    } catch (NumberFormatException e) {
                        throw FormException.of(f.name(), "must be a number, not '" + s + "'");
                    }
                } else throw FormException.of(f.name(), "must be a number");
                if (f.min() != null && n.doubleValue() < f.min()) throw FormException.of(f.name(), "must be at least " + plain(f.min()) + ", not " + n);
                if (f.max() != null && n.doubleValue() > f.max()) throw FormException.of(f.name(), "must be at most " + plain(f.max()) + ", not " + n);
                yield n;
            }
            case BOOLEAN -> {
                if (v instanceof Boolean b) yield b;
                if ("true".equals(v) || "false".equals(v)) yield Boolean.valueOf((String) v);
                throw FormException.of(f.name(), "must be true or false");
            }
            case CHOICE -> {
                if (!f.choices().contains(v)) throw FormException.of(f.name(), "'" + v + "' is not one of " + f.choices());
                yield v;
            }
            case LIST -> {
                if (!(v instanceof List<?> l)) throw FormException.of(f.name(), "must be a list");
                bounds(f, l.size(), "items");
                if (f.choices() != null) {
                    for (Object item : l) if (!f.choices().contains(item)) throw FormException.of(f.name(), "'" + item + "' is not one of " + f.choices());
                }
                yield l;
            }
        };
    }

    private static void bounds(FieldSpec f, int size, String what) {
        if (f.min() != null && size < f.min()) throw FormException.of(f.name(), "must have at least " + plain(f.min()) + " " + what);
        if (f.max() != null && size > f.max()) throw FormException.of(f.name(), "must have at most " + plain(f.max()) + " " + what);
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
