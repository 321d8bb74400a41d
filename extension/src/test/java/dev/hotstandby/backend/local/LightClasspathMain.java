package dev.hotstandby.backend.local;

import dev.hotstandby.Backend;
import dev.hotstandby.ClusterConfigurationException;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.ReplicatedRow;
import java.sql.Connection;
import java.sql.Statement;

/**
 * Run by {@link LightClasspathTest} on a classpath without the optional dependencies: a local
 * cluster replicates, and the other backends say what to add.
 */
public final class LightClasspathMain {
    static final String ABSENT = "absent: ";
    static final String REPLICATED = "replicated: ";
    static final String REFUSED = "refused: ";

    private LightClasspathMain() {
    }

    public static void main(String[] args) throws Exception {
        for (String optional : new String[] {"org.testcontainers.DockerClientFactory", "net.schmizz.sshj.SSHClient",
                "com.sun.jna.Native", "org.bouncycastle.jce.provider.BouncyCastleProvider",
                "org.apache.commons.compress.archivers.tar.TarArchiveInputStream", "org.eclipse.aether.RepositorySystem"}) {
            try {
                Class.forName(optional);
            } catch (ClassNotFoundException expected) {
                System.out.println(ABSENT + optional);
            }
        }
        try (PostgresCluster cluster = PostgresCluster.builder().backend(Backend.LOCAL).standbys(1).start();
             Connection primary = cluster.primary().dataSource().getConnection();
             Statement statement = primary.createStatement()) {
            statement.execute("CREATE TABLE light (v int); INSERT INTO light VALUES (42)");
            System.out.println(REPLICATED + ReplicatedRow.on(cluster.standby(0)).await("SELECT v FROM light"));
        }
        for (Backend other : new Backend[] {Backend.CONTAINERS, Backend.VAGRANT}) {
            try {
                PostgresCluster.builder().backend(other).start().close();
            } catch (ClusterConfigurationException refused) {
                System.out.println(REFUSED + refused.getMessage());
            }
        }
    }
}
