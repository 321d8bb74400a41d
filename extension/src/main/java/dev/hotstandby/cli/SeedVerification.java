package dev.hotstandby.cli;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Proves the cluster replicates: seeds the primary, waits for the standbys, and reads the seed
 * back from every standby. Prints one line per passed check.
 */
final class SeedVerification {
    static final String DATABASE = "sampledb";
    static final int SEED_VALUE = 42;

    /** A check that did not hold; the message says which node and what it saw. */
    static final class VerificationFailure extends Exception {
        VerificationFailure(String message, Throwable cause) {
            super(message, cause);
        }

        VerificationFailure(String message) {
            super(message);
        }
    }

    private final PostgresCluster cluster;
    private final PrintStream out;

    SeedVerification(PostgresCluster cluster, PrintStream out) {
        this.cluster = cluster;
        this.out = out;
    }

    void run() throws VerificationFailure {
        PostgresNode primary = cluster.primary();
        // CREATE DATABASE cannot run inside a transaction, hence the separate connection to "postgres".
        execute(primary, primary.superuserDataSource(), "create database " + DATABASE);
        execute(primary, asSuperuser(primary, DATABASE), "create table tab (val int)");
        execute(primary, asSuperuser(primary, DATABASE), "insert into tab values (" + SEED_VALUE + ")");

        try {
            cluster.awaitReplication();
        } catch (RuntimeException notCaughtUp) {
            throw new VerificationFailure("the standbys did not catch up: " + notCaughtUp.getMessage(), notCaughtUp);
        }
        out.println(cluster.standbys().size() + " standby(s) caught up with the primary");

        for (PostgresNode standby : cluster.standbys()) {
            String value = queryOne(standby, asSuperuser(standby, DATABASE), "select val from tab");
            if (!String.valueOf(SEED_VALUE).equals(value)) {
                throw new VerificationFailure(standby.name() + ": expected " + SEED_VALUE + " from " + DATABASE
                        + ".tab but read " + value);
            }
            out.println(standby.name() + ": reads " + value + " from " + DATABASE + ".tab");
        }

        String streaming = queryOne(primary, primary.superuserDataSource(),
                "select count(*) from pg_stat_replication where state = 'streaming'");
        String expected = String.valueOf(cluster.standbys().size());
        if (!expected.equals(streaming)) {
            throw new VerificationFailure(primary.name() + ": expected " + expected
                    + " streaming standby(s) in pg_stat_replication but found " + streaming);
        }
        out.println(primary.name() + ": " + streaming + " standby(s) streaming in pg_stat_replication");
    }

    /** The seed is the CLI's own, whatever role --username gives the printed URLs. */
    private static DataSource asSuperuser(PostgresNode node, String database) {
        return dev.hotstandby.engine.DataSources.create(node.host(), node.port(), database,
                dev.hotstandby.ApplicationOptions.SUPERUSER, node.password());
    }

    private void execute(PostgresNode node, DataSource dataSource, String sql) throws VerificationFailure {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException failed) {
            throw failure(node, sql, failed);
        }
        out.println(node.name() + ": " + sql);
    }

    private static String queryOne(PostgresNode node, DataSource dataSource, String sql) throws VerificationFailure {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        } catch (SQLException failed) {
            throw failure(node, sql, failed);
        }
    }

    private static VerificationFailure failure(PostgresNode node, String sql, SQLException failed) {
        return new VerificationFailure(node.name() + ": \"" + sql + "\" failed: " + failed.getMessage()
                + " (SQLSTATE " + failed.getSQLState() + ")", failed);
    }
}
