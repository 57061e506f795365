package io.trailboss.auth;

import io.trailboss.store.Database;
import io.trailboss.testing.TestDatabases;

/** {@link ReadScopesTest} on PostgreSQL: the scoped lists bind their targets as an array, which each database reads its own way. */
class ReadScopesOnPostgresTest extends ReadScopesTest {
    @Override
    Database database() {
        return TestDatabases.postgres();
    }
}
