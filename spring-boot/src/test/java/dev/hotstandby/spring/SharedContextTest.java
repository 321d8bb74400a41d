package dev.hotstandby.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.junit.PostgresStandbyCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Classes of one configuration on a shared cluster get one context: the cluster is refreshed between
 * them (its databases as right after its start, without the context's Flyway schema), and the context
 * must work again on it, its beans and properties still pointing at the same nodes. Classes running at
 * the same time hold different clusters, so they get different contexts.
 */
class SharedContextTest {
    private static final List<Seen> SEEN = new CopyOnWriteArrayList<>();
    /** The greetings Boot's {@code spring.sql.init} scripts wrote, as each test of {@link RefreshingCase} found them. */
    private static final List<String> GREETINGS = new CopyOnWriteArrayList<>();

    /**
     * What one test saw: its context and cluster, the customers already there when it started (the
     * sample's Flyway table), the name of the row it wrote as read on the first standby, and the
     * primary's URL the context's properties name.
     */
    record Seen(Class<?> testClass, ConfigurableApplicationContext context, PostgresCluster cluster,
                List<CustomerRow> customersBefore, String readOnTheStandby, ServerSeen standby, String primaryUrl,
                long refreshCount) {
    }

    @BeforeEach
    void forget() {
        SEEN.clear();
        GREETINGS.clear();
    }

    @Test
    void theNextClassOfTheSameConfigurationGetsTheSameContextWorkingOnTheRefreshedCluster() {
        EngineRuns.run(FirstCase.class).testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
        EngineRuns.run(SecondCase.class).testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));

        assertThat(SEEN).extracting(Seen::testClass).containsExactly(FirstCase.class, SecondCase.class);
        Seen first = SEEN.get(0);
        Seen second = SEEN.get(1);
        assertThat(second.cluster()).isSameAs(first.cluster());
        assertThat(second.context()).isSameAs(first.context());
        assertThat(second.context().isActive()).isTrue();
        assertThat(second.refreshCount()).isGreaterThan(first.refreshCount());
        // the first class's customer is gone with the refresh; the table is there again (Flyway ran again)
        assertThat(first.customersBefore()).isEmpty();
        assertThat(second.customersBefore()).isEmpty();
        assertThat(second.primaryUrl()).isEqualTo(first.primaryUrl()).isEqualTo(second.cluster().primary().jdbcUrl());
        SEEN.forEach(SharedContextTest::wroteAndReadItsCustomer);
    }

    @Test
    void aClassWithItsOwnClusterAndTheSameConfigurationGetsAContextOfItsOwn() {
        EngineRuns.run(FirstCase.class).testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
        EngineRuns.run(OwnClusterCase.class).testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));

        assertThat(SEEN).extracting(Seen::testClass).containsExactly(FirstCase.class, OwnClusterCase.class);
        assertThat(SEEN.get(1).cluster()).isNotSameAs(SEEN.get(0).cluster());
        assertThat(SEEN.get(1).context()).isNotSameAs(SEEN.get(0).context());
        assertThat(SEEN.get(0).context().isActive()).isTrue(); // the shared one stays cached for the next class
        assertThat(SEEN.get(1).context().isActive()).isFalse(); // closed with its own cluster's class, as before
        SEEN.forEach(SharedContextTest::wroteAndReadItsCustomer);
    }

    @Test
    void classesRunningAtTheSameTimeGetTwoClustersAndTwoContextsWhichALaterClassReuses() {
        BothRunning.run(FirstCase.class, SecondCase.class).testEvents()
                .assertStatistics(stats -> stats.succeeded(2).failed(0));
        EngineRuns.run(ThirdCase.class).testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));

        assertThat(SEEN).hasSize(3);
        Seen one = SEEN.get(0);
        Seen other = SEEN.get(1);
        Seen third = SEEN.get(2);
        assertThat(third.testClass()).isEqualTo(ThirdCase.class);
        assertThat(other.cluster()).isNotSameAs(one.cluster());
        assertThat(other.context()).isNotSameAs(one.context());
        Seen reused = third.cluster() == one.cluster() ? one : other;
        assertThat(third.cluster()).isSameAs(reused.cluster());
        assertThat(third.context()).isSameAs(reused.context());
        assertThat(third.primaryUrl()).isEqualTo(reused.primaryUrl());
        assertThat(SEEN).allSatisfy(seen -> assertThat(seen.customersBefore()).isEmpty());
        SEEN.forEach(SharedContextTest::wroteAndReadItsCustomer);
    }

    @Test
    void aTestAfterOneThatRefreshedTheClusterFindsTheDatabaseSetUpAgain() {
        EngineRuns.run(RefreshingCase.class).testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));

        assertThat(SEEN).hasSize(2);
        Seen before = SEEN.get(0);
        Seen after = SEEN.get(1);
        assertThat(after.context()).isSameAs(before.context());
        assertThat(after.refreshCount()).isGreaterThan(before.refreshCount());
        assertThat(after.customersBefore()).isEmpty();
        assertThat(GREETINGS).containsExactly("hello", "hello");
        SEEN.forEach(SharedContextTest::wroteAndReadItsCustomer);
    }

    private static void wroteAndReadItsCustomer(Seen seen) {
        assertThat(seen.readOnTheStandby()).isEqualTo(seen.testClass().getSimpleName());
        assertThat(seen.standby()).extracting(ServerSeen::node, ServerSeen::inRecovery).containsExactly("standby-0", true);
        assertThat(seen.primaryUrl()).isEqualTo(seen.cluster().primary().jdbcUrl());
    }

    /** The same configuration in every case, so only the cluster tells their contexts apart. */
    abstract static class RecordingCase {
        @Autowired
        ConfigurableApplicationContext context;
        @Autowired
        PostgresCluster cluster;
        @Autowired
        CustomerRows customers;
        @Autowired
        DataSource dataSource;
        @Autowired
        @Qualifier("standby0DataSource")
        DataSource standby;
        @Value("${hotstandby.primary.url}")
        String primaryUrl;

        /** Through the repository, and through the context's DataSource to the primary and back from the standby. */
        void record() throws Exception {
            List<CustomerRow> before = new ArrayList<>();
            customers.findAll().forEach(before::add);
            CustomerRow saved = customers.save(new CustomerRow(null, getClass().getSimpleName()));
            assertThat(customers.findById(saved.id())).contains(saved);
            long id = JdbcClient.create(dataSource).sql("INSERT INTO customer (name) VALUES (?) RETURNING id")
                    .param(getClass().getSimpleName()).query(Long.class).single();
            cluster.awaitReplication();
            String onTheStandby = JdbcClient.create(standby).sql("SELECT name FROM customer WHERE id = ?").param(id)
                    .query(String.class).single();
            SEEN.add(new Seen(getClass(), context, cluster, before, onTheStandby, ServerSeen.through(standby),
                    primaryUrl, cluster.refreshCount()));
        }
    }

    abstract static class SharingCase extends RecordingCase {
        @Test
        void records() throws Exception {
            BothRunning.awaitTheOther();
            record();
        }
    }

    @SpringBootTest(classes = TestApplication.class)
    @PostgresStandbyCluster(shared = true)
    static class FirstCase extends SharingCase {
    }

    @SpringBootTest(classes = TestApplication.class)
    @PostgresStandbyCluster(shared = true)
    static class SecondCase extends SharingCase {
    }

    @SpringBootTest(classes = TestApplication.class)
    @PostgresStandbyCluster(shared = true)
    static class ThirdCase extends SharingCase {
    }

    @SpringBootTest(classes = TestApplication.class)
    @PostgresStandbyCluster
    static class OwnClusterCase extends SharingCase {
    }

    /**
     * One instance for both tests: only the listener's check before each test sets the database up again,
     * Flyway's migrations and Boot's SQL scripts.
     */
    @SpringBootTest(classes = TestApplication.class, properties = {"spring.sql.init.mode=always",
            "spring.sql.init.schema-locations=classpath:shared-context/schema.sql",
            "spring.sql.init.data-locations=classpath:shared-context/data.sql"})
    @PostgresStandbyCluster(shared = true)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class RefreshingCase extends RecordingCase {
        @AfterEach
        void refresh() {
            cluster.refresh();
        }

        @Test
        @Order(1)
        void writesFirst() throws Exception {
            record();
            readTheGreeting();
        }

        @Test
        @Order(2)
        void writesAfterTheRefresh() throws Exception {
            record();
            readTheGreeting();
        }

        private void readTheGreeting() {
            GREETINGS.add(JdbcClient.create(dataSource).sql("SELECT text FROM greeting").query(String.class).single());
        }
    }
}
