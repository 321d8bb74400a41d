package dev.hotstandby;

import dev.hotstandby.engine.DataSources;
import dev.hotstandby.engine.NodeRuntime;
import java.util.List;
import javax.sql.DataSource;

/** One PostgreSQL server of a {@link PostgresCluster}: the primary or a hot standby. */
public final class PostgresNode {
    static final String DEFAULT_DATABASE = ApplicationOptions.DEFAULT_DATABASE;

    private final NodeRuntime runtime;
    private final String superuser;
    private final String password;
    private final ApplicationOptions application;
    private final PostgresCluster cluster;

    PostgresNode(NodeRuntime runtime, String superuser, String password, ApplicationOptions application,
                 PostgresCluster cluster) {
        this.runtime = runtime;
        this.superuser = superuser;
        this.password = password;
        this.application = application;
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

    /** The JDBC URL of the cluster's database ({@code database}, by default {@code postgres}). */
    public String jdbcUrl() {
        return jdbcUrl(application.database());
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** The role {@link #dataSource()} connects as: the cluster's {@code username}, by default {@code postgres}. */
    public String username() {
        return application.username();
    }

    /** The cluster's generated password, of {@link #username()} and of the {@code postgres} superuser alike. */
    public String password() {
        return password;
    }

    /** The cluster's database ({@code database}, by default {@code postgres}). */
    public String database() {
        return application.database();
    }

    /**
     * A data source for the cluster's database as the cluster's {@code username}; each
     * {@code getConnection()} opens a new connection.
     */
    public DataSource dataSource() {
        return dataSource(application.database());
    }

    /** Another database of this node, as the cluster's {@code username}. */
    public DataSource dataSource(String database) {
        return DataSources.create(host(), port(), database, application.username(), password);
    }

    /**
     * A data source for the cluster's database as the {@code postgres} superuser (same password): for
     * setup beyond the rights of {@code username}, such as {@code CREATE EXTENSION}.
     */
    public DataSource superuserDataSource() {
        return DataSources.create(host(), port(), application.database(), superuser, password);
    }

    /** The cluster's own connections: to the node directly, past any client relay ({@code clientFaults}). */
    DataSource controlDataSource() {
        return DataSources.create(runtime.controlHost(), runtime.controlPort(), application.database(), superuser,
                password);
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
