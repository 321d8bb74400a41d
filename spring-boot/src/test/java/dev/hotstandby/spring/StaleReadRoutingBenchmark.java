package dev.hotstandby.spring;

import com.zaxxer.hikari.HikariDataSource;
import dev.hotstandby.PostgresCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the stale-read mode's routing costs a transaction: 10,000 transactions per round (every other
 * one read-only, a primary-key read; the others an update) through Boot's auto-configured DataSource,
 * on one cluster (primary + 1 standby, local backend, {@code hot_standby_feedback = on}). First routing
 * itself, four contexts taking turns: Boot's DataSource on the primary without the module; with the
 * module's beans, routing off; Spring's lazy proxy alone, both of its sides the primary's pool (the
 * proxy's own cost); the same proxy as a team wires it by hand, its read-only side a pool on standby-0
 * (what a second server costs, the peer of routing); routing on, read-only transactions on standby-0. Then, on their own, since the
 * lag is the standby's and every context would meet it: the plain pool against routing on with a
 * 200 ms replica lag. Slices of 1,000 transactions in turns (the order rotating), after 1,000 of each as a warm-up; prints
 * the median per transaction, of all and of each kind, and its ratio to the plain pool of that part.
 * The module's beans are registered as its context customizer registers them in a test.
 * Arguments: the number of rounds (default 5).
 */
public final class StaleReadRoutingBenchmark {
    private static final int TRANSACTIONS = 10_000;
    private static final int WARM_UP = 1_000;
    private static final int SLICE = 1_000;

    private StaleReadRoutingBenchmark() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        // without feedback, replaying the updates' page pruning ends the standby's read sessions (recovery conflicts)
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).standbySetting("hot_standby_feedback", "on").start()) {
            Map<String, ConfigurableApplicationContext> routing = new LinkedHashMap<>();
            routing.put("without the module", context(cluster, "plain", registry -> { }));
            routing.put("module, routing off", context(cluster, "off", registry -> register(registry, cluster, new String[] {})));
            routing.put("Spring's lazy proxy alone, both sides the primary", context(cluster, "proxy",
                    StaleReadRoutingBenchmark::lazyProxyOnThePrimary));
            routing.put("by hand: lazy proxy, read-only side a standby-0 pool", context(cluster, "by-hand",
                    registry -> lazyProxyWithAStandbyPool(registry, cluster)));
            routing.put("module, routing on (standby0, no lag)", context(cluster, "on",
                    registry -> register(registry, cluster, new String[] {StaleReadMode.ROUTING + "=standby0"})));
            report("what routing costs", measure(routing, rounds), rounds);

            // the lag is the standby's: every context of the cluster meets it, so it is measured last, on its own
            Map<String, ConfigurableApplicationContext> lagging = new LinkedHashMap<>();
            lagging.put("without the module", routing.remove("without the module"));
            lagging.put("module, routing on (standby0, 200 ms lag)", context(cluster, "lagging", registry -> register(registry,
                    cluster, new String[] {StaleReadMode.ROUTING + "=standby0", StaleReadMode.LAG + "=200ms"})));
            try {
                report("with a 200 ms replica lag",
                        measure(lagging, rounds), rounds);
            } finally {
                routing.values().forEach(ConfigurableApplicationContext::close);
                lagging.values().forEach(ConfigurableApplicationContext::close);
                cluster.applyDelay(cluster.standby(0), Duration.ZERO);
            }
        }
    }

    /**
     * Each context's times per transaction: a warm-up each, then slices of 1,000 in turns, so a busy
     * moment hits all, each slice starting one context further on, so no context always follows the same one.
     */
    private static Map<String, List<Long>> measure(Map<String, ConfigurableApplicationContext> contexts, int rounds) {
        Map<String, List<Long>> times = new LinkedHashMap<>();
        contexts.forEach((name, context) -> {
            run(context, WARM_UP);
            times.put(name, new ArrayList<>());
        });
        List<String> names = new ArrayList<>(contexts.keySet());
        for (int slice = 0; slice < rounds * TRANSACTIONS / SLICE; slice++) {
            for (int turn = 0; turn < names.size(); turn++) {
                String name = names.get((slice + turn) % names.size());
                times.get(name).addAll(run(contexts.get(name), SLICE));
            }
        }
        return times;
    }

    private static ConfigurableApplicationContext context(PostgresCluster cluster, String name,
                                                          Consumer<BeanDefinitionRegistry> module) {
        // arguments, since they outrank the test resources' application.properties
        return new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
                .initializers(context -> module.accept((BeanDefinitionRegistry) context))
                .run("--spring.datasource.url=" + cluster.primary().jdbcUrl(),
                        "--spring.datasource.username=" + cluster.primary().username(),
                        "--spring.datasource.password=" + cluster.primary().password(),
                        "--spring.datasource.hikari.maximum-pool-size=4", "--spring.datasource.hikari.pool-name=" + name,
                        "--spring.main.banner-mode=off", "--logging.level.root=warn");
    }

    /** Spring's LazyConnectionDataSourceProxy around Boot's pool, read-only DataSource the same pool: its own cost. */
    private static void lazyProxyOnThePrimary(BeanDefinitionRegistry registry) {
        lazyProxy(registry, pool -> pool);
    }

    /**
     * Read-replica routing as a team wires it by hand: Spring's lazy proxy around Boot's pool, its
     * read-only side a HikariCP pool of the same size on standby-0. What a second server costs here.
     */
    private static void lazyProxyWithAStandbyPool(BeanDefinitionRegistry registry, PostgresCluster cluster) {
        lazyProxy(registry, pool -> {
            HikariDataSource standby = new HikariDataSource();
            standby.setJdbcUrl(cluster.standby(0).jdbcUrl());
            standby.setUsername(cluster.standby(0).username());
            standby.setPassword(cluster.standby(0).password());
            standby.setMaximumPoolSize(4);
            standby.setPoolName("by-hand-standby");
            return standby;
        });
    }

    private static void lazyProxy(BeanDefinitionRegistry registry, UnaryOperator<DataSource> readOnlySide) {
        registry.registerBeanDefinition("lazyProxy", new RootBeanDefinition(BeanPostProcessor.class,
                () -> new BeanPostProcessor() {
                    @Override
                    public Object postProcessAfterInitialization(Object bean, String beanName) {
                        if (!"dataSource".equals(beanName) || !(bean instanceof DataSource pool)) {
                            return bean;
                        }
                        LazyConnectionDataSourceProxy proxy = new LazyConnectionDataSourceProxy(pool);
                        proxy.setReadOnlyDataSource(readOnlySide.apply(pool));
                        return proxy;
                    }
                }));
    }

    /** What the module's context customizer does to a test's context, with the mode's properties given. */
    private static void register(BeanDefinitionRegistry registry, PostgresCluster cluster, String[] modeProperties) {
        MockEnvironment environment = new MockEnvironment();
        Arrays.stream(modeProperties).map(property -> property.split("=", 2))
                .forEach(pair -> environment.setProperty(pair[0], pair[1]));
        StaleReadMode mode = StaleReadMode.of(environment, "benchmark");
        mode.requireFits(cluster, "benchmark");
        mode.applyLag(cluster);
        ClusterBeans.register(registry, StaleReadRoutingBenchmark.class.getClassLoader(), cluster,
                PrimaryDataSourceMode.PRIMARY, mode);
    }

    /** Nanoseconds per transaction, alternating a read-only read and a read-write update. */
    private static List<Long> run(ConfigurableApplicationContext context, int transactions) {
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        PlatformTransactionManager manager = context.getBean(PlatformTransactionManager.class);
        TransactionTemplate readWrite = new TransactionTemplate(manager);
        TransactionTemplate readOnly = new TransactionTemplate(manager);
        readOnly.setReadOnly(true);
        long id = jdbc.sql("INSERT INTO customer (name) VALUES ('benchmark') RETURNING id").query(Long.class).single();
        List<Long> times = new ArrayList<>(transactions);
        for (int index = 0; index < transactions; index++) {
            long started = System.nanoTime();
            if (index % 2 == 0) {
                readOnly.execute(status -> jdbc.sql("SELECT name FROM customer WHERE id = ?").param(id).query(String.class).list());
            } else {
                readWrite.execute(status -> jdbc.sql("UPDATE customer SET last_visit = now() WHERE id = ?").param(id).update());
            }
            times.add(System.nanoTime() - started);
        }
        return times;
    }

    private static void report(String title, Map<String, List<Long>> times, int rounds) {
        double plain = median(times.values().iterator().next());
        System.out.printf("%s: %,d transactions per variant and round (every other one read-only), %d rounds, median per"
                + " transaction:%n", title, TRANSACTIONS, rounds);
        List<Long> plainTimes = times.values().iterator().next();
        times.forEach((name, nanos) -> System.out.printf("  %-50s %6.1f us (ratio %.3f); read-only %6.1f us (%.3f),"
                        + " read-write %6.1f us (%.3f)%n", name, median(nanos) / 1000.0, median(nanos) / plain,
                median(every(nanos, 0)) / 1000.0, median(every(nanos, 0)) / median(every(plainTimes, 0)),
                median(every(nanos, 1)) / 1000.0, median(every(nanos, 1)) / median(every(plainTimes, 1))));
    }

    /** The read-only (0) or read-write (1) ones: they alternate, and every run has an even count. */
    private static List<Long> every(List<Long> nanos, int parity) {
        List<Long> kind = new ArrayList<>();
        for (int index = parity; index < nanos.size(); index += 2) {
            kind.add(nanos.get(index));
        }
        return kind;
    }

    private static double median(List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }
}
