package dev.hotstandby.spring;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.RunningClusters;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Adds the cluster's properties and beans to a context. Spring's context cache key includes each
 * customizer's {@code equals} and {@code hashCode}, so the subclasses decide which test classes get
 * one context: a context is never handed to a class that holds another cluster.
 */
abstract sealed class ClusterContextCustomizer implements ContextCustomizer
        permits OwnClusterContextCustomizer, SharedClusterContextCustomizer {
    private final Class<?> owner;

    ClusterContextCustomizer(Class<?> owner) {
        this.owner = owner;
    }

    static ClusterContextCustomizer of(ClusterDeclaration declaration) {
        return declaration.shared() ? new SharedClusterContextCustomizer(declaration)
                : new OwnClusterContextCustomizer(declaration.owner());
    }

    final Class<?> owner() {
        return owner;
    }

    @Override
    public final void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
        PostgresCluster cluster = RunningClusters.of(owner);
        String describedAs = "@PostgresStandbyCluster on [" + owner.getSimpleName() + "]";
        StaleReadMode staleReads = StaleReadMode.of(context.getEnvironment(), describedAs);
        staleReads.requireFits(cluster, describedAs);
        builtOn(cluster);
        context.getEnvironment().getPropertySources().addFirst(ClusterProperties.of(cluster));
        if (!(context instanceof BeanDefinitionRegistry registry)) {
            throw new IllegalStateException(describedAs + ": the application context " + context.getClass().getName()
                    + " takes no bean definitions");
        }
        PrimaryDataSourceMode mode = PrimaryDataSourceMode.of(context.getEnvironment());
        staleReads.applyLag(cluster);
        ClusterBeans.register(registry, context.getClassLoader(), cluster, mode, staleReads);
    }

    /** The context this customizer customizes is built on {@code cluster}. */
    void builtOn(PostgresCluster cluster) {
    }
}
