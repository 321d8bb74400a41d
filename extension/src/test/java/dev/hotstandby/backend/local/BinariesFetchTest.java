package dev.hotstandby.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotstandby.Backend;
import dev.hotstandby.ClusterConfigurationException;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ReplicationOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Binaries fetched with Maven Resolver from a Maven repository on loopback, the only one the
 * settings.xml of each test names (mirror {@code *}), into a throwaway local repository.
 */
class BinariesFetchTest {
    private static final String ARTIFACT = ZonkyBinaries.artifactId();

    @TempDir
    Path dir;
    private LoopbackMavenRepository remote;
    private Path localRepository;
    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

    @BeforeEach
    void startRepository() throws IOException {
        assumeTrue(ARTIFACT.endsWith("amd64"), "the served jars are the machine's amd64 ones");
        remote = LoopbackMavenRepository.start();
        localRepository = dir.resolve("repository");
        // an empty global settings file: the machine's Maven installation adds nothing
        Files.writeString(dir.resolve("global-settings.xml"), "<settings/>");
    }

    @AfterEach
    void stopRepository() {
        if (remote != null) {
            remote.close();
        }
    }

    @Test
    void theLocalRepositoryIsTheEffectiveSettingsOneEvenWhenOnlyTheGlobalSettingsNameIt() throws Exception {
        Path global = Files.writeString(dir.resolve("global-with-repository.xml"),
                "<settings><localRepository>${user.home}/global-repo</localRepository></settings>");
        Path user = Files.writeString(dir.resolve("user-settings.xml"), "<settings/>");
        assertThat(new BinariesFetch(new MavenSetup(null, user, global), new PrintStream(progress)).localRepository())
                .as("what the binaries lookup and the fetch both use").isEqualTo(Path.of(System.getProperty("user.home"), "global-repo"));

        Files.writeString(user, "<settings><localRepository>" + dir.resolve("user-repo") + "</localRepository></settings>");
        assertThat(new BinariesFetch(new MavenSetup(null, user, global), new PrintStream(progress)).localRepository())
                .as("user settings win").isEqualTo(dir.resolve("user-repo"));
        assertThat(new BinariesFetch(new MavenSetup(localRepository, user, global), new PrintStream(progress)).localRepository())
                .as("-Dmaven.repo.local wins").isEqualTo(localRepository);
    }

    @Test
    void anExactVersionFetchesThatVersionIntoTheLocalRepositoryInMavensLayout() throws Exception {
        Path machineJar = servable("13.23.0");
        remote.withVersions("13.23.0", "13.24.0").withJar("13.23.0", machineJar).withJar("13.24.0", machineJar);

        Path jar = fetch(settings(null, null, false), 13, "13.23.0");

        Path versionDir = localRepository.resolve(LoopbackMavenRepository.ARTIFACT_DIR + "13.23.0");
        assertThat(jar).isEqualTo(versionDir.resolve(ARTIFACT + "-13.23.0.jar"));
        assertThat(Files.readAllBytes(jar)).isEqualTo(Files.readAllBytes(machineJar));
        assertThat(versionDir.resolve(ARTIFACT + "-13.23.0.jar.sha1")).content()
                .isEqualTo(LoopbackMavenRepository.digest("SHA-1", Files.readAllBytes(machineJar)));
        assertThat(versionDir.resolve("_remote.repositories")).content().contains(ARTIFACT + "-13.23.0.jar>loopback-mirror=");
        assertThat(remote.jarDownloads()).containsExactly("/maven2/" + LoopbackMavenRepository.ARTIFACT_DIR + "13.23.0/"
                + ARTIFACT + "-13.23.0.jar");
        assertThat(progress.toString(StandardCharsets.UTF_8).lines().toList()).singleElement().asString()
                .startsWith("hotstandby: downloading " + remote.url()).endsWith(" into the local Maven repository");
    }

    @Test
    void aMajorFetchesTheNewestReleaseOfThatMajorSkippingPreReleases() throws Exception {
        Path machineJar = servable("16.15.0");
        // only 16.15.0 is served: picking a pre-release, the next major or an older minor would fail
        remote.withVersions("16.1.0", "16.15.0", "16.99.0-rc1", "17.0.0-beta1").withJar("16.15.0", machineJar);

        Path jar = fetch(settings(null, null, false), 16, "");

        assertThat(jar.getFileName()).hasToString(ARTIFACT + "-16.15.0.jar");
        assertThat(remote.requests()).extracting(LoopbackMavenRepository.Request::path)
                .contains("/maven2/" + LoopbackMavenRepository.ARTIFACT_DIR + "maven-metadata.xml");
        assertThat(remote.jarDownloads()).hasSize(1);
    }

    @Test
    void theServerCredentialsOfTheMirrorAreSent() throws Exception {
        String password = UUID.randomUUID().toString();
        remote.requireBasicAuth("fetcher", password).withVersions("13.23.0").withJar("13.23.0", servable("13.23.0"));

        Path jar = fetch(settings("fetcher", password, false), 13, "13.23.0");

        assertThat(jar).isRegularFile();
        List<LoopbackMavenRepository.Request> served = remote.requests().stream()
                .filter(request -> request.status() == 200).toList();
        assertThat(served).isNotEmpty().allSatisfy(request -> assertThat(request.authorization()).isEqualTo("Basic "
                + java.util.Base64.getEncoder().encodeToString(("fetcher:" + password).getBytes(StandardCharsets.UTF_8))));
        assertThat(remote.jarDownloads()).hasSize(1);
    }

    @Test
    void aWrongChecksumFailsNamingTheArtifactAndLeavesNoJar() throws Exception {
        remote.withVersions("16.15.0").withJar("16.15.0", servable("16.15.0")).withWrongChecksums("16.15.0");

        assertThatThrownBy(() -> fetch(settings(null, null, false), 16, "16.15.0"))
                .isInstanceOf(BinariesFetch.FetchFailed.class)
                .hasMessageContaining("could not fetch " + ZonkyBinaries.GROUP_ID + ":" + ARTIFACT + ":jar:16.15.0 from"
                        + " loopback-mirror (" + remote.url() + ")")
                .hasMessageContaining("Checksum validation failed");
        assertThat(remote.jarDownloads()).isNotEmpty();
        Path versionDir = localRepository.resolve(LoopbackMavenRepository.ARTIFACT_DIR + "16.15.0");
        try (Stream<Path> left = Files.exists(versionDir) ? Files.list(versionDir) : Stream.empty()) {
            // Maven's own bookkeeping of the failed attempt may stay; no jar, whole or partial
            assertThat(left.map(path -> path.getFileName().toString()))
                    .allMatch(name -> name.endsWith(".lastUpdated"), "only *.lastUpdated files");
        }
    }

    @Test
    void offlineSettingsContactNothingAndNameTheCoordinates() throws Exception {
        assumeFalse(Files.exists(Path.of("/usr/lib/postgresql/13")), "PostgreSQL 13 is installed here");
        Path settings = settings(null, null, true);
        ClusterSpec spec = ClusterSpec.of("BinariesFetchTest", 0, "13", Backend.LOCAL, ReplicationOptions.ASYNCHRONOUS,
                Duration.ofSeconds(30), new Properties());
        BinariesResolver resolver = new BinariesResolver(Workspace.get(),
                new MavenSetup(localRepository, settings, dir.resolve("global-settings.xml")));

        assertThatThrownBy(() -> resolver.resolve(spec))
                .isInstanceOf(ClusterConfigurationException.class)
                .hasMessageContaining("BinariesFetchTest: no PostgreSQL 13 binaries found")
                .hasMessageContaining("mvn dependency:get -Dartifact=" + ZonkyBinaries.GROUP_ID + ":" + ARTIFACT + ":13.23.0")
                .hasMessageContaining("Maven is offline (<offline>true</offline> in settings.xml)");
        assertThat(remote.requests()).isEmpty();
        assertThat(localRepository.resolve(LoopbackMavenRepository.ARTIFACT_DIR)).doesNotExist();
    }

    private Path fetch(Path settings, int major, String exact) throws BinariesFetch.FetchFailed {
        BinariesFetch fetch = new BinariesFetch(new MavenSetup(localRepository, settings,
                dir.resolve("global-settings.xml")), new PrintStream(progress, true, StandardCharsets.UTF_8));
        return fetch.fetch(fetch.plan(), ARTIFACT, major, exact);
    }

    private Path settings(String user, String password, boolean offline) throws IOException {
        return Files.writeString(dir.resolve("settings.xml"), remote.settings(user, password, offline));
    }

    private static Path servable(String version) {
        Path jar = LoopbackMavenRepository.jarInMachineRepository(version);
        assumeTrue(Files.isRegularFile(jar), "the machine's local Maven repository has no " + jar);
        return jar;
    }
}
