package dev.hotstandby.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A major whose binaries are nowhere on the machine (not on the classpath, not in the local
 * repository, not installed) is fetched on the first start, in a JVM of its own whose Maven
 * settings name only a repository on loopback; the next JVM finds it in the local repository.
 */
class BinariesOnDemandTest {
    @TempDir
    Path dir;
    private Path dataRoot;
    private LoopbackMavenRepository remote;

    @BeforeEach
    void start() {
        dataRoot = TempTrees.shortTempDir("hsf");
        remote = LoopbackMavenRepository.start();
    }

    @AfterEach
    void stop() {
        remote.close();
        TempTrees.deleteTree(dataRoot);
    }

    /** A child JVM's options: its own data root, local repository and settings, the mirror on loopback. */
    private List<String> isolatedMaven(Path localRepository) throws Exception {
        Path settings = Files.writeString(dir.resolve("settings.xml"), remote.settings(null, null, false));
        Path globalSettings = Files.writeString(dir.resolve("global-settings.xml"), "<settings/>");
        return List.of("-D" + Workspace.DATA_DIR_PROPERTY + "=" + dataRoot,
                "-Dmaven.repo.local=" + localRepository, "-Dmaven.settings=" + settings,
                "-Dmaven.global.settings=" + globalSettings);
    }

    @Test
    void aMissingMajorIsFetchedOnceAndReplicates() throws Exception {
        Path machineJar = LoopbackMavenRepository.jarInMachineRepository("16.15.0");
        assumeTrue(Files.isRegularFile(machineJar) && ZonkyBinaries.artifactId().endsWith("amd64"), "no " + machineJar);
        assumeTrue(!Files.exists(Path.of("/usr/lib/postgresql/16")), "PostgreSQL 16 is installed here");
        remote.withVersions("16.14.0", "16.15.0").withJar("16.15.0", machineJar);
        Path localRepository = dir.resolve("repository");
        List<String> options = isolatedMaven(localRepository);

        String first = run(options);

        assertThat(first).contains(BinariesOnDemandMain.SERVER_VERSION + "160015")
                .contains(BinariesOnDemandMain.REPLICATED + "16")
                .containsOnlyOnce("hotstandby: downloading " + remote.url());
        assertThat(remote.jarDownloads()).containsExactly("/maven2/" + LoopbackMavenRepository.ARTIFACT_DIR
                + "16.15.0/" + ZonkyBinaries.artifactId() + "-16.15.0.jar");
        Path versionDir = localRepository.resolve(LoopbackMavenRepository.ARTIFACT_DIR + "16.15.0");
        assertThat(versionDir.resolve(ZonkyBinaries.artifactId() + "-16.15.0.jar")).hasSameBinaryContentAs(machineJar);
        assertThat(versionDir.resolve(ZonkyBinaries.artifactId() + "-16.15.0.jar.sha1")).exists();
        int requestsAfterFirst = remote.requests().size();

        String second = run(options);

        assertThat(second).contains(BinariesOnDemandMain.REPLICATED + "16").doesNotContain("hotstandby: downloading");
        assertThat(remote.requests()).hasSize(requestsAfterFirst);
    }

    @Test
    void twoJvmsPinningAnExactVersionAtOnceShareOneDownload() throws Exception {
        Path machineJar = LoopbackMavenRepository.jarInMachineRepository("13.23.0");
        assumeTrue(Files.isRegularFile(machineJar) && ZonkyBinaries.artifactId().endsWith("amd64"), "no " + machineJar);
        assumeTrue(!Files.exists(Path.of("/usr/lib/postgresql/13")), "PostgreSQL 13 is installed here");
        // a newer 13 is there too: the pin, not the newest, decides
        remote.withVersions("13.23.0", "13.24.0").withJar("13.23.0", machineJar).withJar("13.24.0", machineJar);
        Path localRepository = dir.resolve("repository");
        List<String> options = isolatedMaven(localRepository);

        try (ChildJvm first = ChildJvm.start(command(options, "13.23.0"));
             ChildJvm second = ChildJvm.start(command(options, "13.23.0"))) {
            for (ChildJvm child : List.of(first, second)) {
                assertThat(child.awaitExit(Duration.ofMinutes(3))).as("exit status; output:%n%s", child.output()).isZero();
                assertThat(child.output()).contains(BinariesOnDemandMain.SERVER_VERSION + "130023")
                        .contains(BinariesOnDemandMain.REPLICATED + "16");
            }
        }

        assertThat(remote.jarDownloads()).containsExactly("/maven2/" + LoopbackMavenRepository.ARTIFACT_DIR
                + "13.23.0/" + ZonkyBinaries.artifactId() + "-13.23.0.jar");
        assertThat(localRepository.resolve(LoopbackMavenRepository.ARTIFACT_DIR + "13.24.0")).doesNotExist();
    }

    private static List<String> command(List<String> options, String version) {
        return ChildJvm.mainCommand(options, System.getProperty("java.class.path"), BinariesOnDemandMain.class.getName(),
                version);
    }

    private static String run(List<String> options) {
        // the test classpath holds the default major's jar (18) only
        try (ChildJvm child = ChildJvm.start(command(options, "16"))) {
            int status = child.awaitExit(Duration.ofMinutes(3));
            assertThat(status).as("exit status; output:%n%s", child.output()).isZero();
            return child.output();
        }
    }
}
