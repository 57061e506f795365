package io.trailboss.target;

/**
 * One resolved param: its value in stored form (a secret is still sealed), where it came from
 * ({@code target:NAME}, {@code profile:NAME}, {@code parent:NAME}, {@code profile:global} or
 * {@code default}) and whether it is secret.
 */
public record EffectiveParam(Object value, String source, boolean secret) {
}
