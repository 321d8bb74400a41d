package dev.hotstandby.spring;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.RunningClusters;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Adds the cluster's properties and beans to a context. Equal for the test classes that share
 * one cluster (a class and its {@code @Nested} classes), different for every other class: part
 * of Spring's context cache key, so a context is never handed to a class with another cluster.
 */
final class ClusterContextCustomizer implements ContextCustomizer {
    private final Class<?> owner;

    ClusterContextCustomizer(Class<?> owner) {
        this.owner = owner;
    }

    Class<?> owner() {
        return owner;
    }

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
        PostgresCluster cluster = RunningClusters.of(owner);
        context.getEnvironment().getPropertySources().addFirst(ClusterProperties.of(cluster));
        if (!(context instanceof BeanDefinitionRegistry registry)) {
            throw new IllegalStateException("@PostgresStandbyCluster on [" + owner.getSimpleName() + "]: the"
                    + " application context " + context.getClass().getName() + " takes no bean definitions");
        }
        ClusterBeans.register(registry, context.getClassLoader(), cluster, PrimaryDataSourceMode.of(context.getEnvironment()));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClusterContextCustomizer customizer && customizer.owner == owner;
    }

    @Override
    public int hashCode() {
        return owner.hashCode();
    }

    @Override
    public String toString() {
        return "the hotstandby cluster of " + owner.getName();
    }
}
