package dev.hotstandby.spring;

import java.util.List;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;

/**
 * Gives the application context of a {@code @PostgresStandbyCluster} test class its cluster.
 * Spring asks before the cluster may have started (when it first sees the class), so the
 * customizer holds only where the cluster is declared, and looks the cluster up when the
 * context loads.
 */
final class ClusterContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
                                                     List<ContextConfigurationAttributes> configAttributes) {
        return ClusterDeclaration.of(testClass).map(ClusterContextCustomizer::of).orElse(null);
    }
}
