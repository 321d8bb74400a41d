package dev.hotstandby.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.io.TempDir;

/** A user's build without {@code -parameters} gets messages naming position and type, never {@code arg0}. */
class ParameterNamesTest {

    @Test
    void withoutANameThePositionAndTypeAreNamed() throws Exception {
        var method = ParameterNamesTest.class.getDeclaredMethod("sample", DataSource.class);
        assertThat(InjectionPoint.describe(method, 0, null, DataSource.class))
                .isEqualTo("parameter 0 (DataSource) of [ParameterNamesTest.sample]");
        assertThat(InjectionPoint.describe(method, 0, "second", DataSource.class))
                .isEqualTo("parameter [second] of [ParameterNamesTest.sample]");
        assertThat(InjectionPoint.describe(Sample.class.getDeclaredConstructor(DataSource.class), 0, null, DataSource.class))
                .isEqualTo("parameter 0 (DataSource) of [Sample constructor]");
    }

    /** Compiles a test case here, without -parameters, as a user's build would, and runs it through the engine. */
    @Test
    void aClassCompiledWithoutParameterNames(@TempDir Path work) throws Exception {
        Path source = work.resolve("src/nonames/NoNamesCase.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, """
                package nonames;

                import dev.hotstandby.junit.PostgresStandbyCluster;
                import dev.hotstandby.junit.Standby;
                import javax.sql.DataSource;
                import org.junit.jupiter.api.Test;

                @PostgresStandbyCluster(standbys = 1)
                public class NoNamesCase {
                    @Test
                    void secondStandby(@Standby(1) DataSource second) {
                    }
                }
                """);
        Path classes = Files.createDirectories(work.resolve("classes"));
        String classpath = String.join(java.io.File.pathSeparator, codeSource(PostgresStandbyCluster.class),
                codeSource(Test.class), codeSource(org.apiguardian.api.API.class));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int exit = javac.run(null, null, null, List.of("-d", classes.toString(), "-cp", classpath, source.toString())
                .toArray(String[]::new));
        assertThat(exit).as("javac exit code").isZero();

        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> testCase = loader.loadClass("nonames.NoNamesCase");
            assertThat(testCase.getDeclaredMethod("secondStandby", DataSource.class).getParameters()[0].isNamePresent())
                    .as("compiled without -parameters").isFalse();
            EngineRuns.run(testCase).containerEvents().assertThatEvents().haveExactly(1, event(container(testCase),
                    finishedWithFailure(instanceOf(ExtensionConfigurationException.class), message(
                            "@Standby(1) on parameter 0 (DataSource) of [NoNamesCase.secondStandby]: @PostgresStandbyCluster"
                                    + " on [NoNamesCase] has 1 standby(s), so use @Standby(0) or raise standbys"))));
        }
        assertThat(EngineRuns.runningServers()).isZero();
    }

    private static String codeSource(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @SuppressWarnings("unused")
    private static void sample(DataSource second) {
    }

    static final class Sample {
        Sample(DataSource ignored) {
        }
    }
}
