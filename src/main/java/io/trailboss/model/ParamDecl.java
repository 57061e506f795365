package io.trailboss.model;

/**
 * A declared param: an optional JSON schema its values must satisfy, an optional default
 * ({@code hasDefault} tells a null default from none), and whether it is secret. A secret
 * param's default is stored as an encrypted envelope.
 */
public record ParamDecl(String name, Object schema, boolean hasDefault, Object defaultValue, boolean secret,
                        String description, long createdAt, long updatedAt) {
}
