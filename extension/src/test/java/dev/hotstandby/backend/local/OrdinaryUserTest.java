package dev.hotstandby.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The local backend works for an ordinary user, not only for root (which runs PostgreSQL under
 * {@code unshare -U}). As root, the CLI runs in a child JVM as {@code nobody} (uid 65534) through
 * {@code setpriv}, on copies of the classpath (root's ~/.m2 is not readable by others) and with
 * data and cache directories of its own; otherwise the current user already is an ordinary one.
 */
class OrdinaryUserTest {
    private static final int NOBODY = 65534;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

    private final List<Path> tempDirs = new ArrayList<>();
    private ChildJvm cli;

    @AfterEach
    void killTheChildAndDeleteTempDirs() {
        try {
            if (cli != null) {
                cli.close();
            }
        } finally {
            tempDirs.forEach(TempTrees::deleteTree);
        }
    }

    @Test
    void anOrdinaryUserStartsAClusterThatReplicates() throws IOException {
        String[] args = {"--standbys", "1", "--exit"};
        if (Rootless.isRoot()) {
            Path setpriv = Stream.of("/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv").map(Path::of)
                    .filter(Files::isExecutable).findFirst().orElse(null);
            assumeTrue(setpriv != null, "setpriv (util-linux) is needed to run the CLI as nobody");
            Path home = ownedByNobody(tempDir("hsu"));
            Path data = ownedByNobody(Files.createDirectory(home.resolve("d")));
            Path cache = ownedByNobody(Files.createDirectory(home.resolve("c")));
            // every entry, jars too: root's ~/.m2 is not readable by others
            String classpath = ClasspathCopy.joined(ClasspathCopy.copyOfClasspath(tempDir("hscp"), true));
            List<String> command = new ArrayList<>(List.of(setpriv.toString(), "--reuid=" + NOBODY,
                    "--regid=" + NOBODY, "--clear-groups"));
            command.addAll(ChildJvm.cliCommand(List.of("-D" + Workspace.DATA_DIR_PROPERTY + "=" + data,
                    "-D" + Workspace.CACHE_DIR_PROPERTY + "=" + cache, "-Duser.home=" + home), classpath, args));
            cli = ChildJvm.start(command, builder -> {
                builder.directory(home.toFile());
                builder.environment().put("HOME", home.toString());
                builder.environment().remove("XDG_CACHE_HOME");
            });
        } else {
            Path data = tempDir("hsu");
            cli = ChildJvm.start(ChildJvm.cliCommand(List.of("-D" + Workspace.DATA_DIR_PROPERTY + "=" + data),
                    ClasspathCopy.joined(ClasspathCopy.copyOfClasspath(tempDir("hscp"), false)), args));
        }

        int status = cli.awaitExit(RUN_TIMEOUT);

        assertThat(status).as("exit status of %s; its output:%n%s", cli, cli.output()).isZero();
        assertThat(cli.output())
                .contains("standby-0: reads 42 from sampledb.tab")
                .contains("verification passed");
    }

    private Path tempDir(String prefix) {
        Path dir = TempTrees.shortTempDir(prefix);
        tempDirs.add(dir);
        return dir;
    }

    private static Path ownedByNobody(Path dir) throws IOException {
        Files.setAttribute(dir, "unix:uid", NOBODY);
        Files.setAttribute(dir, "unix:gid", NOBODY);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return dir;
    }
}
