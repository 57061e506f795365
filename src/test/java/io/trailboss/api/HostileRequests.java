package io.trailboss.api;

import io.trailboss.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Hostile requests made from a valid one: each field of the valid body replaced by values chosen for its type (wrong
 * type, null, empty, 100 KB, 5,000 characters, NUL, a lone surrogate, NaN, huge and negative numbers, deep nesting,
 * ...), and the whole body spoiled (duplicate keys, unknown fields, an array for the object, invalid UTF-8, a wrong
 * Content-Type, empty; for YAML an alias bomb, duplicate keys, tags). Which field gets which value is drawn from a
 * seeded random, so a run is repeatable and still, over the routes, touches every kind on every type.
 */
final class HostileRequests {
    static final int HUGE = 100 * 1024;
    private static final String MARK = "\u0001FUZZ\u0001";
    private static final String MARK_JSON = Json.write(MARK);

    /** One request: what it tries, the path it goes to, its Content-Type (null: none) and body (null: none). */
    record Case(String label, String path, String contentType, byte[] body) {
        String bodyPreview() {
            if (body == null) return "(no body)";
            String text = new String(body, StandardCharsets.UTF_8);
            String shown = text.length() > 160 ? text.substring(0, 160) + "… (" + body.length + " bytes)" : text;
            return shown.replace("\u0000", "\\u0000").replace("\r", "\\r").replace("\n", "\\n");
        }
    }

    /** A hostile value for a field: its name and its JSON text (not always valid JSON: NaN, Infinity). */
    record Value(String name, String json) {}

    private static String q(String s) {
        return Json.write(s);
    }

    private static String nest(String open, String inner, String close, int depth) {
        return open.repeat(depth) + inner + close.repeat(depth);
    }

    private static String manyKeys(int n) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        return b.append('}').toString();
    }

    private static final List<Value> STRING = List.of(
            new Value("wrong type: number", "12345"),
            new Value("null", "null"),
            new Value("empty string", "\"\""),
            new Value("100 KB string", q("x".repeat(HUGE))),
            new Value("5,000-character string", q("y".repeat(5000))),
            new Value("NUL character", "\"a\\u0000b\""),
            new Value("lone surrogate", "\"\\ud800\""),
            new Value("bidi override", "\"\\u202efz.exe\""),
            new Value("quote and SQL", q("'; drop table target; --")),
            new Value("dot-dot path", q("../../etc/passwd")),
            new Value("NaN text", q("NaN")),
            new Value("template", q("{{ 7 * 7 }}{% for i in range(99999) %}x{% endfor %}")),
            new Value("control characters", "\"a\\nb\\r\\t\\u0001\\u001b[31m\""),
            new Value("wrong type: list", "[\"x\"]"),
            new Value("wrong type: object", "{\"a\": \"b\"}"),
            new Value("wrong type: boolean", "true"));
    private static final List<Value> NUMBER = List.of(
            new Value("wrong type: string", "\"12\""),
            new Value("null", "null"),
            new Value("negative", "-1"),
            new Value("zero", "0"),
            new Value("fraction", "1.5"),
            new Value("huge", "1e308"),
            new Value("huge negative", "-1e308"),
            new Value("beyond long", "99999999999999999999999999"),
            new Value("huge exponent", "1e999999"),
            new Value("NaN", "NaN"),
            new Value("Infinity", "Infinity"),
            new Value("-Infinity", "-Infinity"),
            new Value("wrong type: list", "[1]"));
    private static final List<Value> BOOLEAN = List.of(
            new Value("wrong type: string", "\"true\""),
            new Value("wrong type: number", "1"),
            new Value("null", "null"),
            new Value("wrong type: object", "{}"));
    private static final List<Value> OBJECT = List.of(
            new Value("wrong type: list", "[]"),
            new Value("wrong type: string", "\"x\""),
            new Value("wrong type: number", "42"),
            new Value("null", "null"),
            new Value("empty object", "{}"),
            new Value("deep nesting (300)", nest("{\"a\":", "1", "}", 300)),
            new Value("nesting past the parser's limit (1,500)", nest("{\"a\":", "1", "}", 1500)),
            new Value("empty key", "{\"\": null}"),
            new Value("NUL key", "{\"\\u0000\": 1}"),
            new Value("lone surrogate key", "{\"\\ud800\": \"x\"}"),
            new Value("2,000 keys", manyKeys(2_000)),
            new Value("100 KB value", "{\"k\": " + q("x".repeat(HUGE)) + "}"),
            new Value("NUL value", "{\"k\": \"a\\u0000b\"}"),
            new Value("NaN value", "{\"k\": NaN}"),
            new Value("5,000-character key", "{" + q("k".repeat(5000)) + ": 1}"),
            new Value("mixed values", "{\"s\": \"x\", \"n\": -1, \"b\": true, \"l\": [null, {}], \"o\": {\"x\": [1.5e300]}}"));
    private static final List<Value> ARRAY = List.of(
            new Value("wrong type: object", "{}"),
            new Value("wrong type: string", "\"x\""),
            new Value("null", "null"),
            new Value("empty list", "[]"),
            new Value("null item", "[null]"),
            new Value("mixed items", "[1, \"a\", {}, [], true, null]"),
            new Value("2,000 items", "[" + "0,".repeat(1_999) + "0]"),
            new Value("deep nesting (300)", nest("[", "1", "]", 300)),
            new Value("NUL item", "[\"a\\u0000b\"]"),
            new Value("100 KB item", "[" + q("x".repeat(HUGE)) + "]"),
            new Value("empty string item", "[\"\"]"),
            new Value("lone surrogate item", "[\"\\ud800\"]"));
    private static final List<Value> ANY = List.of(
            new Value("NUL character", "\"a\\u0000b\""),
            new Value("lone surrogate", "\"\\ud800\""),
            new Value("100 KB string", q("x".repeat(HUGE))),
            new Value("NaN", "NaN"),
            new Value("beyond long", "99999999999999999999999999"),
            new Value("deep nesting (300)", nest("[", "1", "]", 300)),
            new Value("2,000 keys", manyKeys(2_000)),
            new Value("null", "null"),
            new Value("mixed values", "{\"s\": \"x\", \"n\": -1, \"b\": true, \"l\": [null, {}], \"o\": {\"x\": [1.5e300]}}"));

    static List<Value> valuesFor(String type) {
        if (type == null) return ANY;
        return switch (type) {
            case "string" -> STRING;
            case "integer", "number" -> NUMBER;
            case "boolean" -> BOOLEAN;
            case "object" -> OBJECT;
            case "array" -> ARRAY;
            default -> ANY;
        };
    }

    /** A field of a body: its path (keys, or 0 for a list's first item) and its type (null: any). */
    record Field(List<Object> path, String type) {
        String name() {
            return path.isEmpty() ? "(the body)" : String.join(".", path.stream().map(String::valueOf).toList());
        }
    }

    /** Every field of {@code base} and of its schema, three levels deep. */
    static List<Field> fields(Object base, Object schema, OpenApiDocument doc) {
        List<Field> out = new ArrayList<>();
        walk(base, schema, doc, new ArrayList<>(), out, 0);
        if (out.isEmpty()) out.add(new Field(List.of(), doc.type(schema) != null ? doc.type(schema) : typeOf(base)));
        return out;
    }

    private static void walk(Object base, Object schema, OpenApiDocument doc, List<Object> prefix, List<Field> out, int depth) {
        if (depth >= 3) return;
        if (base instanceof Map<?, ?> || (base == null && "object".equals(doc.type(schema)))) {
            Map<?, ?> map = base instanceof Map<?, ?> m ? m : Map.of();
            Set<String> keys = new LinkedHashSet<>();
            map.keySet().forEach(k -> keys.add(String.valueOf(k)));
            keys.addAll(doc.properties(schema));
            for (String k : keys) {
                Object childSchema = doc.member(schema, k);
                Object child = map.get(k);
                List<Object> path = new ArrayList<>(prefix);
                path.add(k);
                String type = doc.type(childSchema) != null ? doc.type(childSchema) : typeOf(child);
                out.add(new Field(List.copyOf(path), type));
                if (child instanceof Map<?, ?> || child instanceof List<?>) walk(child, childSchema, doc, path, out, depth + 1);
            }
        } else if (base instanceof List<?> list && !list.isEmpty()) {
            List<Object> path = new ArrayList<>(prefix);
            path.add(0);
            Object itemSchema = doc.items(schema);
            Object item = list.getFirst();
            out.add(new Field(List.copyOf(path), doc.type(itemSchema) != null ? doc.type(itemSchema) : typeOf(item)));
            if (item instanceof Map<?, ?> || item instanceof List<?>) walk(item, itemSchema, doc, path, out, depth + 1);
        }
    }

    private static String typeOf(Object v) {
        return switch (v) {
            case null -> null;
            case Map<?, ?> m -> "object";
            case List<?> l -> "array";
            case String s -> "string";
            case Boolean b -> "boolean";
            case Integer i -> "integer";
            case Long l -> "integer";
            case Number n -> "number";
            default -> null;
        };
    }

    /** {@code base} as JSON text with the field at {@code path} replaced by the raw text {@code json}. */
    static String with(Object base, List<Object> path, String json) {
        if (path.isEmpty()) return json;
        Object copy = Json.read(Json.write(base));
        Object node = copy;
        for (int i = 0; i < path.size() - 1; i++) node = step(node, path.get(i));
        set(node, path.getLast(), MARK);
        return Json.write(copy).replace(MARK_JSON, json);
    }

    @SuppressWarnings("unchecked")
    private static Object step(Object node, Object key) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> map = (Map<String, Object>) m;
            return map.computeIfAbsent((String) key, k -> new LinkedHashMap<>());
        }
        return ((List<Object>) node).get((Integer) key);
    }

    @SuppressWarnings("unchecked")
    private static void set(Object node, Object key, Object value) {
        if (node instanceof Map<?, ?> m) ((Map<String, Object>) m).put((String) key, value);
        else ((List<Object>) node).set((Integer) key, value);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The UTF-8 of {@code text} with the quoted mark replaced by a quoted run of raw bytes. */
    private static byte[] withBytes(String text, byte[] raw) {
        int at = text.indexOf(MARK_JSON);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8(text.substring(0, at) + "\""));
        out.writeBytes(raw);
        out.writeBytes(utf8("\"" + text.substring(at + MARK_JSON.length())));
        return out.toByteArray();
    }

    private static final byte[][] BAD_UTF8 = {
            {(byte) 0xC3, 0x28}, {(byte) 0xFF, (byte) 0xFE}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}};
    private static final String[] BAD_UTF8_NAMES = {"invalid UTF-8 (C3 28)", "invalid UTF-8 (FF FE)", "UTF-8 of a surrogate (ED A0 80)", "overlong UTF-8 (C0 AF)"};

    /** Cases for a JSON body: per-field values and whole-body spoilers, sampled with {@code random}. */
    static List<Case> json(String path, String type, Object base, Object schema, OpenApiDocument doc, Random random) {
        List<Case> out = new ArrayList<>();
        String valid = Json.write(base);
        for (DrawnField f : sample(fields(base, schema, doc), random)) {
            out.add(new Case("field " + f.name() + " := " + f.value().name(), path, type, utf8(with(base, f.field().path(), f.value().json()))));
        }
        List<Case> spoilers = new ArrayList<>();
        List<Field> strings = fields(base, schema, doc).stream().filter(f -> "string".equals(f.type()) || f.type() == null).toList();
        Field target = strings.isEmpty() ? fields(base, schema, doc).getFirst() : strings.get(random.nextInt(strings.size()));
        String marked = with(base, target.path(), MARK_JSON);
        for (int i = 0; i < BAD_UTF8.length; i++) {
            spoilers.add(new Case("field " + target.name() + " := " + BAD_UTF8_NAMES[i], path, type, target.path().isEmpty()
                    ? withBytes(MARK_JSON, BAD_UTF8[i]) : withBytes(marked, BAD_UTF8[i])));
        }
        if (base instanceof Map<?, ?> map) {
            String rest = valid.substring(1);
            String first = map.isEmpty() ? "a" : String.valueOf(map.keySet().iterator().next());
            Object firstValue = map.isEmpty() ? 1 : map.values().iterator().next();
            spoilers.add(new Case("duplicate key " + first, path, type, utf8("{" + q(first) + ":" + Json.write(firstValue) + (map.isEmpty() ? ",\"a\":2}" : "," + rest))));
            spoilers.add(new Case("duplicate key " + first + ", the second of another type", path, type,
                    utf8(valid.substring(0, valid.length() - 1) + (map.isEmpty() ? "\"a\":1,\"a\":[]}" : "," + q(first) + ":[[]]}"))));
            spoilers.add(new Case("unknown field", path, type, utf8("{\"zz_unknown\": 1" + (map.isEmpty() ? "}" : "," + rest))));
            spoilers.add(new Case("array instead of object", path, type, utf8("[" + valid + "]")));
        }
        spoilers.add(new Case("JSON null", path, type, utf8("null")));
        spoilers.add(new Case("empty body", path, type, new byte[0]));
        spoilers.add(new Case("whitespace body", path, type, utf8(" \n\t ")));
        spoilers.add(new Case("truncated", path, type, utf8(valid.substring(0, Math.max(0, valid.length() - 1)))));
        spoilers.add(new Case("trailing garbage", path, type, utf8(valid + " }x")));
        spoilers.add(new Case("UTF-8 byte order mark", path, type, utf8("\ufeff" + valid)));
        spoilers.add(new Case("no Content-Type", path, null, utf8(valid)));
        spoilers.add(new Case("Content-Type text/plain", path, "text/plain", utf8(valid)));
        spoilers.add(new Case("Content-Type application/xml", path, "application/xml", utf8(valid)));
        spoilers.add(new Case("Content-Type form", path, "application/x-www-form-urlencoded", utf8(valid)));
        spoilers.add(new Case("Content-Type says UTF-16", path, "application/json; charset=utf-16", utf8(valid)));
        spoilers.add(new Case("top-level nesting (100,000)", path, type, utf8(nest("[", "", "]", 100_000))));
        spoilers.add(new Case("top-level number", path, type, utf8("1e999999")));
        spoilers.add(new Case("top-level string", path, type, utf8("\"\\ud800\\u0000\"")));
        out.addAll(pick(spoilers, SPOILERS, random));
        return out;
    }

    /**
     * Which field gets which value: every value of every type present lands on one field of that type (drawn), and
     * every field gets one value (drawn); never the full cross-product.
     */
    static List<DrawnField> sample(List<Field> fields, Random random) {
        List<DrawnField> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        Map<String, List<Field>> byType = new LinkedHashMap<>();
        for (Field f : fields) byType.computeIfAbsent(String.valueOf(f.type()), t -> new ArrayList<>()).add(f);
        byType.forEach((type, ofType) -> {
            for (Value v : valuesFor("null".equals(type) ? null : type)) {
                Field f = ofType.get(random.nextInt(ofType.size()));
                if (seen.add(f.name() + "|" + v.name())) out.add(new DrawnField(f, v));
            }
        });
        for (Field f : fields) {
            List<Value> values = valuesFor(f.type());
            Value v = values.get(random.nextInt(values.size()));
            if (seen.add(f.name() + "|" + v.name())) out.add(new DrawnField(f, v));
        }
        return out;
    }

    /** How many of a body's whole-body spoilers one route gets (drawn), of the twenty-odd there are. */
    static final int SPOILERS = 12;

    /** {@code n} of {@code all}, drawn. */
    static <T> List<T> pick(List<T> all, int n, Random random) {
        List<T> copy = new ArrayList<>(all);
        java.util.Collections.shuffle(copy, random);
        return List.copyOf(copy.subList(0, Math.min(n, copy.size())));
    }

    /** A field with the hostile value it gets. */
    record DrawnField(Field field, Value value) {
        String name() {
            return field.name();
        }
    }

    // ------------------------------------------------------------------ YAML

    static final String ALIAS_BOMB = io.trailboss.testing.HostileYaml.ALIAS_BOMB;

    /**
     * Cases for a YAML body: the JSON cases' per-field values written as JSON (which YAML reads), and YAML's own
     * spoilers on the valid text.
     */
    static List<Case> yaml(String path, String type, String base, Object schema, OpenApiDocument doc, Random random) {
        List<Case> out = new ArrayList<>();
        Object tree = readYaml(base);
        for (DrawnField f : sample(fields(tree, schema, doc), random)) {
            out.add(new Case("field " + f.name() + " := " + f.value().name() + " (YAML as JSON)", path, type, utf8(with(tree, f.field().path(), f.value().json()))));
        }
        List<Case> spoilers = new ArrayList<>();
        List<String> lines = base.lines().toList();
        String firstTop = lines.stream().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)) && l.contains(":")).findFirst().orElse("a: 1");
        String firstNested = lines.stream().filter(l -> l.startsWith("  ") && l.strip().matches("[\\w.-]+:.*")).findFirst().orElse(null);
        spoilers.add(new Case("YAML alias bomb", path, type, utf8(ALIAS_BOMB)));
        spoilers.add(new Case("YAML alias bomb inside the document", path, type, utf8(base + "\n" + ALIAS_BOMB.lines().map(l -> "zz_" + l).reduce("", (a, b) -> a + b + "\n"))));
        spoilers.add(new Case("YAML duplicate top-level key", path, type, utf8(firstTop + "\n" + base)));
        if (firstNested != null) {
            int at = base.indexOf(firstNested + "\n");
            if (at >= 0) {
                spoilers.add(new Case("YAML duplicate nested key", path, type, utf8(base.substring(0, at) + firstNested + "\n" + base.substring(at))));
            }
        }
        spoilers.add(new Case("YAML with a raw NUL", path, type, utf8(base + "\nzz: \"a\u0000b\"\n")));
        spoilers.add(new Case("YAML NUL escape in a scalar", path, type, utf8(replaceFirstValue(base, "\"a\\0b\""))));
        spoilers.add(new Case("YAML lone surrogate escape", path, type, utf8(replaceFirstValue(base, "\"\\ud800\""))));
        spoilers.add(new Case("YAML 100 KB scalar", path, type, utf8(replaceFirstValue(base, "x".repeat(HUGE)))));
        spoilers.add(new Case("YAML NaN and huge numbers", path, type, utf8(replaceFirstValue(base, ".nan") + "\nzz: 1e99999\n")));
        String marked = base + "\nzz: \"" + MARK + "\"\n";
        spoilers.add(new Case("YAML invalid UTF-8", path, type, withBytes(marked.replace("\"" + MARK + "\"", MARK_JSON), BAD_UTF8[1])));
        spoilers.add(new Case("YAML byte order mark", path, type, utf8("\ufeff" + base)));
        spoilers.add(new Case("YAML tab indentation", path, type, utf8(base.replace("  ", "\t"))));
        spoilers.add(new Case("YAML nesting (20,000)", path, type, utf8(nest("[", "", "]", 20_000))));
        spoilers.add(new Case("YAML language tags", path, type, utf8(base + "\nzz: !!python/object/apply:os.system [\"id\"]\nzy: !!java.net.URL [\"http://127.0.0.1:1/\"]\n")));
        spoilers.add(new Case("YAML merge keys", path, type, utf8("base: &b {x: 1}\n" + base + "\nzz:\n  <<: [*b, *b, *b]\n")));
        spoilers.add(new Case("YAML !!int that is no number", path, type, utf8(base + "\nzz: !!int abc\n")));
        spoilers.add(new Case("YAML !!binary that is no base64", path, type, utf8(base + "\nzz: !!binary '@@@'\n")));
        spoilers.add(new Case("YAML !!timestamp that is no time", path, type, utf8(base + "\nzz: !!timestamp nope\n")));
        spoilers.add(new Case("YAML two documents", path, type, utf8(base + "\n---\n" + base)));
        spoilers.add(new Case("YAML empty", path, type, new byte[0]));
        spoilers.add(new Case("YAML null document", path, type, utf8("~\n")));
        spoilers.add(new Case("YAML scalar document", path, type, utf8("just text\n")));
        spoilers.add(new Case("YAML list document", path, type, utf8("- a\n- b\n")));
        spoilers.add(new Case("YAML sent as application/json", path, "application/json", utf8(base)));
        spoilers.add(new Case("YAML with Content-Type application/xml", path, "application/xml", utf8(base)));
        out.addAll(pick(spoilers, SPOILERS, random));
        return out;
    }

    private static Object readYaml(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readValue(text, Object.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the valid YAML of a route does not parse: " + text, e);
        }
    }

    /** The text with the value of its first {@code key: value} line (with a value) replaced. */
    private static String replaceFirstValue(String yaml, String value) {
        List<String> lines = new ArrayList<>(yaml.lines().toList());
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            int colon = l.indexOf(": ");
            if (colon > 0 && !l.substring(colon + 2).isBlank() && !l.strip().startsWith("-") && !l.strip().startsWith("#")) {
                lines.set(i, l.substring(0, colon + 2) + value);
                return String.join("\n", lines) + "\n";
            }
        }
        return yaml + "\nzz: " + value + "\n";
    }

    // ------------------------------------------------------------------ forms

    private static final List<Value> FORM_VALUES = List.of(
            new Value("empty", ""),
            new Value("NUL", "a%00b"),
            new Value("5,000 characters", "y".repeat(5000)),
            new Value("100 KB", "x".repeat(HUGE)),
            new Value("bad escape", "%ZZ%"),
            new Value("invalid UTF-8", "%C3%28%FF"),
            new Value("UTF-8 of a surrogate", "%ED%A0%80"),
            new Value("bidi override", "%E2%80%AEfz"),
            new Value("quote and SQL", "%27%3B+drop+table+target%3B+--"),
            new Value("newlines", "a%0D%0Ab"),
            new Value("template", "%7B%7B+7+*+7+%7D%7D"));

    static String formText(Map<String, String> form) {
        List<String> parts = new ArrayList<>();
        form.forEach((k, v) -> parts.add(java.net.URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + java.net.URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return String.join("&", parts);
    }

    /** Cases for a form body: each field spoiled (values already URL-encoded, some wrongly on purpose), missing, twice. */
    static List<Case> form(String path, Map<String, String> base, Random random) {
        String type = "application/x-www-form-urlencoded";
        List<Case> out = new ArrayList<>();
        List<String> names = new ArrayList<>(base.keySet());
        if (names.isEmpty()) names.add("zz");
        for (Value v : FORM_VALUES) {
            String field = names.get(random.nextInt(names.size()));
            Map<String, String> raw = new LinkedHashMap<>();
            base.forEach((k, val) -> raw.put(k, java.net.URLEncoder.encode(val, StandardCharsets.UTF_8)));
            raw.put(field, v.json());
            List<String> parts = new ArrayList<>();
            raw.forEach((k, val) -> parts.add(k + "=" + val));
            out.add(new Case("form field " + field + " := " + v.name(), path, type, utf8(String.join("&", parts))));
        }
        String valid = formText(base);
        for (String field : base.keySet()) {
            Map<String, String> without = new LinkedHashMap<>(base);
            without.remove(field);
            out.add(new Case("form field " + field + " missing", path, type, utf8(formText(without))));
            out.add(new Case("form field " + field + " twice", path, type, utf8(valid + "&" + field + "=second")));
        }
        out.add(new Case("form: empty body", path, type, new byte[0]));
        out.add(new Case("form: JSON body", path, type, utf8(Json.write(base))));
        out.add(new Case("form: garbage", path, type, utf8("&&==&%&=%=&" + valid)));
        StringBuilder many = new StringBuilder(valid);
        for (int i = 0; i < 10_000; i++) many.append("&f").append(i).append("=1");
        out.add(new Case("form: 10,000 fields", path, type, utf8(many.toString())));
        out.add(new Case("form: raw invalid UTF-8", path, type, concat(utf8(valid + "&zz="), BAD_UTF8[1])));
        out.add(new Case("form: broken multipart", path, "multipart/form-data; boundary=zz", utf8("--zz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--z")));
        out.add(new Case("form: multipart without boundary", path, "multipart/form-data", utf8(valid)));
        out.add(new Case("form: Content-Type text/plain", path, "text/plain", utf8(valid)));
        out.add(new Case("form: no Content-Type", path, null, utf8(valid)));
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ------------------------------------------------------------------ routes without a body, and paths

    /** Bodies nobody should send to a route that reads none. */
    static List<Case> unexpectedBodies(String path) {
        return List.of(
                new Case("no body", path, null, null),
                new Case("empty JSON object", path, "application/json", utf8("{}")),
                new Case("broken JSON", path, "application/json", utf8("{\"a\": ")),
                new Case("100 KB of JSON", path, "application/json", utf8("{\"a\": " + q("x".repeat(HUGE)) + "}")),
                new Case("invalid UTF-8", path, "text/plain", BAD_UTF8[1]),
                new Case("YAML alias bomb", path, "text/yaml", utf8(ALIAS_BOMB)));
    }

    /** Path segments no object is named: each goes, in turn, into one parameter of the route (drawn). */
    static final List<String[]> HOSTILE_SEGMENTS = List.of(
            new String[] {"..", ".."},
            new String[] {"%2e%2e", "encoded .."},
            new String[] {"%00", "%00"},
            new String[] {"a".repeat(300), "300 characters"},
            new String[] {"%E2%80%AEfz", "bidi override"},
            new String[] {"'", "quote"},
            new String[] {"%27%3B%20drop%20table%20target%3B--", "quote and SQL"},
            new String[] {"%ED%A0%80", "UTF-8 of a surrogate"},
            new String[] {"%FF", "invalid UTF-8"},
            new String[] {"a%2Fb", "encoded slash"},
            new String[] {"-1", "-1"},
            new String[] {"99999999999999999999", "beyond long"});

    /** A route template filled with {@code values} (already URL-encoded), the named parameter replaced by {@code hostile}. */
    static String fill(String template, Map<String, String> values, String hostileParam, String hostile) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String v = name.equals(hostileParam) ? hostile : java.net.URLEncoder.encode(values.getOrDefault(name, "fz"), StandardCharsets.UTF_8).replace("+", "%20");
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }
}
