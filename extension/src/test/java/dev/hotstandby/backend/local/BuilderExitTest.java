package dev.hotstandby.backend.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A main that starts and closes a cluster through the builder and returns: its JVM ends by
 * itself, and no hotstandby thread is left that would hold it up or outlive an interrupt (exec:java
 * waited 15 s for {@code hotstandby-spare-copies}).
 */
class BuilderExitTest {
    private Path dataRoot;

    @BeforeEach
    void privateDataRoot() {
        dataRoot = TempTrees.shortTempDir("hsx");
    }

    @AfterEach
    void deleteDataRoot() {
        TempTrees.deleteTree(dataRoot);
    }

    @Test
    void jvmEndsByItselfWithNoHotstandbyThreadLeft() {
        try (ChildJvm child = ChildJvm.start(ChildJvm.mainCommand(
                List.of("-D" + Workspace.DATA_DIR_PROPERTY + "=" + dataRoot),
                System.getProperty("java.class.path"), BuilderExitMain.class.getName()))) {
            int status = child.awaitExit(Duration.ofMinutes(2));

            assertThat(status).as("exit status; output:%n%s", child.output()).isZero();
            assertThat(child.output())
                    .contains(BuilderExitMain.NON_DAEMON + "[]")
                    .contains(BuilderExitMain.SURVIVORS + "[]");
        }
    }
}
