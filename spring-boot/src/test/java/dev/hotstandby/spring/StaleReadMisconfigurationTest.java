package dev.hotstandby.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.junit.PostgresStandbyCluster;
import java.util.Optional;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.Event;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A wrong stale-read setting fails the context before any test, naming the property, its value and
 * the standbys there are.
 */
class StaleReadMisconfigurationTest {
    @Test
    void aStandbyTheClusterDoesNotHave() {
        assertThat(failureOf(Standby3OfOneCase.class)).isEqualTo("@PostgresStandbyCluster on [Standby3OfOneCase]:"
                + " hotstandby.read-only-routing=standby3 names no standby of this cluster, which has 1 standby(s): standby0;"
                + " set hotstandby.read-only-routing to one of them or none");
    }

    @Test
    void routingOnAClusterWithoutStandbys() {
        assertThat(failureOf(NoStandbysCase.class)).isEqualTo("@PostgresStandbyCluster on [NoStandbysCase]:"
                + " hotstandby.read-only-routing=standby0 names no standby of this cluster, which has no standbys;"
                + " set hotstandby.read-only-routing to none, or declare standbys = 1 or more");
    }

    @Test
    void aNegativeLag() {
        assertThat(failureOf(NegativeLagCase.class)).isEqualTo("@PostgresStandbyCluster on [NegativeLagCase]:"
                + " hotstandby.replica-lag must not be negative but was '-200ms'");
    }

    @Test
    void aLagThatIsNoDuration() {
        assertThat(failureOf(NoDurationCase.class)).isEqualTo("@PostgresStandbyCluster on [NoDurationCase]:"
                + " hotstandby.replica-lag must be a duration such as 200ms or 1s but was 'a bit'");
    }

    @Test
    void aRoutingThatIsNoStandby() {
        assertThat(failureOf(UnknownRoutingCase.class)).isEqualTo("@PostgresStandbyCluster on [UnknownRoutingCase]:"
                + " hotstandby.read-only-routing must be none, standby0, standby1, ... but was 'replica'");
    }

    @Test
    void aLagWithoutRouting() {
        assertThat(failureOf(LagWithoutRoutingCase.class)).isEqualTo("@PostgresStandbyCluster on [LagWithoutRoutingCase]:"
                + " hotstandby.replica-lag=200ms delays the standby that hotstandby.read-only-routing names, but that is"
                + " none; set hotstandby.read-only-routing to a standby (this cluster has 1 standby(s): standby0) or"
                + " hotstandby.replica-lag=0");
    }

    @Test
    void aLagOnASynchronousClusterNamesBothSettings() {
        assertThat(failureOf(SynchronousCase.class)).isEqualTo("@PostgresStandbyCluster on [SynchronousCase]:"
                + " hotstandby.read-only-routing=standby0, hotstandby.replica-lag=200ms needs an asynchronous cluster, but"
                + " this one is synchronous (synchronous = true): its commits would wait for the delayed replay instead of"
                + " reading stale. Run this class with hotstandby.replica-lag=0 or declare synchronous = false");
    }

    /** The message of the customizer's failure inside "Failed to load ApplicationContext", after the @BeforeAll check. */
    private static String failureOf(Class<?> testCase) {
        Event failed = EngineRuns.run(testCase).allEvents().failed().stream().findFirst().orElseThrow();
        Throwable thrown = failed.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        Optional<Throwable> ours = Stream.iterate(thrown, cause -> cause != null, Throwable::getCause)
                .filter(cause -> String.valueOf(cause.getMessage()).startsWith("@PostgresStandbyCluster on [")).findFirst();
        return ours.orElseThrow(() -> new AssertionError("no hotstandby message in", thrown)).getMessage();
    }

    /** A test that needs the context, so the context's failure fails it. */
    abstract static class ContextCase {
        @Autowired
        DataSource dataSource;

        @Test
        void neverRuns() {
        }
    }

    @SpringBootTest(classes = TestApplication.class, properties = "hotstandby.read-only-routing=standby3")
    @PostgresStandbyCluster(shared = true, standbys = 1)
    static class Standby3OfOneCase extends ContextCase {
    }

    @SpringBootTest(classes = TestApplication.class, properties = "hotstandby.read-only-routing=standby0")
    @PostgresStandbyCluster(shared = true, standbys = 0)
    static class NoStandbysCase extends ContextCase {
    }

    @SpringBootTest(classes = TestApplication.class,
            properties = {"hotstandby.read-only-routing=standby0", "hotstandby.replica-lag=-200ms"})
    @PostgresStandbyCluster(shared = true, standbys = 1)
    static class NegativeLagCase extends ContextCase {
    }

    @SpringBootTest(classes = TestApplication.class,
            properties = {"hotstandby.read-only-routing=standby0", "hotstandby.replica-lag=a bit"})
    @PostgresStandbyCluster(shared = true, standbys = 1)
    static class NoDurationCase extends ContextCase {
    }

    @SpringBootTest(classes = TestApplication.class, properties = "hotstandby.read-only-routing=replica")
    @PostgresStandbyCluster(shared = true, standbys = 1)
    static class UnknownRoutingCase extends ContextCase {
    }

    @SpringBootTest(classes = TestApplication.class, properties = "hotstandby.replica-lag=200ms")
    @PostgresStandbyCluster(shared = true, standbys = 1)
    static class LagWithoutRoutingCase extends ContextCase {
    }

    @SpringBootTest(classes = TestApplication.class,
            properties = {"hotstandby.read-only-routing=standby0", "hotstandby.replica-lag=200ms"})
    @PostgresStandbyCluster(synchronous = true, standbys = 1)
    static class SynchronousCase extends ContextCase {
    }
}
