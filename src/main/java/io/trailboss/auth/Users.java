package io.trailboss.auth;

import io.trailboss.engine.ConflictException;
import io.trailboss.engine.Ids;
import io.trailboss.engine.InvalidInputException;
import io.trailboss.engine.NotFoundException;
import io.trailboss.json.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/** Users ({@code app_user}): Argon2id password hashes, roles, disabling. */
public final class Users {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}");
    static final int MIN_PASSWORD = 8, MAX_PASSWORD = 1024;
    private static final String COLUMNS = "id, username, roles, created_at, disabled_at";

    private final Jdbi jdbi;
    private final Clock clock;
    private final Passwords passwords;
    // verifying an unknown name costs as much as a known one, so the time does not tell which names exist
    private volatile String decoy;

    public Users(Jdbi jdbi, Clock clock, Passwords passwords) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.passwords = passwords;
    }

    public User create(String username, String password, List<Grant> roles) {
        if (username == null || !NAME.matcher(username).matches()) {
            throw new InvalidInputException("username", "a username is 1-100 letters, digits, '.', '_', '@' or '-', not '" + username + "'");
        }
        checkPassword(password);
        User user = new User(Ids.next(), username, roles, clock.millis(), null);
        String hash = passwords.hash(password);
        if (find(username).isPresent()) throw new ConflictException("user '" + username + "' exists");
        try {
            jdbi.useHandle(h -> h.createUpdate("insert into app_user (id, username, password_hash, roles, created_at) values (:id, :username, :hash, :roles, :now)")
                    .bind("id", user.id()).bind("username", username).bind("hash", hash).bind("roles", Json.write(Grant.texts(roles)))
                    .bind("now", user.createdAt()).execute());
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            // the unique name: another request or node created the same user at the same moment
            if (find(username).isPresent()) throw new ConflictException("user '" + username + "' exists");
            throw e;
        }
        return user;
    }

    static void checkPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            throw new InvalidInputException("password", "a password needs " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
        }
    }

    public List<User> list() {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from app_user order by username").map((rs, ctx) -> map(rs)).list());
    }

    public long count() {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from app_user").mapTo(Long.class).one());
    }

    public Optional<User> find(String username) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from app_user where username = :u").bind("u", username).map((rs, ctx) -> map(rs)).findOne());
    }

    public User get(String username) {
        return find(username).orElseThrow(() -> new NotFoundException("user '" + username + "' does not exist"));
    }

    public User setRoles(String username, List<Grant> roles) {
        User u = get(username);
        jdbi.useHandle(h -> h.createUpdate("update app_user set roles = :roles where id = :id").bind("roles", Json.write(Grant.texts(roles))).bind("id", u.id()).execute());
        return get(username);
    }

    /** Disables a user and ends their sessions; their personal tokens stop working (they act as the user). */
    public User disable(String username) {
        User u = get(username);
        jdbi.useTransaction(h -> {
            h.createUpdate("update app_user set disabled_at = :now where id = :id and disabled_at is null").bind("now", clock.millis()).bind("id", u.id()).execute();
            h.createUpdate("delete from user_session where user_id = :id").bind("id", u.id()).execute();
        });
        return get(username);
    }

    public User setPassword(String username, String password) {
        checkPassword(password);
        User u = get(username);
        String hash = passwords.hash(password);
        // a new password ends every session the old one opened (somebody who knew it keeps nothing)
        jdbi.useTransaction(h -> {
            h.createUpdate("update app_user set password_hash = :hash where id = :id").bind("hash", hash).bind("id", u.id()).execute();
            h.createUpdate("delete from user_session where user_id = :id").bind("id", u.id()).execute();
        });
        return u;
    }

    /** The enabled user with this password; runs the KDF once, for unknown names too. */
    public Optional<User> verify(String username, String password) {
        if (username == null || password == null || username.length() > 100 || password.length() > MAX_PASSWORD) return Optional.empty();
        record Row(User user, String hash) {}
        Optional<Row> row = jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + ", password_hash from app_user where username = :u")
                .bind("u", username).map((rs, ctx) -> new Row(map(rs), rs.getString("password_hash"))).findOne());
        if (row.isEmpty()) {
            String d = decoy;
            if (d == null) decoy = d = passwords.hash(Passwords.secret(""));
            passwords.verify(password, d);
            return Optional.empty();
        }
        boolean ok = passwords.verify(password, row.get().hash());
        return ok && row.get().user().enabled() ? Optional.of(row.get().user()) : Optional.empty();
    }

    static User map(ResultSet rs) throws SQLException {
        long disabled = rs.getLong("disabled_at");
        Long disabledAt = rs.wasNull() ? null : disabled;
        List<?> texts = Json.read(rs.getString("roles")) instanceof List<?> l ? l : List.of();
        return new User(rs.getString("id"), rs.getString("username"), Grant.parseAll(texts), rs.getLong("created_at"), disabledAt);
    }
}
