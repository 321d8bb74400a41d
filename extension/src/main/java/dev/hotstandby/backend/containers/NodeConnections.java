package dev.hotstandby.backend.containers;

/** How the test JVM and the engine log in to every node: the image's superuser and database. */
final class NodeConnections {
    /** The image's superuser ({@code POSTGRES_USER}), which every node's config also names. */
    static final String SUPERUSER = "postgres";
    static final String DATABASE = "postgres";

    private NodeConnections() {
    }
}
