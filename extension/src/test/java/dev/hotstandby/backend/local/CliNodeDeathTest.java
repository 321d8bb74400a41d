package dev.hotstandby.backend.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CLI stays up only while its servers do: a killed standby ends it with status 1, naming the node. */
class CliNodeDeathTest {
    private Path dataRoot;
    private final List<ProcessHandle> servers = new ArrayList<>();

    @BeforeEach
    void privateDataRoot() {
        dataRoot = TempTrees.shortTempDir("hsd");
    }

    @AfterEach
    void stopServersAndDeleteTheDataRoot() {
        try {
            Processes.stopAll(servers);
        } finally {
            TempTrees.deleteTree(dataRoot);
        }
    }

    @Test
    void killedStandbyEndsTheCliWithItsNameAndLogTail() {
        try (ChildJvm cli = ChildJvm.start(ChildJvm.cliCommand(List.of("-D" + Workspace.DATA_DIR_PROPERTY + "=" + dataRoot),
                System.getProperty("java.class.path"), "--standbys", "1"))) {
            cli.awaitOutput("cluster is up", Duration.ofMinutes(2));
            servers.addAll(cli.descendantsRunning(ChildJvm.POSTMASTER));
            List<ProcessHandle> standby = cli.descendantsRunning(ChildJvm.POSTMASTER + " ").stream()
                    .filter(p -> p.info().commandLine().orElse("").contains("/standby-0")).toList();
            assertThat(standby).as("standby-0's postmaster among %s", Processes.describe(servers)).hasSize(1);

            standby.get(0).destroyForcibly();
            int status = cli.awaitExit(Duration.ofMinutes(1));

            assertThat(status).as("exit status; output:%n%s", cli.output()).isEqualTo(1);
            assertThat(cli.output())
                    .contains("hotstandby: the cluster is no longer up: standby-0 died (")
                    .contains("lines of its log:")
                    .contains("ready to accept read-only connections");
        }
    }
}
