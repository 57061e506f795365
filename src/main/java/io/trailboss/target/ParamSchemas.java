package io.trailboss.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.InputStreamSource;
import io.trailboss.json.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON Schema (draft 2020-12 unless the schema says otherwise) for declared params, through
 * networknt's json-schema-validator. Schemas may only refer to themselves and the bundled
 * meta-schemas: a {@code $ref} to any other URI is refused rather than fetched.
 */
final class ParamSchemas {
    private static final String META = "https://json-schema.org/draft/2020-12/schema";
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            b -> b.schemaLoaders(loaders -> loaders.add(iri -> {
                String s = iri.toString();
                if (s.startsWith("classpath:") || s.startsWith("resource:")) return null; // the bundled meta-schemas
                return (InputStreamSource) () -> {
                    throw new IOException("schemas may not refer to other documents: " + s);
                };
            })));
    private final JsonSchema meta = factory.getSchema(SchemaLocation.of(META));
    private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();

    /** Problems of a schema itself (not a JSON Schema, or one that cannot be loaded); empty when fine. */
    List<String> checkSchema(Object schema) {
        if (!(schema instanceof Map<?, ?>) && !(schema instanceof Boolean)) return List.of("a JSON schema is an object or a boolean");
        try {
            List<String> problems = messages(meta.validate(Json.MAPPER.valueToTree(schema)));
            if (!problems.isEmpty()) return problems;
            compile(schema).validate(Json.MAPPER.nullNode());
            return List.of();
        } catch (RuntimeException e) {
            return List.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** Problems of a value against a schema; empty when it fits. */
    List<String> validate(Object schema, Object value) {
        if (schema == null) return List.of();
        JsonNode node = Json.MAPPER.valueToTree(value);
        return messages(compile(schema).validate(node));
    }

    private JsonSchema compile(Object schema) {
        String text = Json.write(schema);
        if (compiled.size() > 1000) compiled.clear();
        return compiled.computeIfAbsent(text, t -> factory.getSchema(Json.MAPPER.valueToTree(schema)));
    }

    private static List<String> messages(Set<ValidationMessage> set) {
        return set.stream().map(ValidationMessage::getMessage).sorted().toList();
    }
}
