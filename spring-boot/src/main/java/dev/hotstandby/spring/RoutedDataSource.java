package dev.hotstandby.spring;

import com.zaxxer.hikari.HikariDataSource;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.util.ClassUtils;

/**
 * The stale-read mode's routing: wraps Boot's {@code dataSource} bean in Spring's
 * {@link LazyConnectionDataSourceProxy}, whose read-only DataSource is a pool on the standby. The proxy
 * takes a connection at a transaction's first statement, when its read-only flag is known, so
 * read-only transactions run on the standby and everything else (Flyway and Liquibase too) on the
 * application's pool. The standby's pool is a copy of the application's HikariCP settings (size,
 * timeouts, driver properties) on the standby's URL; without HikariCP each read-only transaction opens
 * a new connection. An application that wraps the bean in its own router keeps that router. The
 * context starts once the standby has replayed what the context's database set-up wrote.
 */
final class RoutedDataSource implements BeanPostProcessor, SmartInitializingSingleton, DisposableBean {
    static final String BEAN = "hotstandbyReadOnlyRoutingDataSources";
    /** The name of Boot's auto-configured DataSource. */
    private static final String BOOT_DATA_SOURCE = "dataSource";
    private static final boolean HIKARI = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource",
            RoutedDataSource.class.getClassLoader());

    private final ReadOnlyRouting routing;
    private final PostgresCluster cluster;
    private final StaleReadMode mode;
    private final PostgresNode standby;
    private volatile DataSource standbyPool;

    RoutedDataSource(ReadOnlyRouting routing, PostgresCluster cluster, StaleReadMode mode) {
        this.routing = routing;
        this.cluster = cluster;
        this.mode = mode;
        this.standby = mode.standby(cluster);
    }

    static Optional<RoutedDataSource> of(ApplicationContext context) {
        return context.containsBean(BEAN) ? Optional.of(context.getBean(BEAN, RoutedDataSource.class)) : Optional.empty();
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!BOOT_DATA_SOURCE.equals(beanName) || !(bean instanceof DataSource primary)) {
            return bean;
        }
        standbyPool = HIKARI ? Hikari.copyOnto(primary, standby) : null;
        DataSource onStandby = standbyPool != null ? standbyPool : standby.dataSource();
        LazyConnectionDataSourceProxy router = new LazyConnectionDataSourceProxy(new Counted(primary, routing::countPrimary));
        router.setReadOnlyDataSource(new Counted(onStandby, routing::countStandby));
        return router;
    }

    /**
     * Once the context made its beans (Flyway and the other initializers ran on the primary): waits until
     * the lagging standby has replayed that set-up, so a test's first read finds the schema.
     */
    @Override
    public void afterSingletonsInstantiated() {
        awaitSetUpReplayed();
    }

    void awaitSetUpReplayed() {
        cluster.awaitReplication(mode.lag().plus(PostgresCluster.DEFAULT_REPLICATION_TIMEOUT));
    }

    /** After a refresh of the cluster, which ended every connection, the standby's pool opens new ones. */
    void dropConnections() {
        if (standbyPool != null) {
            ConnectionPools.dropConnections(standbyPool);
        }
    }

    @Override
    public void destroy() {
        if (standbyPool instanceof AutoCloseable pool) {
            try {
                pool.close();
            } catch (Exception ignored) {
                // closing a pool of a context that is closing anyway
            }
        }
    }

    /** Counts the connections its target hands out: one per transaction behind a lazy proxy. */
    private static final class Counted extends DelegatingDataSource {
        private final Runnable count;

        Counted(DataSource target, Runnable count) {
            super(target);
            this.count = count;
        }

        @Override
        public Connection getConnection() throws SQLException {
            count.run();
            return super.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            count.run();
            return super.getConnection(username, password);
        }
    }

    /** Loaded only with HikariCP on the classpath. */
    private static final class Hikari {

        /** Null when the application's DataSource is no HikariCP pool. */
        static DataSource copyOnto(DataSource primary, PostgresNode standby) {
            HikariDataSource application = ConnectionPools.hikariOf(primary);
            if (application == null) {
                return null;
            }
            HikariDataSource pool = new HikariDataSource();
            application.copyStateTo(pool);
            pool.setJdbcUrl(standby.jdbcUrl());
            pool.setPoolName("hotstandby-" + standby.name());
            return pool;
        }
    }
}
