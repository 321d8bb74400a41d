package dev.hotstandby.backend.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the user's Maven keeps its configuration, found as Maven finds it, so that fetched binaries
 * come from the repositories that Maven would use and land where it would store them.
 *
 * @param localRepository {@code -Dmaven.repo.local}, or null: then the settings' {@code <localRepository>}
 *                        or {@code ~/.m2/repository}
 * @param userSettings    {@code -Dmaven.settings} (Maven 4: {@code maven.user.settings}), else
 *                        {@code ~/.m2/settings.xml}; it need not exist
 * @param globalSettings  {@code -Dmaven.global.settings} (Maven 4: {@code maven.installation.settings}),
 *                        else {@code conf/settings.xml} of the Maven installation ({@code maven.home},
 *                        {@code MAVEN_HOME}, or the {@code mvn} on {@code PATH}); null if none is found
 */
record MavenSetup(Path localRepository, Path userSettings, Path globalSettings) {

    static MavenSetup ofThisJvm() {
        Path home = Path.of(System.getProperty("user.home"));
        Path local = property("maven.repo.local").map(Path::of).orElse(null);
        Path user = property("maven.settings").or(() -> property("maven.user.settings")).map(Path::of)
                .orElse(home.resolve(".m2/settings.xml"));
        Path global = property("maven.global.settings").or(() -> property("maven.installation.settings"))
                .map(Path::of).or(MavenSetup::installationSettings).orElse(null);
        return new MavenSetup(local, user, global);
    }

    private static Optional<Path> installationSettings() {
        Optional<Path> mavenHome = property("maven.home").or(() -> Optional.ofNullable(System.getenv("MAVEN_HOME"))
                .filter(value -> !value.isBlank())).map(Path::of);
        Optional<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, "mvn"))
                .filter(Files::isExecutable)
                .findFirst()
                .flatMap(MavenSetup::installationOf);
        return mavenHome.or(() -> onPath).map(dir -> dir.resolve("conf/settings.xml")).filter(Files::isRegularFile);
    }

    /** {@code <home>/bin/mvn} → {@code <home>}, following the links a package manager puts on PATH. */
    private static Optional<Path> installationOf(Path mvn) {
        try {
            Path bin = mvn.toRealPath().getParent();
            return Optional.ofNullable(bin == null ? null : bin.getParent());
        } catch (java.io.IOException unreadable) {
            return Optional.empty();
        }
    }

    private static Optional<String> property(String name) {
        return Optional.ofNullable(System.getProperty(name)).map(String::trim).filter(value -> !value.isEmpty());
    }
}
