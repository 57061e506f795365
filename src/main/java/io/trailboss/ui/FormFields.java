package io.trailboss.ui;

import io.javalin.http.Context;
import io.trailboss.manual.FormField;
import io.trailboss.operation.FieldSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Draws the domain's forms (operation forms, manual-step forms) as fields, and reads a posted form back. */
final class FormFields {
    /** Form keys that belong to the page, not to the domain's form. */
    static final String CSRF_FIELD = "_csrf";

    private FormFields() {}

    static List<Field> operationFields(List<FieldSpec> specs, Map<String, String> given, Map<String, String> errors) {
        List<Field> out = new ArrayList<>();
        for (FieldSpec f : specs) {
            String kind = switch (f.type()) {
                case NUMBER -> "number";
                case BOOLEAN -> "checkbox";
                case CHOICE -> "select";
                case SECRET -> "password";
                case TEXT, LIST -> "textarea";
                case STRING -> "text";
            };
            String value = given.containsKey(f.name()) ? given.get(f.name())
                    : f.hasDefault() && f.type() != FieldSpec.Type.SECRET && f.defaultValue() != null ? String.valueOf(f.defaultValue()) : "";
            List<String> choices = f.choices() == null ? null : f.choices().stream().map(String::valueOf).toList();
            boolean bounds = f.type() == FieldSpec.Type.NUMBER;
            out.add(new Field(f.name(), f.name(), kind, value, f.required(), choices, f.description(), f.pattern(),
                    bounds ? plain(f.min()) : null, bounds ? plain(f.max()) : null, errors.get(f.name())));
        }
        return out;
    }

    static List<Field> manualFields(List<FormField> fields, Map<String, String> given, Map<String, String> errors) {
        List<Field> out = new ArrayList<>();
        for (FormField f : fields) {
            String kind = switch (f.type()) {
                case NUMBER -> "number";
                case BOOLEAN -> "checkbox";
                case CHOICE -> "select";
                case SECRET -> "password";
                case STRING -> "text";
            };
            String value = given.containsKey(f.name()) ? given.get(f.name())
                    : f.hasDefault() && f.type() != FormField.Type.SECRET && f.defaultValue() != null ? String.valueOf(f.defaultValue()) : "";
            List<String> choices = f.choices() == null ? null : f.choices().stream().map(String::valueOf).toList();
            boolean bounds = f.type() == FormField.Type.NUMBER;
            out.add(new Field(f.name(), f.label() == null ? f.name() : f.label(), kind, value, f.required(), choices, f.description(),
                    f.pattern(), bounds ? plain(f.min()) : null, bounds ? plain(f.max()) : null, errors.get(f.name())));
        }
        return out;
    }

    /**
     * The posted fields, as text, without the page's own keys. A checkbox posts "true" when ticked; a hidden
     * "false" before it makes an unticked box say false (the last value of a name wins).
     */
    static Map<String, String> posted(Context ctx) {
        Map<String, String> out = new LinkedHashMap<>();
        ctx.formParamMap().forEach((k, v) -> {
            if (k.equals(CSRF_FIELD) || v.isEmpty()) return;
            out.put(k, v.getLast());
        });
        return out;
    }

    /** Text answers for the domain: empty optional fields are left out (their default applies). */
    static Map<String, Object> answers(Map<String, String> posted) {
        Map<String, Object> out = new LinkedHashMap<>();
        posted.forEach((k, v) -> {
            if (!v.isEmpty()) out.put(k, v);
        });
        return out;
    }

    private static String plain(Double d) {
        if (d == null) return null;
        return d == Math.rint(d) ? String.valueOf(d.longValue()) : String.valueOf(d);
    }
}
