package dev.hotstandby.spring;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Makes a context's connection pools drop the connections a refresh ended, so the next borrow
 * opens a new one instead of handing out a dead one. HikariCP's, Boot's default; other pools
 * must validate connections on borrow.
 */
final class ConnectionPools {
    private static final boolean HIKARI = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource",
            ConnectionPools.class.getClassLoader());

    private ConnectionPools() {
    }

    /** Returns the names of the DataSource beans whose pools did. */
    static List<String> dropConnections(ConfigurableListableBeanFactory beanFactory) {
        return HIKARI ? Hikari.softEvict(StartedBeans.of(beanFactory, DataSource.class)) : List.of();
    }

    /** One pool of a context that is no bean (the stale-read mode's standby pool). */
    static void dropConnections(DataSource pool) {
        if (HIKARI) {
            Hikari.softEvict(Map.of("pool", pool));
        }
    }

    /** The HikariCP pool a DataSource is or wraps, or null; only with HikariCP on the classpath. */
    static HikariDataSource hikariOf(DataSource dataSource) {
        return Hikari.poolOf(dataSource);
    }

    /** Loaded only with HikariCP on the classpath. */
    private static final class Hikari {

        static List<String> softEvict(Map<String, DataSource> dataSources) {
            List<HikariDataSource> done = new ArrayList<>();
            List<String> names = new ArrayList<>();
            dataSources.forEach((name, dataSource) -> {
                HikariDataSource pool = poolOf(dataSource);
                if (pool != null && done.stream().noneMatch(seen -> seen == pool)) {
                    done.add(pool);
                    HikariPoolMXBean started = pool.getHikariPoolMXBean(); // null until its first connection
                    if (started != null) {
                        started.softEvictConnections();
                        names.add(name);
                    }
                }
            });
            return names;
        }

        /** The pool itself, or the one a proxy wraps (Spring's LazyConnectionDataSourceProxy, ...). */
        static HikariDataSource poolOf(DataSource dataSource) {
            try {
                return dataSource.isWrapperFor(HikariDataSource.class) ? dataSource.unwrap(HikariDataSource.class) : null;
            } catch (SQLException notAPool) {
                return null;
            }
        }
    }
}
