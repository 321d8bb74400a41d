package dev.hotstandby.junit;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Where a class's {@link ClusterResource} lives: the store of the outermost annotated class context,
 * so {@code @Nested} classes share it and JUnit closes it after the class. Started (or found
 * unavailable) once; every later question about the class is answered from it.
 */
final class ClusterStore {
    static final Namespace NAMESPACE = Namespace.create(PostgresStandbyClusterExtension.class);

    private ClusterStore() {
    }

    /** The class's cluster, started on the first call. */
    static ClusterResource resource(ExtensionContext context) {
        ExtensionContext owner = ownerOf(context).orElseThrow(() -> new ExtensionConfigurationException(
                "PostgresStandbyClusterExtension needs @PostgresStandbyCluster on the test class or an enclosing class"));
        return owner.getStore(NAMESPACE).getOrComputeIfAbsent(ClusterResource.class,
                key -> RunningClusters.register(owner.getRequiredTestClass(), ClusterStart.start(owner)),
                ClusterResource.class);
    }

    /** The class's cluster if it was started, without starting it. */
    static Optional<ClusterResource> findResource(ExtensionContext context) {
        return ownerOf(context).map(owner -> owner.getStore(NAMESPACE).get(ClusterResource.class, ClusterResource.class));
    }

    /** The outermost class context with the annotation: {@code @Nested} classes share its cluster. */
    static Optional<ExtensionContext> ownerOf(ExtensionContext context) {
        ExtensionContext owner = null;
        for (Optional<ExtensionContext> at = Optional.of(context); at.isPresent(); at = at.get().getParent()) {
            if (annotationOf(at.get()).isPresent()) {
                owner = at.get();
            }
        }
        return Optional.ofNullable(owner);
    }

    static Optional<PostgresStandbyCluster> annotationOf(ExtensionContext context) {
        return context.getElement().filter(Class.class::isInstance).map(Class.class::cast)
                .flatMap(type -> AnnotationSupport.findAnnotation(type, PostgresStandbyCluster.class));
    }
}
