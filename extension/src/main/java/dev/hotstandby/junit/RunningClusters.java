package dev.hotstandby.junit;

import dev.hotstandby.PostgresCluster;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;

/**
 * The clusters that {@link PostgresStandbyCluster} runs, by test class, for integrations that
 * build their own test fixtures on them (the Spring Boot module's application contexts). Those
 * frameworks see only the test class, never JUnit's {@code ExtensionContext}, so the extension
 * registers each cluster here while it runs, and removes it when JUnit closes it.
 */
public final class RunningClusters {
    private static final Map<Class<?>, ClusterResource> BY_OWNER = new ConcurrentHashMap<>();

    private RunningClusters() {
    }

    /**
     * The class whose cluster a test class uses: the outermost class annotated with
     * {@link PostgresStandbyCluster} among it and the classes enclosing it as {@code @Nested}
     * classes, the way the extension shares one cluster among them. Empty when none is annotated.
     */
    public static Optional<Class<?>> ownerOf(Class<?> testClass) {
        Class<?> owner = null;
        for (Class<?> at = testClass; at != null; at = enclosingOfInner(at)) {
            if (AnnotationSupport.isAnnotated(at, PostgresStandbyCluster.class)) {
                owner = at;
            }
        }
        return Optional.ofNullable(owner);
    }

    /**
     * The running cluster of a test class. The extension starts it before the class's
     * {@code @BeforeAll} methods run and before any instance of the class is made.
     *
     * @throws TestAbortedException when the class's backend cannot run on this machine: its tests are skipped
     * @throws IllegalStateException when the class has no annotation, or JUnit Jupiter is not running it now
     */
    public static PostgresCluster of(Class<?> testClass) {
        Class<?> owner = ownerOf(testClass).orElseThrow(() -> new IllegalStateException("[" + testClass.getName()
                + "] has no @PostgresStandbyCluster, neither on itself nor on a class enclosing it"));
        ClusterResource resource = BY_OWNER.get(owner);
        if (resource == null) {
            throw new IllegalStateException("@PostgresStandbyCluster on [" + owner.getSimpleName() + "]: no cluster is"
                    + " running for it; it runs while JUnit Jupiter runs the class, from before its first test to after"
                    + " its last");
        }
        Optional<String> unavailable = resource.unavailableReason();
        if (unavailable.isPresent()) {
            throw new TestAbortedException(unavailable.get());
        }
        return resource.cluster();
    }

    static ClusterResource register(Class<?> owner, ClusterResource resource) {
        BY_OWNER.put(owner, resource);
        return resource;
    }

    static void unregister(ClusterResource resource) {
        BY_OWNER.values().remove(resource);
    }

    /** JUnit runs an inner class only as a {@code @Nested} class of the class around it. */
    private static Class<?> enclosingOfInner(Class<?> type) {
        return Modifier.isStatic(type.getModifiers()) ? null : type.getEnclosingClass();
    }
}
