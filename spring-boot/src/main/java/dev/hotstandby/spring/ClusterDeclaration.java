package dev.hotstandby.spring;

import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.RunningClusters;
import java.util.Optional;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Where a test class's cluster is declared: the class that owns it (itself, or the class that
 * encloses it as a {@code @Nested} class) and that class's annotation.
 */
record ClusterDeclaration(Class<?> owner, PostgresStandbyCluster annotation) {

    /** Empty when neither the class nor a class enclosing it has the annotation. */
    static Optional<ClusterDeclaration> of(Class<?> testClass) {
        return RunningClusters.ownerOf(testClass).map(owner -> new ClusterDeclaration(owner,
                AnnotationSupport.findAnnotation(owner, PostgresStandbyCluster.class).orElseThrow()));
    }

    boolean shared() {
        return annotation.shared();
    }

    boolean ownedBy(Class<?> testClass) {
        return owner == testClass;
    }
}
