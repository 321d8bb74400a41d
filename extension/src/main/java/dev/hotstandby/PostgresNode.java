package dev.hotstandby;

import dev.hotstandby.engine.DataSources;
import dev.hotstandby.engine.NodeRuntime;
import java.util.List;
import javax.sql.DataSource;

/** One PostgreSQL server of a {@link PostgresCluster}: the primary or a hot standby. */
public final class PostgresNode {
    static final String DEFAULT_DATABASE = "postgres";

    private final NodeRuntime runtime;
    private final String username;
    private final String password;
    private final PostgresCluster cluster;

    PostgresNode(NodeRuntime runtime, String username, String password, PostgresCluster cluster) {
        this.runtime = runtime;
        this.username = username;
        this.password = password;
        this.cluster = cluster;
    }

    /** {@code primary} or {@code standby-<index>}; also its {@code cluster_name} and {@code application_name}. */
    public String name() {
        return runtime.name();
    }

    public String host() {
        return runtime.host();
    }

    public int port() {
        return runtime.port();
    }

    /** The JDBC URL of the {@code postgres} database. */
    public String jdbcUrl() {
        return jdbcUrl(DEFAULT_DATABASE);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    /** A data source for the {@code postgres} database; each {@code getConnection()} opens a new connection. */
    public DataSource dataSource() {
        return dataSource(DEFAULT_DATABASE);
    }

    public DataSource dataSource(String database) {
        return DataSources.create(host(), port(), database, username, password);
    }

    public boolean isPrimary() {
        return runtime.isPrimary();
    }

    /** False for the primary and for a former primary after a failover. */
    public boolean isStandby() {
        return runtime.isStandby();
    }

    NodeRuntime runtime() {
        return runtime;
    }

    /** The last lines of this node's server log. */
    public List<String> logTail(int lines) {
        return runtime.logTail(lines);
    }

    /** For failure messages: how far this node has replayed, and where its primary is. */
    String replicationState() {
        return cluster.describePosition(this);
    }

    @Override
    public String toString() {
        return name() + " (" + host() + ":" + port() + ")";
    }
}
