package io.trailboss.store;

/**
 * Encrypts text that must not rest in the database in the clear (a job's input rendered with secret
 * params), bound to what it belongs to ({@code aad}) so that a sealed value cannot be moved to another row.
 */
public interface Sealer {
    String seal(String aad, String plain);

    String open(String aad, String sealed);

    /** No key: nothing is sealed, and a sealed value cannot be read. */
    Sealer NONE = new Sealer() {
        @Override
        public String seal(String aad, String plain) {
            return null;
        }

        @Override
        public String open(String aad, String sealed) {
            throw new IllegalStateException("a sealed value (" + aad + ") needs the secret key, and none is configured");
        }
    };
}
