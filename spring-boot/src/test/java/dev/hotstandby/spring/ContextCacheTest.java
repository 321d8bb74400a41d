package dev.hotstandby.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Spring caches contexts by configuration; two classes with the same configuration but each its
 * own cluster must not share one (the second would reach the first's ports, closed by then), and
 * a {@code @Nested} class, which shares its enclosing class's cluster, must share its context.
 */
class ContextCacheTest {
    private static final List<Seen> SEEN = new CopyOnWriteArrayList<>();

    /** What one test saw: its context, its cluster, and where its DataSource connected. */
    record Seen(Class<?> testClass, ConfigurableApplicationContext context, PostgresCluster cluster, String url,
                ServerSeen server) {
    }

    @BeforeEach
    void forget() {
        SEEN.clear();
    }

    @Test
    void classesWithTheSameConfigurationButTheirOwnClustersGetTheirOwnContextsEvenAtTheSameTime() {
        BothRunning.run(FirstCase.class, SecondCase.class).testEvents()
                .assertStatistics(stats -> stats.succeeded(2).failed(0));

        assertThat(SEEN).hasSize(2);
        Seen first = SEEN.get(0);
        Seen second = SEEN.get(1);
        assertThat(second.cluster()).isNotSameAs(first.cluster());
        assertThat(second.context()).isNotSameAs(first.context());
        SEEN.forEach(ContextCacheTest::reachedItsOwnPrimary);
    }

    @Test
    void aClassRunAgainGetsANewContextForItsNewCluster() {
        EngineRuns.run(FirstCase.class).testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
        EngineRuns.run(FirstCase.class).testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));

        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(1).context()).isNotSameAs(SEEN.get(0).context());
        SEEN.forEach(ContextCacheTest::reachedItsOwnPrimary);
        // closed with its cluster's class, not left in the cache holding a pool to stopped servers
        assertThat(SEEN).allSatisfy(seen -> assertThat(seen.context().isActive()).isFalse());
        // and its cluster stopped with its class (JUnit closes it, also on the JUnit 5.12 that Boot 3.5 brings)
        assertThatThrownBy(() -> ServerSeen.through(SEEN.get(0).cluster().primary().dataSource()))
                .isInstanceOf(SQLException.class);
    }

    @Test
    void aNestedClassSharesItsEnclosingClassesClusterAndContext() {
        EngineRuns.run(OuterCase.class).testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));

        assertThat(SEEN).extracting(Seen::testClass).containsExactly(OuterCase.class, OuterCase.InnerCase.class);
        assertThat(SEEN.get(1).cluster()).isSameAs(SEEN.get(0).cluster());
        assertThat(SEEN.get(1).context()).isSameAs(SEEN.get(0).context());
        SEEN.forEach(ContextCacheTest::reachedItsOwnPrimary);
    }

    private static void reachedItsOwnPrimary(Seen seen) {
        assertThat(seen.url()).isEqualTo(seen.cluster().primary().jdbcUrl());
        assertThat(seen.server().node()).isEqualTo("primary");
        assertThat(seen.server().inRecovery()).isFalse();
    }

    /** The same configuration in every case, so only the cluster tells their contexts apart. */
    abstract static class RecordingCase {
        @Autowired
        ConfigurableApplicationContext context;
        @Autowired
        PostgresCluster cluster;
        @Autowired
        DataSource dataSource;

        @Test
        void records() throws Exception {
            BothRunning.awaitTheOther();
            SEEN.add(new Seen(getClass(), context, cluster, ((HikariDataSource) dataSource).getJdbcUrl(),
                    ServerSeen.through(dataSource)));
        }
    }

    @SpringBootTest(classes = TestApplication.class)
    @PostgresStandbyCluster
    static class FirstCase extends RecordingCase {
    }

    @SpringBootTest(classes = TestApplication.class)
    @PostgresStandbyCluster
    static class SecondCase extends RecordingCase {
    }

    @SpringBootTest(classes = TestApplication.class)
    @PostgresStandbyCluster
    static class OuterCase extends RecordingCase {
        @Nested
        class InnerCase extends RecordingCase {
        }
    }
}
