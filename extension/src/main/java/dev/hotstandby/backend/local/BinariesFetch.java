package dev.hotstandby.backend.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.maven.model.Model;
import org.apache.maven.model.interpolation.ModelInterpolator;
import org.apache.maven.model.io.xpp3.MavenXpp3Reader;
import org.apache.maven.settings.Mirror;
import org.apache.maven.settings.Profile;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.DefaultSettingsBuilderFactory;
import org.apache.maven.settings.building.DefaultSettingsBuildingRequest;
import org.apache.maven.settings.building.SettingsBuildingException;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.Proxy;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.repository.RepositoryPolicy;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.VersionRangeRequest;
import org.eclipse.aether.resolution.VersionRangeResolutionException;
import org.eclipse.aether.resolution.VersionRangeResult;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.transfer.AbstractTransferListener;
import org.eclipse.aether.transfer.TransferEvent;
import org.eclipse.aether.util.repository.AuthenticationBuilder;
import org.eclipse.aether.util.repository.DefaultAuthenticationSelector;
import org.eclipse.aether.util.repository.DefaultMirrorSelector;
import org.eclipse.aether.util.repository.DefaultProxySelector;

/**
 * Fetches one of zonky's binaries jars with Maven Resolver, configured from the user's settings
 * as Maven configures itself: the same repositories (Central as Maven's super POM names it, the
 * repositories of active settings profiles), mirrors, proxies, server credentials and local
 * repository, checksums enforced, and cross-process file locks so parallel forks share one
 * download. Only this class touches Resolver, so its classes load only when a fetch is needed.
 */
final class BinariesFetch {
    /** Zonky's release versions are three numbers; anything else (a pre-release) is never picked. */
    private static final String RELEASE = "\\d+\\.\\d+\\.\\d+";

    private final MavenSetup setup;
    private final PrintStream progress;

    BinariesFetch(MavenSetup setup, PrintStream progress) {
        this.setup = setup;
        this.progress = progress;
    }

    /** What settings say before anything is contacted. */
    record Plan(Settings settings, Path localRepository, List<RemoteRepository> repositories) {
        boolean offline() {
            return settings.isOffline();
        }
    }

    /** Thrown with a message that says what was asked, where from, and why it failed. */
    static final class FetchFailed extends Exception {
        FetchFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    Plan plan() {
        Settings settings = settings();
        List<RemoteRepository> declared = new ArrayList<>(List.of(central()));
        declared.addAll(profileRepositories(settings));
        return new Plan(settings, localRepository(settings), declared);
    }

    /** The local repository as Maven finds it: {@code -Dmaven.repo.local}, else the effective settings' element, else ~/.m2. */
    Path localRepository() {
        return setup.localRepository() != null ? setup.localRepository() : localRepository(settings());
    }

    private Path localRepository(Settings settings) {
        return setup.localRepository() != null ? setup.localRepository()
                : settings.getLocalRepository() != null && !settings.getLocalRepository().isBlank()
                ? Path.of(settings.getLocalRepository())
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /**
     * The newest release of {@code major} ({@code [major, major+1)} against the repositories'
     * metadata) or exactly {@code version}; the jar, now in the local repository.
     */
    Path fetch(Plan plan, String artifactId, int major, String exactVersion) throws FetchFailed {
        RepositorySystem system = new RepositorySystemSupplier().get();
        try (RepositorySystemSession.CloseableSession session = session(system, plan)) {
            List<RemoteRepository> repositories = system.newResolutionRepositories(session, plan.repositories());
            String version = exactVersion.isEmpty() ? newest(system, session, repositories, artifactId, major)
                    : exactVersion;
            Artifact artifact = new DefaultArtifact(ZonkyBinaries.GROUP_ID, artifactId, "jar", version);
            try {
                return system.resolveArtifact(session, new ArtifactRequest(artifact, repositories, null))
                        .getArtifact().getPath();
            } catch (ArtifactResolutionException e) {
                throw new FetchFailed("could not fetch " + artifact + " from " + describe(repositories) + ": "
                        + causes(e), e);
            }
        } finally {
            system.shutdown();
        }
    }

    private String newest(RepositorySystem system, RepositorySystemSession session, List<RemoteRepository> repositories,
                          String artifactId, int major) throws FetchFailed {
        String range = "[" + major + "," + (major + 1) + ")";
        Artifact ranged = new DefaultArtifact(ZonkyBinaries.GROUP_ID, artifactId, "jar", range);
        try {
            VersionRangeResult result = system.resolveVersionRange(session,
                    new VersionRangeRequest(ranged, repositories, null));
            return result.getVersions().stream()
                    .filter(version -> version.toString().matches(RELEASE))
                    .filter(version -> version.toString().startsWith(major + "."))
                    .max(Comparator.naturalOrder())
                    .map(Object::toString)
                    .orElseThrow(() -> new FetchFailed("no release of " + ranged + " in the metadata of "
                            + describe(repositories) + (result.getExceptions().isEmpty() ? ""
                            : ": " + result.getExceptions().stream().map(Throwable::getMessage)
                            .collect(Collectors.joining("; "))), null));
        } catch (VersionRangeResolutionException e) {
            throw new FetchFailed("could not read the versions of " + ranged + " from " + describe(repositories) + ": "
                    + causes(e), e);
        }
    }

    private RepositorySystemSession.CloseableSession session(RepositorySystem system, Plan plan) {
        Settings settings = plan.settings();
        DefaultMirrorSelector mirrors = new DefaultMirrorSelector();
        for (Mirror mirror : settings.getMirrors()) {
            mirrors.add(mirror.getId(), mirror.getUrl(), mirror.getLayout(), false, mirror.isBlocked(),
                    mirror.getMirrorOf(), mirror.getMirrorOfLayouts());
        }
        DefaultProxySelector proxies = new DefaultProxySelector();
        for (org.apache.maven.settings.Proxy proxy : settings.getProxies()) {
            if (proxy.isActive()) {
                AuthenticationBuilder auth = new AuthenticationBuilder().addUsername(proxy.getUsername())
                        .addPassword(proxy.getPassword());
                proxies.add(new Proxy(proxy.getProtocol(), proxy.getHost(), proxy.getPort(), auth.build()),
                        proxy.getNonProxyHosts());
            }
        }
        DefaultAuthenticationSelector credentials = new DefaultAuthenticationSelector();
        for (Server server : settings.getServers()) {
            credentials.add(server.getId(), new AuthenticationBuilder().addUsername(server.getUsername())
                    .addPassword(server.getPassword()).addPrivateKey(server.getPrivateKey(), server.getPassphrase())
                    .build());
        }
        Map<String, Object> config = new LinkedHashMap<>();
        // Maven's own choice for concurrent builds sharing a local repository: file locks per artifact
        config.put("aether.syncContext.named.factory", "file-lock");
        config.put("aether.syncContext.named.nameMapper", "file-gav");
        // _remote.repositories as Maven 3 writes it ("...jar>central="), so mvn accepts the jar as its own
        config.put("aether.system.repositoryKeyFunction", "simple");
        config.put("aether.system.trackingRepositoryKeyFunction", "simple");
        return new SessionBuilderSupplier(system).get()
                .withLocalRepositoryBaseDirectories(plan.localRepository())
                .setOffline(settings.isOffline())
                .setChecksumPolicy(RepositoryPolicy.CHECKSUM_POLICY_FAIL)
                .setMirrorSelector(mirrors)
                .setProxySelector(proxies)
                .setAuthenticationSelector(credentials)
                .setSystemProperties(System.getProperties())
                .setConfigProperties(config)
                .setTransferListener(new ProgressLine(progress))
                .build();
    }

    private Settings settings() {
        DefaultSettingsBuildingRequest request = new DefaultSettingsBuildingRequest()
                .setSystemProperties(System.getProperties())
                .setUserProperties(new Properties());
        request.setUserSettingsFile(setup.userSettings().toFile());
        if (setup.globalSettings() != null) {
            request.setGlobalSettingsFile(setup.globalSettings().toFile());
        }
        try {
            return new DefaultSettingsBuilderFactory().newInstance().build(request).getEffectiveSettings();
        } catch (SettingsBuildingException e) {
            throw new IllegalStateException("cannot read Maven settings (" + setup.userSettings()
                    + Optional.ofNullable(setup.globalSettings()).map(global -> ", " + global).orElse("") + "): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Central exactly as Maven's super POM declares it (id, URL, releases only); its URL is
     * {@code ${maven.repo.central}}, which Maven interpolates from that property or its default.
     */
    private static RemoteRepository central() {
        try (InputStream superPom = Model.class.getClassLoader().getResourceAsStream("org/apache/maven/model/pom-4.0.0.xml")) {
            if (superPom == null) {
                throw new IllegalStateException("Maven's super POM is missing from the classpath (maven-model-builder)");
            }
            org.apache.maven.model.Repository central = new MavenXpp3Reader().read(superPom).getRepositories().get(0);
            String url = central.getUrl().replace("${" + ModelInterpolator.MAVEN_REPO_CENTRAL_KEY + "}",
                    System.getProperty(ModelInterpolator.MAVEN_REPO_CENTRAL_KEY,
                            ModelInterpolator.DEFAULT_MAVEN_REPO_CENTRAL_URL));
            return release(central.getId(), url, central.getLayout());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (org.codehaus.plexus.util.xml.pull.XmlPullParserException e) {
            throw new IllegalStateException("cannot read Maven's super POM", e);
        }
    }

    /** The repositories of the profiles settings.xml activates by name or by default, as Maven adds them. */
    private static List<RemoteRepository> profileRepositories(Settings settings) {
        List<RemoteRepository> repositories = new ArrayList<>();
        for (Profile profile : settings.getProfiles()) {
            boolean active = settings.getActiveProfiles().contains(profile.getId())
                    || profile.getActivation() != null && profile.getActivation().isActiveByDefault();
            if (active) {
                for (org.apache.maven.settings.Repository repository : profile.getRepositories()) {
                    if (repository.getReleases() == null || repository.getReleases().isEnabled()) {
                        repositories.add(release(repository.getId(), repository.getUrl(), repository.getLayout()));
                    }
                }
            }
        }
        return repositories;
    }

    private static RemoteRepository release(String id, String url, String layout) {
        RepositoryPolicy releases = new RepositoryPolicy(true, RepositoryPolicy.UPDATE_POLICY_DAILY,
                RepositoryPolicy.CHECKSUM_POLICY_FAIL);
        return new RemoteRepository.Builder(id, layout == null ? "default" : layout, url)
                .setReleasePolicy(releases)
                .setSnapshotPolicy(new RepositoryPolicy(false, RepositoryPolicy.UPDATE_POLICY_NEVER,
                        RepositoryPolicy.CHECKSUM_POLICY_FAIL))
                .build();
    }

    private static String describe(List<RemoteRepository> repositories) {
        return repositories.stream().map(repository -> repository.getId() + " (" + repository.getUrl() + ")")
                .collect(Collectors.joining(", "));
    }

    private static String causes(Exception e) {
        List<String> messages = new ArrayList<>();
        for (Throwable cause = e; cause != null && messages.size() < 4; cause = cause.getCause()) {
            if (cause.getMessage() != null && messages.stream().noneMatch(cause.getMessage()::contains)) {
                messages.add(cause.getMessage());
            }
        }
        return String.join(": ", messages);
    }

    /** One line when the jar's download starts: it is 15 MB, the user should know why the test waits. */
    private static final class ProgressLine extends AbstractTransferListener {
        private final PrintStream out;

        ProgressLine(PrintStream out) {
            this.out = out;
        }

        @Override
        public void transferStarted(TransferEvent event) {
            if (event.getResource().getResourceName().endsWith(".jar")
                    && event.getRequestType() == TransferEvent.RequestType.GET) {
                long size = event.getResource().getContentLength();
                out.println("hotstandby: downloading " + event.getResource().getRepositoryUrl()
                        + event.getResource().getResourceName()
                        + (size > 0 ? String.format(" (%.1f MB)", size / 1e6) : "") + " into the local Maven repository");
            }
        }
    }
}
