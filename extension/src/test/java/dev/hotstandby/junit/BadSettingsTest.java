package dev.hotstandby.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.hotstandby.ClusterStartException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Server settings, database, username and init scripts that cannot work fail the class before
 * anything starts, naming the attribute and the fix; what only the server can refuse (a value, a
 * statement of an init script) fails the start with the server's own words. Nothing is left running.
 */
class BadSettingsTest {

    @AfterEach
    void nothingLeftRunning() {
        assertThat(EngineRuns.runningServers()).as("postgres processes left running").isZero();
    }

    @Test
    void entryWithoutEquals() {
        assertClassFails(WithoutEquals.class, ExtensionConfigurationException.class,
                "@PostgresStandbyCluster on [WithoutEquals]: settings: \"max_connections\" is not name=value; write it as"
                        + " PostgreSQL does in postgresql.conf, e.g. \"max_connections=200\"");
    }

    @Test
    void entryWithoutName() {
        assertClassFails(WithoutName.class, ExtensionConfigurationException.class,
                "@PostgresStandbyCluster on [WithoutName]: standbySettings has an entry without a name (\"=0\")");
    }

    @Test
    void minimalWalLevel() {
        assertClassFails(MinimalWal.class, ExtensionConfigurationException.class,
                "settings sets wal_level = minimal, but streaming replication needs wal_level replica or logical");
    }

    @Test
    void hotStandbyOff() {
        assertClassFails(HotStandbyOff.class, ExtensionConfigurationException.class,
                "standbySettings sets hot_standby = off on the standbys, but a hot standby answers queries");
    }

    @Test
    void tooFewWalSenders() {
        assertClassFails(FewWalSenders.class, ExtensionConfigurationException.class,
                "settings sets max_wal_senders = 2, but this cluster needs at least 4: each of the 3 standby(s) streams");
    }

    @Test
    void tooFewReplicationSlots() {
        assertClassFails(FewSlots.class, ExtensionConfigurationException.class,
                "settings sets max_replication_slots = 1, but this cluster needs at least 2: replicationSlots = true");
    }

    @Test
    void unknownNameSaysWhichItResembles() {
        assertClassFails(MisspeltName.class, ExtensionConfigurationException.class,
                "@PostgresStandbyCluster on [MisspeltName]: \"max_standby_streaming_dealy\" is not a parameter of PostgreSQL");
        assertClassFails(MisspeltName.class, ExtensionConfigurationException.class,
                "did you mean \"max_standby_streaming_delay\"?");
    }

    @Test
    void librarySettingNamesTheAttributeThatControlsIt() {
        assertClassFails(OwnsPort.class, ExtensionConfigurationException.class,
                "settings must not set port: hotstandby sets it itself; each node gets a free port of its own");
        assertClassFails(OwnsConninfo.class, ExtensionConfigurationException.class,
                "standbySettings must not set primary_conninfo: hotstandby sets it itself; the topology decides whom a"
                        + " standby streams from: use upstreams = {...}");
        assertClassFails(OwnsSynchronousNames.class, ExtensionConfigurationException.class,
                "must not set synchronous_standby_names: hotstandby sets it itself; use synchronous = true");
    }

    @Test
    void standbyLowerThanThePrimary() {
        assertClassFails(StandbyBelowPrimary.class, ExtensionConfigurationException.class,
                "standbySettings sets max_locks_per_transaction = 32, lower than the primary's 128; PostgreSQL refuses"
                        + " hot standby with less than the primary's max_locks_per_transaction");
    }

    @Test
    void missingInitScript() {
        assertClassFails(MissingScript.class, ExtensionConfigurationException.class,
                "initScripts names \"no/such/schema.sql\", which is no classpath resource");
    }

    @Test
    void usernameThatIsNoIdentifier() {
        assertClassFails(BadUsername.class, ExtensionConfigurationException.class,
                "username must be a plain SQL identifier (lower-case letters, digits and underscores, starting with a"
                        + " letter or underscore, at most 63 characters) but was \"app-user\"");
        assertClassFails(BadDatabase.class, ExtensionConfigurationException.class,
                "database must be a plain SQL identifier");
    }

    @Test
    void failingInitScriptShowsTheScriptTheLineAndThePostgresMessage() {
        assertClassFails(FailingScript.class, ClusterStartException.class,
                "init script settings/failing.sql, line 5: the statement starting at line 4 (INSERT INTO orders (id)) failed"
                        + " as postgres in database postgres: ERROR: relation \"missing\" does not exist [SQLState 42P01]");
    }

    @Test
    void valueTheServerRejectsFailsTheStartWithItsLogLine() {
        assertClassFails(BananaBuffers.class, ClusterStartException.class,
                "invalid value for parameter \"shared_buffers\": \"banana\"");
    }

    private static void assertClassFails(Class<?> testClass, Class<? extends Throwable> type, String expectedMessage) {
        EngineRuns.run(testClass).containerEvents().assertThatEvents().haveExactly(1, event(container(testClass),
                finishedWithFailure(instanceOf(type), message(m -> m.contains(expectedMessage)))));
    }

    // ---- test cases run through the engine above; not run on their own ----

    @PostgresStandbyCluster(settings = "max_connections")
    static class WithoutEquals {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(standbySettings = "=0")
    static class WithoutName {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(settings = "wal_level = minimal")
    static class MinimalWal {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(standbySettings = "hot_standby=off")
    static class HotStandbyOff {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(standbys = 3, settings = "max_wal_senders=2")
    static class FewWalSenders {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(standbys = 2, replicationSlots = true, settings = "max_replication_slots=1")
    static class FewSlots {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(settings = "port=5433")
    static class OwnsPort {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(standbySettings = "max_standby_streaming_dealy=0")
    static class MisspeltName {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(standbySettings = "primary_conninfo='host=elsewhere'")
    static class OwnsConninfo {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(settings = "synchronous_standby_names='*'")
    static class OwnsSynchronousNames {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(settings = "max_locks_per_transaction=128", standbySettings = "max_locks_per_transaction=32")
    static class StandbyBelowPrimary {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(initScripts = "no/such/schema.sql")
    static class MissingScript {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(username = "app-user")
    static class BadUsername {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(database = "Orders")
    static class BadDatabase {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(initScripts = "settings/failing.sql")
    static class FailingScript {
        @Test
        void test() {
        }
    }

    @PostgresStandbyCluster(settings = "shared_buffers=banana")
    static class BananaBuffers {
        @Test
        void test() {
        }
    }
}
