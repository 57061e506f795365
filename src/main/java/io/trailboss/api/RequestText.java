package io.trailboss.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.javalin.http.Context;
import io.trailboss.json.PlainText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The check every request passes before its route, so that no route stores text it cannot read back: the body
 * is valid in its character set (UTF-8 unless it says otherwise); no string of the request (path, query
 * parameters, form fields, JSON keys and values) holds a NUL or a lone surrogate; a JSON body repeats no key
 * in an object and holds no NaN or Infinity (except ARA's API, whose callback is Python's json module, which
 * writes them). YAML bodies get the same rules from {@link io.trailboss.definition.YamlReader} when a route
 * reads them. Each refusal is a 400 naming the field.
 */
final class RequestText {
    /** The longest name a caller may give in the user header (the actor columns are VARCHAR(200)). */
    static final int MAX_ACTOR = 200;

    // NaN and Infinity are let through the parser so that the refusal can name the field
    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private RequestText() {}

    static void check(Context ctx) {
        for (Map.Entry<String, String> p : ctx.pathParamMap().entrySet()) {
            refuse(p.getValue(), "path parameter '" + p.getKey() + "'", p.getKey());
        }
        checkEncoded(ctx.queryString(), "the query string");
        for (Map.Entry<String, List<String>> q : ctx.queryParamMap().entrySet()) {
            refuse(q.getKey(), "a query parameter's name", q.getKey());
            for (String v : q.getValue()) refuse(v, "query parameter '" + q.getKey() + "'", q.getKey());
        }
        String actor = ctx.header(Bodies.USER_HEADER);
        if (actor != null && actor.length() > MAX_ACTOR) {
            throw ApiException.badRequest(Bodies.USER_HEADER, "header " + Bodies.USER_HEADER + " holds at most " + MAX_ACTOR + " characters");
        }
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/")) {
            checkForm(ctx);
            return;
        }
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) return;
        String text = decode(bytes, charset(ctx));
        int nul = text.indexOf('\0');
        if (nul >= 0) throw ApiException.badRequest(null, "the request body holds a NUL character (U+0000) at " + position(text, nul) + ", which cannot be stored");
        // routes that take JSON read it whatever the type says (curl -d sends it as a form): a body that starts as
        // JSON does is checked as JSON, a form body as a form
        if (type.contains("json") || (!type.contains("yaml") && startsLikeJson(text))) {
            checkJson(text, ctx.path().startsWith("/ara/"));
        } else if (type.startsWith("application/x-www-form-urlencoded")) {
            checkEncoded(text, "the form body");
            checkForm(ctx);
        }
    }

    private static void checkForm(Context ctx) {
        for (Map.Entry<String, List<String>> f : ctx.formParamMap().entrySet()) {
            refuse(f.getKey(), "a form field's name", f.getKey());
            for (String v : f.getValue()) refuse(v, "form field '" + f.getKey() + "'", f.getKey());
        }
    }

    private static void refuse(String value, String what, String field) {
        if (value == null) return;
        String problem = PlainText.problem(value);
        if (problem != null) throw ApiException.badRequest(field, what + " " + problem);
    }

    private static Charset charset(Context ctx) {
        String name = ctx.characterEncoding();
        if (name == null || name.isBlank()) return StandardCharsets.UTF_8;
        try {
            return Charset.forName(name.trim());
        } catch (IllegalArgumentException e) {
            throw new ApiException(415, null, "unknown character set '" + name + "' (send UTF-8)");
        }
    }

    /** The text of the body; bytes that are not valid in its character set are refused, never replaced. */
    private static String decode(byte[] bytes, Charset charset) {
        CharsetDecoder decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 16, (long) (bytes.length * (double) decoder.maxCharsPerByte()) + 1));
        var result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw ApiException.badRequest(null, "the request body is not valid " + charset.name() + ": " + (result.isMalformed() ? "malformed" : "unmappable")
                    + " byte sequence at byte " + in.position());
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /**
     * Percent-encoded text (a query string, a form body) whose %XX sequences are UTF-8: decoding it would
     * otherwise replace what is not with U+FFFD, silently.
     */
    private static void checkEncoded(String encoded, String what) {
        if (encoded == null || encoded.indexOf('%') < 0) return;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                int hi = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(encoded.charAt(i + 2), 16) : -1;
                if (lo < 0) throw ApiException.badRequest(null, what + " holds '%' not followed by two hexadecimal digits (at index " + i + ")");
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] plain = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(plain, 0, plain.length);
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()));
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest(null, what + " holds percent-encoded bytes that are not UTF-8");
        }
    }

    private static boolean startsLikeJson(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) return c == '{' || c == '[';
        }
        return false;
    }

    /**
     * Reads the JSON body once as a stream of tokens. A body that is not JSON is left to the route, which
     * answers in its own way (ARA's API as ARA does).
     */
    private static void checkJson(String text, boolean nanAllowed) {
        Deque<Set<String>> keys = new ArrayDeque<>();
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case START_OBJECT -> keys.push(new HashSet<>());
                    case START_ARRAY -> keys.push(Set.of());
                    case END_OBJECT, END_ARRAY -> keys.pop();
                    case FIELD_NAME -> {
                        String name = p.currentName();
                        String problem = PlainText.problem(name);
                        if (problem != null) throw ApiException.badRequest(path(p.getParsingContext()), "a key of the JSON body " + problem);
                        if (!keys.peek().add(name)) {
                            String field = path(p.getParsingContext());
                            throw ApiException.badRequest(field, "duplicate key '" + field + "' in the JSON body (at line " + p.currentTokenLocation().getLineNr()
                                    + ", column " + p.currentTokenLocation().getColumnNr() + ")");
                        }
                    }
                    case VALUE_STRING -> {
                        String problem = PlainText.problem(p.getText());
                        if (problem != null) {
                            String field = path(p.getParsingContext());
                            throw ApiException.badRequest(field, (field.isEmpty() ? "the JSON body " : "field '" + field + "' ") + problem);
                        }
                    }
                    case VALUE_NUMBER_FLOAT -> {
                        if (!nanAllowed && p.isNaN()) {
                            String field = path(p.getParsingContext());
                            throw ApiException.badRequest(field, (field.isEmpty() ? "the JSON body" : "field '" + field + "'") + " is " + p.getText()
                                    + ", not a finite number; JSON has no NaN or Infinity, and the value could not be stored and read back");
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (IOException notJson) {
            // the route's own parser reports what is wrong with it
        }
    }

    /** Where the parser is, as {@code a.b[2].c} (empty at the top). */
    private static String path(JsonStreamContext at) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = at; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            else if (c.getCurrentName() != null) parts.push(c.getCurrentName());
        }
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            if (!out.isEmpty() && !part.startsWith("[")) out.append('.');
            out.append(part);
        }
        return out.toString();
    }

    /** Line and column (1-based) of index {@code at} in {@code text}. */
    private static String position(String text, int at) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < at; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return "line " + line + ", column " + column;
    }
}
