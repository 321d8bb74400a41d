package dev.hotstandby.reliability;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.engine.JvmOwner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reliability figure, not a test: two JVMs side by side, as two Maven forks would be, each with two
 * threads, as parallel classes would be, start and close clusters (primary + 1 standby) back to back.
 * Counts failed starts, port collisions (a server that could not bind its reserved port, retried by
 * the backend and said on stderr) and, once both are done, what is left. Exits 1 on any of them.
 *
 * <pre>
 * mvn -q -pl extension test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.hotstandby.reliability.ConcurrentForks -Dexec.args=100
 * </pre>
 */
public final class ConcurrentForks {
    private static final String RESULT = "fork result: ";

    private ConcurrentForks() {
    }

    public static void main(String[] args) throws Exception {
        int perFork = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        List<Process> forks = new ArrayList<>();
        for (int fork = 0; fork < 2; fork++) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC", "-cp", Classpath.of(ConcurrentForks.class), Fork.class.getName(), String.valueOf(perFork)));
            forks.add(new ProcessBuilder(command).redirectErrorStream(true).start());
        }
        List<String> results = new ArrayList<>();
        int failed = 0;
        int collisions = 0;
        long leftServers = 0;
        long leftDirectories = 0;
        for (Process fork : forks) {
            String output = new String(fork.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            fork.waitFor(30, TimeUnit.MINUTES);
            collisions += (int) output.lines().filter(line -> line.contains("could not bind")).count();
            String result = output.lines().filter(line -> line.startsWith(RESULT)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("a fork ended without its result:\n" + output));
            results.add(result);
            output.lines().filter(line -> line.contains("did not start")).limit(3).forEach(System.out::println);
        }
        // as after a kill: each JVM's watchdog removes its directory once the JVM is gone
        TimeUnit.SECONDS.sleep(5);
        for (String result : results) {
            String[] parts = result.substring(RESULT.length()).trim().split(" ");
            failed += Integer.parseInt(parts[0]);
            leftServers += OwnerTraces.servers(parts[1]);
            leftDirectories += OwnerTraces.directories(parts[1]);
        }
        System.out.printf("2 forks x 2 threads, %d clusters per fork: %d failed starts, %d port collisions,"
                + " %d servers and %d directories left (must all be 0)%n", perFork, failed, collisions, leftServers,
                leftDirectories);
        System.exit(failed == 0 && collisions == 0 && leftServers == 0 && leftDirectories == 0 ? 0 : 1);
    }

    /** One fork: two threads, {@code count} clusters between them. */
    public static final class Fork {
        private Fork() {
        }

        public static void main(String[] args) throws Exception {
            int count = Integer.parseInt(args[0]);
            AtomicInteger failed = new AtomicInteger();
            ExecutorService threads = Executors.newFixedThreadPool(2);
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                runs.add(threads.submit(() -> {
                    try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).describedAs("ConcurrentForks").start();
                         Connection standby = cluster.standby(0).dataSource().getConnection();
                         Statement statement = standby.createStatement();
                         ResultSet recovery = statement.executeQuery("SELECT pg_is_in_recovery()")) {
                        recovery.next();
                        if (!recovery.getBoolean(1)) {
                            throw new IllegalStateException("standby-0 is not in recovery");
                        }
                    } catch (Exception | Error failure) {
                        failed.incrementAndGet();
                        System.out.println(failure.getMessage().lines().findFirst().orElse(""));
                    }
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
            threads.shutdown();
            System.out.println(RESULT + failed.get() + " " + JvmOwner.current());
        }
    }
}
