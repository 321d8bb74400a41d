package dev.hotstandby.backend.machines;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The machines of this JVM's closed Vagrant clusters, kept up for its next ones: {@code vagrant up}
 * is most of a Vagrant cluster's start (16 s of CPU per machine here, on the docker provider), while
 * the cluster's own teardown already leaves machines as an existing host is left (servers stopped,
 * rules, keys and run directories removed). A cluster of any configuration that needs no more
 * machines, of the same Vagrantfile, provider and image, takes them; the next run's servers are made
 * afresh by {@link MachineCluster} as on any host.
 *
 * <p>At most {@link #MOST} sets wait (as many as a suite's classes usually run side by side), each
 * for at most {@link #IDLE}: each holds one of the eight private networks, which other JVMs' clusters
 * may be waiting for. A set goes at the end of the JVM, or when a cluster fits none of them and needs
 * a network; a JVM killed meanwhile leaves them to {@link StaleVagrantRuns}, as it would an open
 * cluster's.
 *
 * <p>Off unless {@value #PROPERTY}{@code =true}: a parked set holds a private network for up to
 * {@link #IDLE}, which another JVM's cluster may be waiting for. (A start failure seen once with it on
 * was a start race of base backups, fixed by the start slots of {@code Slots}.)
 */
final class IdleVagrantMachines {
    static final String PROPERTY = "hotstandby.vagrant.keepMachines";
    static final Duration IDLE = Duration.ofSeconds(30);

    private static final ScheduledExecutorService EXPIRY = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "hotstandby-idle-vagrant-machines");
        thread.setDaemon(true);
        return thread;
    });
    private static final int MOST = 2;
    /** Oldest first. */
    private static final List<Parked> PARKED = new ArrayList<>();
    private static boolean jvmEnding;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(IdleVagrantMachines::destroyAtJvmEnd, "hotstandby-idle-vagrant-machines-end"));
    }

    private record Parked(String key, VagrantMachines machines) {
    }

    private IdleVagrantMachines() {
    }

    static boolean enabled(Properties properties) {
        return "true".equalsIgnoreCase(properties.getProperty(PROPERTY, "false").trim());
    }

    /**
     * The fewest waiting machines of {@code key} that are at least {@code count}; otherwise empty,
     * having destroyed the oldest waiting set (its network is what the caller's {@code vagrant up} may need).
     */
    static Optional<VagrantMachines> take(String key, int count) {
        Parked unfit;
        synchronized (IdleVagrantMachines.class) {
            Optional<Parked> fit = PARKED.stream().filter(p -> p.key().equals(key) && p.machines().made() >= count)
                    .min(Comparator.comparingInt(p -> p.machines().made()));
            if (fit.isPresent()) {
                PARKED.remove(fit.get());
                return Optional.of(fit.get().machines());
            }
            unfit = PARKED.isEmpty() ? null : PARKED.remove(0);
        }
        if (unfit != null) {
            unfit.machines().destroy();
        }
        return Optional.empty();
    }

    /**
     * Keeps the machines of a closed cluster for the next; false (nothing kept) at the end of the JVM.
     * Beyond {@link #MOST}, the set of fewest machines goes (the oldest of those): more fit more clusters.
     */
    static boolean park(String key, VagrantMachines machines) {
        Parked waiting = new Parked(key, machines);
        Parked surplus = null;
        synchronized (IdleVagrantMachines.class) {
            if (jvmEnding) {
                return false;
            }
            PARKED.add(waiting);
            if (PARKED.size() > MOST) {
                surplus = PARKED.stream().min(Comparator.comparingInt(p -> p.machines().made())).orElseThrow();
                PARKED.remove(surplus);
            }
        }
        if (surplus != waiting) {
            EXPIRY.schedule(() -> expire(waiting), IDLE.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (surplus != null) {
            surplus.machines().destroy();
        }
        return true;
    }

    private static void expire(Parked waiting) {
        synchronized (IdleVagrantMachines.class) {
            if (!PARKED.remove(waiting)) {
                return;   // taken meanwhile, or gone as a surplus
            }
        }
        waiting.machines().destroy();
    }

    private static void destroyAtJvmEnd() {
        List<Parked> last;
        synchronized (IdleVagrantMachines.class) {
            jvmEnding = true;
            last = new ArrayList<>(PARKED);
            PARKED.clear();
        }
        last.forEach(parked -> parked.machines().destroy());
    }
}
