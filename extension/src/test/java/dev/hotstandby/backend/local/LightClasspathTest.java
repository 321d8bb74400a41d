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
 * sshj (with BouncyCastle), nor commons-compress: they are optional dependencies; Maven Resolver is
 * shaded into the published jar. Without any of them, in a JVM of its own and with a cache of its
 * own (so the binaries are unpacked afresh), a local cluster runs, and choosing another backend
 * fails before anything starts, naming the dependency to add.
 */
class LightClasspathTest {
    /** What the optional dependencies bring, by their place in a Maven repository. */
    private static final List<String> OPTIONAL = List.of("/org/testcontainers/", "/com/github/docker-java/",
            "/net/java/dev/jna/", "/com/hierynomus/", "/org/bouncycastle/", "/com/fasterxml/",
            // optional as well: the containers backend's tar streams (Testcontainers brings it)
            "/org/apache/commons/commons-compress/", "/commons-io/", "/org/apache/commons/commons-lang3/",
            "/commons-codec/",
            // the CLI's logging binding, optional too: a user's own binding decides
            "/org/slf4j/slf4j-nop/",
            // shaded into the published jar; the local backend loads none of it unless it fetches
            "/org/apache/maven/", "/org/codehaus/plexus/", "/org/apache/httpcomponents/", "/com/google/",
            "/org/slf4j/jcl-over-slf4j/", "/javax/inject/", "/org/ow2/asm/");

    private Path dataRoot;
    private Path cacheRoot;

    @BeforeEach
    void privateDataRoot() {
        dataRoot = TempTrees.shortTempDir("hsl");
        cacheRoot = TempTrees.shortTempDir("hsc");
    }

    @AfterEach
    void deleteDataRoot() {
        TempTrees.deleteTree(dataRoot);
        TempTrees.deleteTree(cacheRoot);
    }

    @Test
    void theLocalBackendRunsWithoutTheOptionalDependenciesAndTheOthersNameWhatToAdd() {
        String light = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> OPTIONAL.stream().noneMatch(entry.replace(File.separatorChar, '/')::contains))
                .collect(Collectors.joining(File.pathSeparator));

        try (ChildJvm child = ChildJvm.start(ChildJvm.mainCommand(List.of("-D" + Workspace.DATA_DIR_PROPERTY + "="
                + dataRoot, "-D" + Workspace.CACHE_DIR_PROPERTY + "=" + cacheRoot), light, LightClasspathMain.class.getName()))) {
            int status = child.awaitExit(Duration.ofMinutes(2));

            assertThat(status).as("exit status; output:%n%s", child.output()).isZero();
            assertThat(child.output())
                    .contains(LightClasspathMain.ABSENT + "org.testcontainers.DockerClientFactory")
                    .contains(LightClasspathMain.ABSENT + "net.schmizz.sshj.SSHClient")
                    .contains(LightClasspathMain.ABSENT + "com.sun.jna.Native")
                    .contains(LightClasspathMain.ABSENT + "org.bouncycastle.jce.provider.BouncyCastleProvider")
                    .contains(LightClasspathMain.ABSENT + "org.apache.commons.compress.archivers.tar.TarArchiveInputStream")
                    .contains(LightClasspathMain.ABSENT + "org.eclipse.aether.RepositorySystem")
                    .contains(LightClasspathMain.REPLICATED + "42")
                    .contains(LightClasspathMain.REFUSED + "PostgresCluster.builder(): Backend.CONTAINERS needs"
                            + " org.testcontainers:testcontainers on the test classpath, which has none of it: add it as a"
                            + " test dependency")
                    .contains(LightClasspathMain.REFUSED + "PostgresCluster.builder(): Backend.VAGRANT needs"
                            + " com.hierynomus:sshj on the test classpath");
        }
    }
}
