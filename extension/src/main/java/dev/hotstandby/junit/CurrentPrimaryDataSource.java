package dev.hotstandby.junit;

import dev.hotstandby.PostgresCluster;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The injected {@code @Primary DataSource}: each {@link #getConnection()} goes to the node that is the
 * primary at that moment, so a test that calls {@code cluster.promote(...)} writes to the new primary.
 */
final class CurrentPrimaryDataSource implements DataSource {
    private final PostgresCluster cluster;
    private volatile PrintWriter logWriter;
    private volatile int loginTimeout;

    CurrentPrimaryDataSource(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return current().getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return current().getConnection(username, password);
    }

    private DataSource current() throws SQLException {
        DataSource primary = cluster.primary().dataSource();
        primary.setLogWriter(logWriter);
        primary.setLoginTimeout(loginTimeout);
        return primary;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("the @Primary DataSource logs through pgjdbc's own loggers");
    }

    /** Unwrapping to pgjdbc's data source gives the current primary's, which then stays on that node. */
    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : current().unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || current().isWrapperFor(type);
    }

    @Override
    public String toString() {
        return "DataSource of the current primary of " + cluster;
    }
}
