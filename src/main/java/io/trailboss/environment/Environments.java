package io.trailboss.environment;

import io.trailboss.engine.ConflictException;
import io.trailboss.engine.InvalidInputException;
import io.trailboss.engine.NotFoundException;
import io.trailboss.json.Json;
import io.trailboss.model.Names;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Named environments: variables stored once and given to an execution by naming them at its start
 * (Mistral's {@code env: "name"}). The execution keeps a copy: changing the environment later does
 * not change executions already started.
 */
public final class Environments {
    /** How large the variables of one environment may be, as JSON. */
    public static final int MAX_VARIABLES_CHARS = 256 * 1024;
    private static final Set<String> SCOPES = Set.of("private", "public");

    private final Jdbi jdbi;
    private final Clock clock;
    private final EnvironmentStore store = new EnvironmentStore();

    public Environments(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public Environment create(String name, String description, Map<String, Object> variables, String scope) {
        String problem = Names.problem("environment", name);
        if (problem != null) throw new InvalidInputException("name", problem);
        long now = clock.millis();
        Environment e = new Environment(io.trailboss.engine.Ids.next(), name, checkedDescription(description), checkedVariables(variables), checkedScope(scope), now, now);
        jdbi.useTransaction(h -> {
            if (store.byName(h, name).isPresent()) throw new ConflictException("environment '" + name + "' already exists");
            store.insert(h, e);
        });
        return e;
    }

    /** Changes what is given (a null leaves that part as it is). */
    public Environment update(String name, String description, Map<String, Object> variables, String scope) {
        return jdbi.inTransaction(h -> {
            Environment old = store.byName(h, name).orElseThrow(() -> missing(name));
            Environment e = new Environment(old.id(), name, description == null ? old.description() : checkedDescription(description),
                    variables == null ? old.variables() : checkedVariables(variables), scope == null ? old.scope() : checkedScope(scope),
                    old.createdAt(), clock.millis());
            store.update(h, e);
            return e;
        });
    }

    public Environment get(String name) {
        return jdbi.withHandle(h -> store.byName(h, name)).orElseThrow(() -> missing(name));
    }

    public java.util.Optional<Environment> find(String name) {
        return jdbi.withHandle(h -> store.byName(h, name));
    }

    public List<Environment> list(int limit) {
        return jdbi.withHandle(h -> store.list(h, limit));
    }

    public void delete(String name) {
        if (!jdbi.inTransaction(h -> store.delete(h, name))) throw missing(name);
    }

    private static NotFoundException missing(String name) {
        return new NotFoundException("environment '" + name + "' does not exist");
    }

    private static String checkedDescription(String description) {
        String problem = Names.descriptionProblem(description);
        if (problem != null) throw new InvalidInputException("description", problem);
        return description;
    }

    private static Map<String, Object> checkedVariables(Map<String, Object> variables) {
        int size = Json.write(variables).length();
        if (size > MAX_VARIABLES_CHARS) {
            throw new InvalidInputException("variables", "the variables of an environment hold at most " + MAX_VARIABLES_CHARS + " characters of JSON; these have " + size);
        }
        return variables;
    }

    private static String checkedScope(String scope) {
        if (scope == null) return "private";
        if (!SCOPES.contains(scope)) throw new InvalidInputException("scope", "'scope' must be private or public, not '" + scope + "'");
        return scope;
    }
}
