package dev.hotstandby.reliability;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.engine.JvmOwner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A reliability figure, not a test: a JVM with a 3-node cluster up is killed with {@code kill -9},
 * over and over. Five seconds later nothing of it may be left: no server process, no data directory,
 * and, once the next cluster has started (which reaps what dead JVMs left), no container, network or
 * volume. Prints what was left per round and in all; exits 1 if anything was.
 *
 * <pre>
 * mvn -q -pl extension test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.hotstandby.reliability.KilledJvmLeftovers -Dexec.args=50 [-Dhotstandby.backend=containers ...]
 * </pre>
 */
public final class KilledJvmLeftovers {
    private static final String UP = "cluster up, owner ";

    private KilledJvmLeftovers() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int leftInAll = 0;
        for (int round = 1; round <= rounds; round++) {
            Leftovers left = round();
            leftInAll += left.total();
            System.out.printf("round %d: left after 5 s: %s%n", round, left);
        }
        System.out.printf("%d kill -9 rounds of a JVM with a 3-node cluster up: %d things left (must be 0)%n",
                rounds, leftInAll);
        System.exit(leftInAll == 0 ? 0 : 1);
    }

    /** {@code watched}: the child's processes seen before the kill (servers, watchdog), so a 0 means something. */
    private record Leftovers(long processes, long watched, long directories, long dockerObjects) {
        long total() {
            return processes + directories + dockerObjects;
        }

        @Override
        public String toString() {
            return processes + " of " + watched + " processes, " + directories + " directories, " + dockerObjects
                    + " containers/networks/volumes (after the next start)";
        }
    }

    private static Leftovers round() throws Exception {
        Process child = new ProcessBuilder(childCommand()).redirectErrorStream(true).start();
        child.getOutputStream().close();
        String owner = awaitUp(child);
        List<ProcessHandle> servers = child.descendants().toList();
        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
        TimeUnit.SECONDS.sleep(5);
        long processes = servers.stream().filter(ProcessHandle::isAlive).count();
        long directories = OwnerTraces.directories(owner);
        // the containers backend reaps at the next start; on local this start finds nothing to do
        try (PostgresCluster next = PostgresCluster.builder().standbys(0).describedAs("KilledJvmLeftovers").start()) {
            next.primary();
        }
        return new Leftovers(processes, servers.size(), directories, dockerObjects(owner));
    }

    private static String awaitUp(Process child) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith(UP)) {
                // keep draining, so the child never blocks on a full pipe before it is killed
                Thread drain = new Thread(() -> reader.lines().forEach(ignored -> { }), "child-output");
                drain.setDaemon(true);
                drain.start();
                return line.substring(UP.length()).trim();
            }
            seen.append(line).append('\n');
        }
        throw new IllegalStateException("the child JVM ended before its cluster was up:\n" + seen);
    }

    private static List<String> childCommand() {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("hotstandby."))
                .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
        command.addAll(List.of("-cp", Classpath.of(KilledJvmLeftovers.class), Child.class.getName()));
        return command;
    }

    private static long dockerObjects(String owner) throws IOException, InterruptedException {
        long found = 0;
        for (String kind : List.of("ps -aq", "network ls -q", "volume ls -q")) {
            List<String> command = new ArrayList<>(List.of("docker"));
            command.addAll(List.of(kind.split(" ")));
            command.addAll(List.of("--filter", "label=dev.hotstandby.owner=" + owner));
            Process docker;
            try {
                docker = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException noDocker) {
                return 0;
            }
            String out = new String(docker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (docker.waitFor() == 0) {
                found += out.lines().filter(line -> !line.isBlank()).count();
            }
        }
        return found;
    }

    /** The JVM that is killed: a primary and two standbys, then it waits to be killed. */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws InterruptedException {
            PostgresCluster cluster = PostgresCluster.builder().standbys(2).describedAs("KilledJvmLeftovers.Child").start();
            System.out.println(UP + JvmOwner.current() + " " + cluster.nodes());
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
        }
    }
}
