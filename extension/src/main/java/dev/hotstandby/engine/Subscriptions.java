package dev.hotstandby.engine;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ReplicationTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publications and subscriptions between two clusters, for every backend pair that can reach each
 * other: this cluster's primary subscribes to a publication on the publisher's primary, as TAP's
 * {@code wait_for_subscription_sync} and {@code wait_for_catchup} have it. Remembers the publisher of
 * each subscription it made, so {@link #awaitApplied} knows whose position to wait for.
 */
final class Subscriptions {
    private final ClusterSpec spec;
    private final BackendCluster backend;
    private final Topology topology;
    private final Databases databases;
    private final Map<String, EngineCluster> publishers = new ConcurrentHashMap<>();

    Subscriptions(ClusterSpec spec, BackendCluster backend, Topology topology, Databases databases) {
        this.spec = spec;
        this.backend = backend;
        this.topology = topology;
        this.databases = databases;
    }

    void subscribe(EngineCluster publisher, String publication, String subscription, Duration timeout) {
        String operation = "subscribe(" + publisher.spec().owner() + ", \"" + publication + "\", \"" + subscription + "\")";
        BackendNode source = publisher.primaryNode();
        BackendNode subscriber = topology.primary();
        Databases publisherDatabases = publisher.databases();
        try {
            String level = publisherDatabases.single(source, "SELECT current_setting('wal_level')");
            if (!"logical".equals(level)) {
                throw new IllegalStateException(operation + ": the publisher's " + source.name() + " runs wal_level = "
                        + level + "; a publication is decoded only with logical: start the publisher with logical = true");
            }
            if (publisherDatabases.single(source, "SELECT pubname FROM pg_publication WHERE pubname = ?", publication) == null) {
                throw new IllegalArgumentException(operation + ": database " + publisherDatabases.database() + " on the"
                        + " publisher's " + source.name() + " has no publication \"" + publication + "\"; create it"
                        + " there first, e.g. CREATE PUBLICATION " + publication + " FOR TABLE ...");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(operation + ": cannot read the publisher's " + source.name() + ": "
                    + e.getMessage(), e);
        }
        // only then whether this backend reaches the publisher: a wrong name is the test's to fix on any backend
        Endpoint endpoint = publisher.backendCluster().endpointFor(source, backend).orElseThrow(() ->
                new UnsupportedOperationException(operation + ": the " + spec.backend() + " backend's servers cannot"
                        + " reach a server of the " + publisher.spec().backend() + " backend (subscriptions work between"
                        + " clusters of the same backend where it can connect them: local and local, containers and containers); run both"
                        + " clusters on one backend"));
        String conninfo = "host=" + endpoint.host() + " port=" + endpoint.port() + " dbname="
                + publisherDatabases.database() + " user=" + publisherDatabases.user() + " password="
                + conninfoValue(publisherDatabases.password()) + " application_name=" + subscription;
        try (Connection connection = databases.open(subscriber); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SUBSCRIPTION " + identifier(subscription) + " CONNECTION " + Sql.literal(conninfo)
                    + " PUBLICATION " + identifier(publication));
        } catch (SQLException e) {
            throw new IllegalStateException(operation + ": CREATE SUBSCRIPTION on " + subscriber.name() + " failed: "
                    + e.getMessage() + " [SQLState " + e.getSQLState() + "]", e);
        }
        publishers.put(subscription, publisher);
        NodeLog.of(subscriber.name()).info("subscription " + subscription + " to publication " + publication + " of "
                + publisher.spec().owner() + " at " + endpoint.host() + ":" + endpoint.port());
        long deadline = System.nanoTime() + timeout.toNanos();
        String pending = "SELECT count(*) FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid"
                + " WHERE s.subname = ? AND r.srsubstate NOT IN ('r', 's')";
        try (Connection connection = databases.open(subscriber); PreparedStatement count = connection.prepareStatement(pending)) {
            count.setString(1, subscription);
            Waits.until("the subscription \"" + subscription + "\" on " + subscriber.name() + " has synced every table"
                            + " (pg_subscription_rel all r or s)", Waits.remaining(deadline),
                    () -> {
                        try (ResultSet rows = count.executeQuery()) {
                            rows.next();
                            return rows.getLong(1) == 0;
                        }
                    },
                    () -> "pg_subscription_rel on " + subscriber.name() + ": " + tableStates(subscriber, subscription)
                            + "\n" + String.join("\n", subscriber.logTail(10)),
                    ReplicationTimeoutException::new);
        } catch (SQLException e) {
            throw new IllegalStateException(operation + ": cannot read pg_subscription_rel on " + subscriber.name()
                    + ": " + e.getMessage(), e);
        }
        awaitApplied(subscription, Waits.remaining(deadline));
    }

    /** The subscriber has applied (and reported to the publisher) the publisher's WAL as of now. */
    void awaitApplied(String subscription, Duration timeout) {
        EngineCluster publisher = publishers.get(subscription);
        if (publisher == null) {
            throw new IllegalArgumentException("awaitSubscription(\"" + subscription + "\"): this cluster made no"
                    + " subscription \"" + subscription + "\" through subscribe()"
                    + (publishers.isEmpty() ? "" : "; its subscriptions: " + publishers.keySet()));
        }
        BackendNode source = publisher.primaryNode();
        String target = Sql.single(source, "SELECT pg_current_wal_lsn()::text");
        String applied = "SELECT count(*) FROM pg_stat_replication WHERE application_name = " + Sql.literal(subscription)
                + " AND replay_lsn >= " + Sql.literal(target) + "::pg_lsn";
        Waits.until("the subscription \"" + subscription + "\" has applied " + source.name() + "'s WAL up to " + target,
                timeout, () -> "1".equals(source.query(applied)),
                () -> "pg_stat_replication on the publisher's " + source.name() + ": " + Sql.single(source,
                        "SELECT coalesce(string_agg(application_name || ' ' || state || ' replay=' || coalesce(replay_lsn::text, '-'),"
                                + " ', '), 'empty') FROM pg_stat_replication"),
                ReplicationTimeoutException::new);
    }

    private String tableStates(BackendNode subscriber, String subscription) {
        try {
            return databases.single(subscriber, "SELECT coalesce(string_agg(r.srrelid::regclass || '=' || r.srsubstate::text, ', '),"
                    + " 'no tables') FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid"
                    + " WHERE s.subname = ?", subscription);
        } catch (SQLException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** A libpq connection-string value, quoted as libpq reads it. */
    private static String conninfoValue(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
