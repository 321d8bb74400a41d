package dev.hotstandby.spring;

/**
 * For a cluster of its own: equal for the test classes that use one cluster (a class and its
 * {@code @Nested} classes), different for every other class, even one with an equal annotation.
 */
final class OwnClusterContextCustomizer extends ClusterContextCustomizer {

    OwnClusterContextCustomizer(Class<?> owner) {
        super(owner);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OwnClusterContextCustomizer customizer && customizer.owner() == owner();
    }

    @Override
    public int hashCode() {
        return owner().hashCode();
    }

    @Override
    public String toString() {
        return "the hotstandby cluster of " + owner().getName();
    }
}
