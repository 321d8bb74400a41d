package dev.hotstandby;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * {@link PostgresCluster#readWriteSplitDataSource(PostgresNode)}: a connection set read-only before its
 * first statement goes to the standby, every other to the node that is the primary when it opens.
 */
final class ReadWriteSplitDataSource implements DataSource {
    private final PostgresCluster cluster;
    private final PostgresNode standby;

    ReadWriteSplitDataSource(PostgresCluster cluster, PostgresNode standby) {
        this.cluster = cluster;
        this.standby = standby;
    }

    @Override
    public Connection getConnection() {
        return LazyRoutedConnection.open(() -> cluster.primary().dataSource().getConnection(),
                () -> standby.dataSource().getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("a read-write split DataSource connects as the cluster's role only");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // pgjdbc logs through its own loggers
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // each node's DataSource keeps pgjdbc's default
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("the read-write split DataSource logs through pgjdbc's own loggers");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("a read-write split DataSource wraps no single " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }

    @Override
    public String toString() {
        return "read-write split DataSource: read-only connections on " + standby.name() + ", the rest on the primary of "
                + cluster;
    }
}
