package dev.hotstandby.backend.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * On the CLI's classpath (the runtime one, as {@code exec:java} has it) SLF4J finds a binding, so its
 * first use prints none of its "Failed to load class org.slf4j.impl.StaticLoggerBinder" lines among the
 * CLI's own, and hotstandby's warnings still reach stderr.
 */
class FirstLogLineTest {
    @Test
    void slf4jsFirstUsePrintsOnlyHotstandbysOwnLine() {
        try (ChildJvm child = ChildJvm.start(ChildJvm.mainCommand(List.of(), System.getProperty("java.class.path"),
                FirstLogLineMain.class.getName()))) {
            int status = child.awaitExit(Duration.ofMinutes(1));

            assertThat(status).as("exit status; output:%n%s", child.output()).isZero();
            assertThat(child.output().strip()).isEqualTo("hotstandby: first use: a warning");
        }
    }
}
