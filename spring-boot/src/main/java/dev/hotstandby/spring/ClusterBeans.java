package dev.hotstandby.spring;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.container.ContainerImageMetadata;

/**
 * The cluster's beans: the {@link PostgresCluster}, one {@code standby<i>DataSource} per standby
 * (never a default candidate, so it never replaces the primary), the connection details Boot's
 * auto-configured DataSource is built from, the {@link DatabaseSetUp} the context does on it, and in the
 * stale-read mode the {@link ReadOnlyRouting} with what routes Boot's DataSource ({@link RoutedDataSource}).
 */
final class ClusterBeans {
    static final String CLUSTER = "postgresCluster";
    static final String CONNECTION_DETAILS = "hotstandbyJdbcConnectionDetails";

    private ClusterBeans() {
    }

    static String standbyDataSource(int index) {
        return "standby" + index + "DataSource";
    }

    static void register(BeanDefinitionRegistry registry, ClassLoader classLoader, PostgresCluster cluster,
                         PrimaryDataSourceMode mode, StaleReadMode staleReads) {
        registry.registerBeanDefinition(CLUSTER, definition(PostgresCluster.class, () -> cluster));
        DatabaseSetUp setUp = new DatabaseSetUp(cluster, staleReads);
        registry.registerBeanDefinition(DatabaseSetUp.BEAN, definition(DatabaseSetUp.class, () -> setUp));
        List<PostgresNode> standbys = cluster.standbys();
        for (int index = 0; index < standbys.size(); index++) {
            PostgresNode standby = standbys.get(index);
            RootBeanDefinition dataSource = definition(DataSource.class, standby::dataSource);
            dataSource.setDefaultCandidate(false);
            registry.registerBeanDefinition(standbyDataSource(index), dataSource);
        }
        if (staleReads.routes()) {
            registerRouting(registry, cluster, staleReads);
        }
        if (mode != PrimaryDataSourceMode.NONE) {
            PrimaryConnectionDetails.type(classLoader).ifPresent(type -> {
                String url = mode == PrimaryDataSourceMode.MULTIHOST
                        ? cluster.multiHostJdbcUrl() + "?targetServerType=primary" : cluster.primary().jdbcUrl();
                PostgresNode primary = cluster.primary();
                Object details = PrimaryConnectionDetails.create(type, url, primary.username(), primary.password());
                RootBeanDefinition definition = definition(type, () -> details);
                // what Boot's test slices look for to keep a DataSource made for tests (Replace.NON_TEST)
                new ContainerImageMetadata("hotstandby " + cluster.spec().backend().name().toLowerCase(Locale.ROOT))
                        .addTo(definition);
                registry.registerBeanDefinition(CONNECTION_DETAILS, definition);
            });
        }
    }

    /** The routing bean and what routes Boot's DataSource (which closes the standby's pool with the context). */
    private static void registerRouting(BeanDefinitionRegistry registry, PostgresCluster cluster, StaleReadMode staleReads) {
        ReadOnlyRouting routing = new ReadOnlyRouting(staleReads, staleReads.standby(cluster).name());
        registry.registerBeanDefinition(ReadOnlyRouting.BEAN, definition(ReadOnlyRouting.class, () -> routing));
        RootBeanDefinition router = new RootBeanDefinition(RoutedDataSource.class,
                () -> new RoutedDataSource(routing, cluster, staleReads));
        router.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
        registry.registerBeanDefinition(RoutedDataSource.BEAN, router);
    }

    /** The cluster owns what the beans hold: the context must not close any of it. */
    private static <T> RootBeanDefinition definition(Class<T> type, Supplier<?> instance) {
        RootBeanDefinition definition = new RootBeanDefinition(type);
        definition.setInstanceSupplier(instance);
        definition.setDestroyMethodName("");
        return definition;
    }
}
