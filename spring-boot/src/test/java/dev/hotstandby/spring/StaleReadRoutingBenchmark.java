package dev.hotstandby.spring;

import dev.hotstandby.PostgresCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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
 * in four contexts on one cluster (primary + 1 standby, local backend): Boot's DataSource on the
 * primary without the module; with the module's beans, routing off; Spring's lazy proxy alone, both of
 * its sides the primary's pool (what the proxy costs, without another server); with routing on
 * (read-only transactions on standby-0, replica lag 200 ms). They take turns in slices of 1,000
 * transactions; 1,000 transactions of each are a warm-up. The standby runs with {@code hot_standby_feedback = on}. Prints the median per transaction, of all and of each kind, and its ratio to the plain pool.
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
            Map<String, ConfigurableApplicationContext> contexts = new LinkedHashMap<>();
            contexts.put("without the module", context(cluster, "plain", registry -> { }));
            contexts.put("module, routing off", context(cluster, "off",
                    registry -> register(registry, cluster, new String[] {})));
            contexts.put("Spring's lazy proxy alone, both sides the primary", context(cluster, "proxy",
                    StaleReadRoutingBenchmark::lazyProxyOnThePrimary));
            contexts.put("module, routing on (standby0, 200 ms lag)", context(cluster, "on", registry -> register(registry,
                    cluster, new String[] {StaleReadMode.ROUTING + "=standby0", StaleReadMode.LAG + "=200ms"})));
            try {
                Map<String, List<Long>> times = new LinkedHashMap<>();
                contexts.forEach((name, context) -> {
                    run(context, WARM_UP);
                    times.put(name, new ArrayList<>());
                });
                // in slices of 1,000, the variants taking turns, so that a busy moment of the machine hits all three
                for (int slice = 0; slice < rounds * TRANSACTIONS / SLICE; slice++) {
                    contexts.forEach((name, context) -> times.get(name).addAll(run(context, SLICE)));
                }
                report(times, rounds);
            } finally {
                contexts.values().forEach(ConfigurableApplicationContext::close);
                cluster.applyDelay(cluster.standby(0), Duration.ZERO);
            }
        }
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
        registry.registerBeanDefinition("lazyProxyOnThePrimary", new RootBeanDefinition(BeanPostProcessor.class,
                () -> new BeanPostProcessor() {
                    @Override
                    public Object postProcessAfterInitialization(Object bean, String beanName) {
                        if (!"dataSource".equals(beanName) || !(bean instanceof DataSource pool)) {
                            return bean;
                        }
                        LazyConnectionDataSourceProxy proxy = new LazyConnectionDataSourceProxy(pool);
                        proxy.setReadOnlyDataSource(pool);
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

    private static void report(Map<String, List<Long>> times, int rounds) {
        double plain = median(times.values().iterator().next());
        System.out.printf("%,d transactions per variant and round (every other one read-only), %d rounds, median per transaction:%n",
                TRANSACTIONS, rounds);
        List<Long> plainTimes = times.values().iterator().next();
        times.forEach((name, nanos) -> System.out.printf("  %-43s %6.1f us (ratio %.3f); read-only %6.1f us (%.3f),"
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
