package io.trailboss.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Workflow documents by content hash: executions keep the exact text they started from. */
public final class SourceStore {
    private static final String INSERT = """
            insert into definition_source (sha256, source, created_at) values (:sha, :source, :now)
            on conflict do nothing
            """;
    private static final String FIND = "select source from definition_source where sha256 = :sha";

    public String save(Handle h, String source, long now) {
        String sha = sha256(source);
        h.createUpdate(INSERT).bind("sha", sha).bind("source", source).bind("now", now).execute();
        return sha;
    }

    public Optional<String> find(Handle h, String sha) {
        return h.createQuery(FIND).bind("sha", sha).mapTo(String.class).findOne();
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
