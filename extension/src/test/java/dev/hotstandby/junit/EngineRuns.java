package dev.hotstandby.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Arrays;
import java.util.Map;
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

    /** PostgreSQL servers started by this JVM that are still running. */
    static long runningServers() {
        return ProcessHandle.current().descendants()
                .filter(process -> process.info().commandLine().map(line -> line.contains("/postgres -D")).orElse(false))
                .count();
    }
}
