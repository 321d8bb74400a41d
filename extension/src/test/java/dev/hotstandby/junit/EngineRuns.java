package dev.hotstandby.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.hotstandby.PostgresCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs test case classes through the Jupiter engine, as a user's build would. */
final class EngineRuns {
    private EngineRuns() {
    }

    static EngineExecutionResults run(Class<?>... testClasses) {
        return run(Map.of(), testClasses);
    }

    static EngineExecutionResults run(Map<String, String> configuration, Class<?>... testClasses) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameters(configuration)
                .selectors(Arrays.stream(testClasses).map(type -> selectClass(type)).toArray(org.junit.platform.engine.DiscoverySelector[]::new))
                .execute();
    }

    /**
     * PostgreSQL servers started by this JVM that are still running, after the idle shared clusters
     * (of this or any other test class of the JVM) were stopped: they outlive their classes on purpose.
     */
    static long runningServers() {
        PostgresCluster.stopIdleSharedClusters();
        return ProcessHandle.current().descendants()
                .filter(process -> process.info().commandLine().map(line -> line.contains("/postgres -D")).orElse(false))
                .count();
    }

    /** What a run reported, and what it printed on stderr meanwhile. */
    record Run(EngineExecutionResults results, String stderr) {
    }

    static Run capturingStderr(Map<String, String> configuration, Class<?>... testClasses) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            EngineExecutionResults results = run(configuration, testClasses);
            return new Run(results, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
