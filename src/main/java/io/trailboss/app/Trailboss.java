package io.trailboss.app;

import io.trailboss.action.ActionRegistry;
import io.trailboss.engine.Engine;
import io.trailboss.engine.LocalRunner;
import io.trailboss.engine.Queries;
import io.trailboss.engine.WorkflowCatalog;
import io.trailboss.store.Database;
import java.time.Clock;

/** The wired product: database, engine, local runner, catalog. Plain constructor wiring. */
public final class Trailboss implements AutoCloseable {
    private final Database database;
    private final Engine engine;
    private final WorkflowCatalog catalog;
    private final Queries queries;

    public Trailboss(Database database, Clock clock) {
        this.database = database;
        ActionRegistry actions = ActionRegistry.standard();
        this.engine = new Engine(database, clock, actions);
        engine.setRunner(new LocalRunner(engine, actions, clock, 512, "local"));
        this.catalog = new WorkflowCatalog(engine);
        this.queries = new Queries(engine);
    }

    /** Resumes whatever a previous process left running. Call once, after wiring listeners. */
    public Trailboss recover() {
        engine.recover();
        return this;
    }

    public Database database() {
        return database;
    }

    public Engine engine() {
        return engine;
    }

    public WorkflowCatalog catalog() {
        return catalog;
    }

    public Queries queries() {
        return queries;
    }

    @Override
    public void close() {
        engine.close();
        database.close();
    }
}
