package dev.hotstandby.reliability;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.engine.JvmOwner;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
            Leftovers left = round(false);
            leftInAll += left.total();
            System.out.printf("round %d: left after 5 s: %s%n", round, left);
        }
        System.out.printf("%d kill -9 rounds of a JVM with a 3-node cluster up: %d things left (must be 0)%n",
                rounds, leftInAll);
        System.exit(leftInAll == 0 ? 0 : 1);
    }

    /** {@code watched}: the child's processes seen before the kill (servers, watchdog), so a 0 means something. */
    record Leftovers(long processes, long watched, long directories, long dockerObjects) {
        long total() {
            return processes + directories + dockerObjects;
        }

        @Override
        public String toString() {
            return processes + " of " + watched + " processes, " + directories + " directories, " + dockerObjects
                    + " containers/networks/volumes (after the next start)";
        }
    }

    /** One kill: of a JVM holding its own cluster, or, {@code shared}, a shared one (without reuse it lives with the JVM too). */
    static Leftovers round(boolean shared) throws Exception {
        Process child = ChildJvm.start(List.of("-Dhotstandby.reuse=false"), Child.class, String.valueOf(shared));
        List<String> output = ChildJvm.readUntil(child, UP);
        String owner = output.get(output.size() - 1).substring(UP.length()).trim().split(" ")[0];
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
        return new Leftovers(processes, servers.size(), directories, DockerTraces.labelled("dev.hotstandby.owner=" + owner));
    }

    /** The JVM that is killed: a primary and two standbys (shared when {@code args[0]} says so), then it waits to be killed. */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws InterruptedException {
            PostgresCluster cluster = PostgresCluster.builder().standbys(2).shared(Boolean.parseBoolean(args[0]))
                    .describedAs("KilledJvmLeftovers.Child").start();
            System.out.println(UP + JvmOwner.current() + " " + cluster.nodes());
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
        }
    }
}
