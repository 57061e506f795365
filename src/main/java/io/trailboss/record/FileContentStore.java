package io.trailboss.record;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementException;

/** The rec_file_content table: files' contents, each stored once by its SHA-1 and shared by the files that have it. */
final class FileContentStore {
    private static final String INSERT = """
            insert into rec_file_content (sha1, content, created_at)
            select :sha1, :content, :now from (values (1)) as one (x)
            where not exists (select 1 from rec_file_content where sha1 = :sha1)
            """;
    // a content no file uses any more; one stored in the last hour is kept, as a file being recorded may be about to use it
    private static final String DELETE_ORPHANS = """
            delete from rec_file_content
            where created_at < :recent and not exists (select 1 from rec_file f where f.sha1 = rec_file_content.sha1)
            """;

    static String sha1(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void insert(Handle h, String sha1, String content, long now) {
        try {
            h.createUpdate(INSERT).bind("sha1", sha1).bind("content", content).bind("now", now).execute();
        } catch (StatementException e) {
            if (!SqlStates.isUniqueViolation(e)) throw e; // another request stored the same content just now
        }
    }

    /** Deletes the contents no file uses that were stored before {@code recent}; answers how many. */
    int deleteOrphans(Handle h, long recent) {
        return h.createUpdate(DELETE_ORPHANS).bind("recent", recent).execute();
    }
}
