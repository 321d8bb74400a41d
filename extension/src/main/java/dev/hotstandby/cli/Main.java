package dev.hotstandby.cli;

import dev.hotstandby.ClusterConfigurationException;
import dev.hotstandby.ClusterOption;
import dev.hotstandby.ClusterOptions;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import dev.hotstandby.cli.CliOptions.UsageException;
import dev.hotstandby.cli.SeedVerification.VerificationFailure;
import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The main job: starts a primary with its hot standbys, prints how to connect to each node,
 * verifies replication with a seed, then stays up until Ctrl-C (or stops at once with --exit),
 * failing with status 1 when a node dies meanwhile.
 */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE_ERROR = 2;
    private static final long WATCH_INTERVAL_MILLIS = 1000;

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        int status = run(args, System.out, System.err);
        // exec:java runs us inside Maven's JVM: exiting on success would cut Maven short, so only fail loudly.
        if (status != OK) {
            System.exit(status);
        }
    }

    /** Runs the whole job and returns the process exit status: 0 passed, 1 failed, 2 bad command line. */
    private static final String OWNER = "hotstandby";

    public static int run(String[] args, PrintStream out, PrintStream err) {
        CliOptions options;
        ClusterSpec spec;
        try {
            options = CliOptions.parse(args);
            if (options.help()) {
                out.print(CliOptions.USAGE);
                return OK;
            }
            spec = options.applyTo(PostgresCluster.builder().describedAs(OWNER)).spec();
        } catch (UsageException | ClusterConfigurationException invalid) {
            err.println(prefixed(inCommandLineTerms(invalid.getMessage())));
            err.print(CliOptions.USAGE);
            return USAGE_ERROR;
        }

        out.println("hotstandby: starting PostgreSQL " + spec.major() + " with " + spec.standbys() + " standby(s)");
        PostgresCluster cluster;
        try {
            cluster = PostgresCluster.start(spec);
        } catch (ClusterConfigurationException unavailable) {
            err.println(prefixed(unavailable.getMessage()));
            return USAGE_ERROR;
        } catch (ClusterStartException notStarted) {
            err.println(prefixed(notStarted.getMessage()));
            return FAILED;
        }

        // Registered before the verification so that a Ctrl-C at any point still stops every node.
        CountDownLatch stopped = new CountDownLatch(1);
        Thread shutdownHook = new Thread(() -> {
            cluster.close();
            stopped.countDown();
        }, "hotstandby-cli-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            printConnectionDetails(cluster, out);
            boolean passed = verify(cluster, out, err);
            if (options.describe() || options.watch()) {
                out.print(cluster.describe());
            }
            if (!passed || options.exitAfterVerification()) {
                return passed ? OK : FAILED;
            }
            out.println("cluster is up; press Ctrl-C to stop");
            out.flush();
            return watchUntilStopped(cluster, stopped, options.watch() ? out : null, err);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return OK;
        } finally {
            cluster.close();
            removeIfNotShuttingDown(shutdownHook);
        }
    }

    /**
     * Until Ctrl-C: a node that dies ends the job with status 1, its data and logs kept; with
     * {@code table} (--watch), the cluster's table is printed there every check.
     */
    private static int watchUntilStopped(PostgresCluster cluster, CountDownLatch stopped, PrintStream table, PrintStream err)
            throws InterruptedException {
        NodeWatch watch = new NodeWatch(cluster);
        while (!stopped.await(WATCH_INTERVAL_MILLIS, TimeUnit.MILLISECONDS)) {
            if (table != null) {
                table.print("\n" + cluster.describe());
                table.flush();
            }
            Optional<String> death = watch.check();
            if (death.isPresent()) {
                cluster.keepEvidenceOnClose();
                err.println("hotstandby: the cluster is no longer up: " + death.get());
                err.flush();
                return FAILED;
            }
        }
        return OK;
    }

    private static void printConnectionDetails(PostgresCluster cluster, PrintStream out) {
        for (PostgresNode node : cluster.nodes()) {
            String label = node.name() + ":";
            out.printf("%-11s %s%n", label, node.jdbcUrl());
            out.printf("%-11s %s%n", "", psqlCommand(node));
        }
    }

    /** Generated passwords are URL-safe base64 and given ones refuse spaces, quotes and backslashes: no quoting needed. */
    static String psqlCommand(PostgresNode node) {
        return "psql \"host=" + node.host() + " port=" + node.port() + " user=" + node.username()
                + " password=" + node.password() + " dbname=" + node.database() + "\"";
    }

    private static boolean verify(PostgresCluster cluster, PrintStream out, PrintStream err) {
        try {
            new SeedVerification(cluster, out).run();
            out.println("verification passed");
            return true;
        } catch (VerificationFailure failure) {
            // Keep data directories and logs: a cluster that does not replicate is worth a look.
            cluster.keepEvidenceOnClose();
            err.println("verification FAILED: " + failure.getMessage());
            return false;
        }
    }

    private static void removeIfNotShuttingDown(Thread shutdownHook) {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownInProgress) {
            // The hook is running or has run; the cluster is closed either way.
        }
    }

    /** The spec names its attributes (settings, initScripts, ...); on the command line they are flags. */
    static String inCommandLineTerms(String message) {
        String rest = message.startsWith(OWNER + ": ") ? message.substring(OWNER.length() + 2) : message;
        for (ClusterOption option : ClusterOptions.ALL) {
            String name = option.name();
            if (option.onCommandLine() && (rest.startsWith(name + " ") || rest.startsWith(name + ":"))) {
                return OWNER + ": " + option.flag() + rest.substring(name.length());
            }
        }
        return message;
    }

    private static String prefixed(String message) {
        return message.startsWith("hotstandby") ? message : "hotstandby: " + message;
    }
}
