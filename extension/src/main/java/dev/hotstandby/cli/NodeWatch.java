package dev.hotstandby.cli;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Notices a node that died while the CLI stays up: each check connects to every node. A node that
 * refused two checks in a row (connection failure or shutdown, not a busy server) is reported with
 * the tail of its log.
 */
final class NodeWatch {
    private static final int LOG_LINES = 20;

    private final PostgresCluster cluster;
    private final Map<String, Integer> failedChecks = new HashMap<>();

    NodeWatch(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    /** What to say about the first node found dead, or empty while all answer. */
    Optional<String> check() {
        for (PostgresNode node : cluster.nodes()) {
            Optional<String> refusal = refusal(node);
            int failed = refusal.isPresent() ? failedChecks.merge(node.name(), 1, Integer::sum) : 0;
            failedChecks.put(node.name(), failed);
            if (failed >= 2) {
                List<String> tail = node.logTail(LOG_LINES);
                return Optional.of(node.name() + " died (" + refusal.get() + "); the last " + tail.size()
                        + " lines of its log:\n  " + String.join("\n  ", tail));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> refusal(PostgresNode node) {
        Properties properties = new Properties();
        properties.setProperty("user", node.username());
        properties.setProperty("password", node.password());
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("ApplicationName", "hotstandby-cli-watch");
        try (Connection connection = DriverManager.getConnection(node.jdbcUrl(), properties)) {
            connection.createStatement().execute("SELECT 1");
            return Optional.empty();
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            // 08: cannot connect; 57P: shutting down. Others (too many clients, ...) mean it runs.
            return state.startsWith("08") || state.startsWith("57P") ? Optional.of(e.getMessage()) : Optional.empty();
        }
    }
}
