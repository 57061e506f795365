package io.trailboss.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The served OpenAPI document read as plain data: its write operations, their request bodies and schemas. */
final class OpenApiDocument {
    static final List<String> WRITE_METHODS = List.of("post", "put", "patch", "delete");
    private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}]+)}");

    /** One write operation; {@code content}: media type to its (resolved) schema, empty when it has no request body. */
    record Operation(String method, String path, Map<String, Object> content) {
        String key() {
            return method + " " + path;
        }
    }

    private final Map<String, Object> doc;

    OpenApiDocument(Map<String, Object> doc) {
        this.doc = doc;
    }

    /** Every POST, PUT, PATCH and DELETE of every path, in the document's order. */
    List<Operation> writes() {
        List<Operation> out = new ArrayList<>();
        paths().forEach((path, item) -> {
            for (String m : WRITE_METHODS) {
                if (!(item.get(m) instanceof Map<?, ?> op)) continue;
                Map<String, Object> content = new LinkedHashMap<>();
                if (resolve(op.get("requestBody")) instanceof Map<?, ?> body && body.get("content") instanceof Map<?, ?> types) {
                    types.forEach((type, media) -> content.put(String.valueOf(type), media instanceof Map<?, ?> mm ? resolve(mm.get("schema")) : null));
                }
                out.add(new Operation(m.toUpperCase(java.util.Locale.ROOT), path, content));
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> paths() {
        return (Map<String, Map<String, Object>>) doc.get("paths");
    }

    /** A schema (or request body) with its {@code $ref} followed; anything else as given. */
    Object resolve(Object node) {
        Object n = node;
        for (int i = 0; i < 10 && n instanceof Map<?, ?> m && m.get("$ref") instanceof String ref; i++) n = lookup(ref);
        return n;
    }

    private Object lookup(String ref) {
        if (!ref.startsWith("#/")) return null;
        Object n = doc;
        for (String part : ref.substring(2).split("/")) n = n instanceof Map<?, ?> m ? m.get(part.replace("~1", "/").replace("~0", "~")) : null;
        return n;
    }

    /** The type a schema names; for oneOf/anyOf the common type, else null (any JSON value). */
    String type(Object schema) {
        if (!(resolve(schema) instanceof Map<?, ?> s)) return null;
        if (s.get("type") instanceof String t) return t;
        Object alternatives = s.get("oneOf") != null ? s.get("oneOf") : s.get("anyOf");
        if (alternatives instanceof List<?> list) {
            Set<String> types = new LinkedHashSet<>();
            for (Object a : list) types.add(type(a));
            return types.size() == 1 ? types.iterator().next() : null;
        }
        if (s.get("properties") != null) return "object";
        return null;
    }

    /** The schema of an object's member: its property, else its additionalProperties schema, else null. */
    Object member(Object schema, String key) {
        if (!(resolve(schema) instanceof Map<?, ?> s)) return null;
        if (s.get("properties") instanceof Map<?, ?> props && props.containsKey(key)) return resolve(props.get(key));
        return s.get("additionalProperties") instanceof Map<?, ?> extra ? resolve(extra) : null;
    }

    /** The declared properties of an object schema (empty for a free-form object). */
    List<String> properties(Object schema) {
        if (!(resolve(schema) instanceof Map<?, ?> s) || !(s.get("properties") instanceof Map<?, ?> props)) return List.of();
        return props.keySet().stream().map(String::valueOf).toList();
    }

    Object items(Object schema) {
        return resolve(schema) instanceof Map<?, ?> s ? resolve(s.get("items")) : null;
    }

    List<?> enumOf(Object schema) {
        return resolve(schema) instanceof Map<?, ?> s && s.get("enum") instanceof List<?> l ? l : null;
    }

    /** Every {@code $ref} that points nowhere. */
    List<String> unresolvedRefs() {
        List<String> out = new ArrayList<>();
        collectRefs(doc, out);
        return out.stream().filter(r -> lookup(r) == null).toList();
    }

    private static void collectRefs(Object node, List<String> out) {
        if (node instanceof Map<?, ?> m) {
            if (m.get("$ref") instanceof String r) out.add(r);
            m.values().forEach(v -> collectRefs(v, out));
        } else if (node instanceof List<?> l) {
            l.forEach(v -> collectRefs(v, out));
        }
    }

    /** Each {method path param} whose template parameter is declared neither on the path nor on the operation. */
    List<String> undeclaredPathParams() {
        List<String> out = new ArrayList<>();
        paths().forEach((path, item) -> {
            Set<String> inTemplate = new LinkedHashSet<>();
            Matcher matcher = TEMPLATE_PARAM.matcher(path);
            while (matcher.find()) inTemplate.add(matcher.group(1));
            Set<String> onPath = declared(item.get("parameters"));
            item.forEach((method, op) -> {
                if (!(op instanceof Map<?, ?> o) || method.equals("parameters")) return;
                Set<String> all = new LinkedHashSet<>(onPath);
                all.addAll(declared(o.get("parameters")));
                for (String p : inTemplate) if (!all.contains(p)) out.add(method + " " + path + " {" + p + "}");
            });
        });
        return out;
    }

    private Set<String> declared(Object parameters) {
        Set<String> out = new LinkedHashSet<>();
        if (parameters instanceof List<?> list) {
            for (Object p : list) {
                if (resolve(p) instanceof Map<?, ?> m && "path".equals(m.get("in"))) out.add(String.valueOf(m.get("name")));
            }
        }
        return out;
    }
}
