package dev.hotstandby.spring;

import dev.hotstandby.PostgresCluster;
import java.util.List;
import java.util.Optional;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What a context did to its cluster's databases when it started (migrations, init scripts), and as
 * of which of the cluster's refreshes. A refresh puts every database back as it was right after the
 * cluster's start and ends every connection, so before a test uses the context after one, the
 * stale-read mode's replica lag is set again, its connection pools drop their connections and its
 * database initializers run again: the first query finds the schema and a live connection.
 */
final class DatabaseSetUp {
    static final String BEAN = "hotstandbyDatabaseSetUp";
    private static final Log LOG = LogFactory.getLog(DatabaseSetUp.class);

    private final PostgresCluster cluster;
    private final StaleReadMode staleReads;
    private long asOfRefresh;

    DatabaseSetUp(PostgresCluster cluster, StaleReadMode staleReads) {
        this.cluster = cluster;
        this.staleReads = staleReads;
        this.asOfRefresh = cluster.refreshCount();
    }

    static Optional<DatabaseSetUp> of(ApplicationContext context) {
        return context.containsBean(BEAN) ? Optional.of(context.getBean(BEAN, DatabaseSetUp.class)) : Optional.empty();
    }

    /** Does it again if the cluster was refreshed since; {@code testClass} is the class about to use the context. */
    synchronized void renewIfRefreshed(ConfigurableApplicationContext context, Class<?> testClass) {
        if (cluster.refreshCount() == asOfRefresh) {
            return;
        }
        ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
        staleReads.applyLag(cluster);
        List<String> pools = ConnectionPools.dropConnections(beanFactory);
        RoutedDataSource.of(context).ifPresent(RoutedDataSource::dropConnections);
        List<String> initializers = DatabaseInitializers.runAgain(beanFactory,
                "@PostgresStandbyCluster on [" + testClass.getSimpleName() + "]");
        RoutedDataSource.of(context).ifPresent(RoutedDataSource::awaitSetUpReplayed);
        asOfRefresh = cluster.refreshCount();
        if (LOG.isDebugEnabled()) {
            LOG.debug("the cluster was refreshed: connection pools " + pools + " dropped their connections,"
                    + " database initializers " + initializers + " ran again");
        }
    }
}
