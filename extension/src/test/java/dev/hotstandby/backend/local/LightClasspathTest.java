package dev.hotstandby.backend.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A project on the local backend alone gets neither Testcontainers (with docker-java and JNA) nor
 * sshj (with BouncyCastle): they are optional dependencies. Without them, in a JVM of its own, a
 * local cluster runs, and choosing another backend fails before anything starts, naming the
 * dependency to add.
 */
class LightClasspathTest {
    /** What the optional dependencies bring, by their place in a Maven repository. */
    private static final List<String> OPTIONAL = List.of("/org/testcontainers/", "/com/github/docker-java/",
            "/net/java/dev/jna/", "/com/hierynomus/", "/org/bouncycastle/", "/com/fasterxml/");

    private Path dataRoot;

    @BeforeEach
    void privateDataRoot() {
        dataRoot = TempTrees.shortTempDir("hsl");
    }

    @AfterEach
    void deleteDataRoot() {
        TempTrees.deleteTree(dataRoot);
    }

    @Test
    void theLocalBackendRunsWithoutTheOptionalDependenciesAndTheOthersNameWhatToAdd() {
        String light = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> OPTIONAL.stream().noneMatch(entry.replace(File.separatorChar, '/')::contains))
                .collect(Collectors.joining(File.pathSeparator));

        try (ChildJvm child = ChildJvm.start(ChildJvm.mainCommand(List.of("-D" + Workspace.DATA_DIR_PROPERTY + "="
                + dataRoot), light, LightClasspathMain.class.getName()))) {
            int status = child.awaitExit(Duration.ofMinutes(2));

            assertThat(status).as("exit status; output:%n%s", child.output()).isZero();
            assertThat(child.output())
                    .contains(LightClasspathMain.ABSENT + "org.testcontainers.DockerClientFactory")
                    .contains(LightClasspathMain.ABSENT + "net.schmizz.sshj.SSHClient")
                    .contains(LightClasspathMain.ABSENT + "com.sun.jna.Native")
                    .contains(LightClasspathMain.ABSENT + "org.bouncycastle.jce.provider.BouncyCastleProvider")
                    .contains(LightClasspathMain.REPLICATED + "42")
                    .contains(LightClasspathMain.REFUSED + "PostgresCluster.builder(): Backend.CONTAINERS needs"
                            + " org.testcontainers:testcontainers on the test classpath, which has none of it: add it as a"
                            + " test dependency")
                    .contains(LightClasspathMain.REFUSED + "PostgresCluster.builder(): Backend.VAGRANT needs"
                            + " com.hierynomus:sshj on the test classpath");
        }
    }
}
