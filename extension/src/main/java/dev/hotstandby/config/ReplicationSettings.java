package dev.hotstandby.config;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.PostgresMajor;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines a cluster's replication options add to a node's node.conf, the same for every backend:
 * synchronous standbys on the primary; the standby settings include and the replication slot on a
 * standby; WAL archiving on every node. Each line says why, like the rest of node.conf. Backends add
 * only what differs between them: the node's identity and where the archive is.
 */
public final class ReplicationSettings {
    private final ClusterSpec spec;
    /** The cluster's WAL archive as the servers see it; used only with archiving = true. */
    private final String archive;
    /** What stores a finished segment ({@code %p}, {@code %f}) into the archive. */
    private final String archiveCommand;

    /** One archive every node can write to directly (a shared directory or volume). */
    public ReplicationSettings(ClusterSpec spec, String archive) {
        this(spec, archive, "test ! -f " + archive + "/%f && cp %p " + archive + "/%f");
    }

    /** Each node restores from {@code archive}; {@code archiveCommand} fills it (and others, e.g. over rsync). */
    public ReplicationSettings(ClusterSpec spec, String archive, String archiveCommand) {
        this.spec = spec;
        this.archive = archive;
        this.archiveCommand = archiveCommand;
    }

    /**
     * The primary's lines. {@code directStandbys} names the standbys streaming from it (not those of a
     * cascade): only they can confirm its commits.
     */
    public List<String> forPrimary(List<String> directStandbys) {
        List<String> lines = new ArrayList<>(synchronousStandbys(directStandbys));
        lines.addAll(archiving());
        lines.addAll(logical());
        if (spec.replication().failoverSlots(spec.major())) {
            // sorted, so the setting does not depend on the order a backend keeps its nodes in
            String slots = String.join(", ", directStandbys.stream().sorted().map(ReplicationSettings::slotName).toList());
            lines.add(line("synchronized_standby_slots", quote(slots), "logical = true: a failover slot's consumer gets"
                    + " no change before these standbys' physical slots have confirmed it, so a promoted standby never"
                    + " lags behind what a consumer acknowledged"));
        }
        return lines;
    }

    /** A standby's lines; it is named {@code name}. */
    public List<String> forStandby(String name) {
        return forStandby(name, true);
    }

    /**
     * A standby's lines. {@code syncSlots}: with failover slots, whether the slot sync worker runs yet;
     * it needs the standby's physical slot on the primary from its first attempt (one that finds none
     * is retried only 10 s later), so the engine turns it on once the slots exist.
     */
    public List<String> forStandby(String name, boolean syncSlots) {
        List<String> lines = new ArrayList<>(standbyIdentity(name));
        lines.addAll(archiving());
        lines.addAll(logical());
        if (spec.replication().failoverSlots(spec.major())) {
            lines.add(line("sync_replication_slots", syncSlots ? "on" : "off", "logical = true: the slot sync worker"
                    + " copies the primary's failover slots here, so they survive a promotion"
                    + (syncSlots ? "" : " (on once this standby's slot exists on the primary)")));
            lines.add(line("hot_standby_feedback", "on", "logical = true: slot sync needs it, so the primary keeps the"
                    + " catalog rows a synced slot still decodes with"));
        }
        return lines;
    }

    /**
     * The dbname the standbys' primary_conninfo carries with failover slots (the slot sync worker connects
     * to a database; which one does not matter, every database's slots are synced); empty otherwise.
     */
    public static String conninfoDbname(ClusterSpec spec) {
        return spec.replication().failoverSlots(spec.major()) ? " dbname=postgres" : "";
    }

    /** What makes a node a standby: its standby settings and its slot (none on 11 and older, where recovery.conf does it). */
    public List<String> standbyIdentity(String name) {
        List<String> lines = new ArrayList<>();
        // on 11 and older recovery.conf makes a standby, and the server reads it by itself
        if (!PostgresMajor.usesRecoveryConf(spec.major())) {
            lines.add(line("include", quote(ConfigFiles.STANDBY_CONF), "what makes this node a standby"));
            if (spec.replication().physicalSlots(spec.major())) {
                lines.add(line("primary_slot_name", quote(slotName(name)),
                        "replicationSlots = true: the upstream keeps the WAL this standby still needs"));
            }
        }
        return lines;
    }

    /** The physical replication slot a standby streams through: slot names allow no '-'. */
    public static String slotName(String standbyName) {
        return standbyName.replace('-', '_');
    }

    /**
     * With synchronous = true, the standbys streaming from the primary confirm each commit (all of
     * them unless a quorum says otherwise), as far as the commit level says.
     */
    private List<String> synchronousStandbys(List<String> directStandbys) {
        if (!spec.synchronous() || directStandbys.isEmpty()) {
            return List.of();
        }
        // sorted, so the setting does not depend on the order a backend keeps its nodes in
        List<String> names = directStandbys.stream().sorted().toList();
        return List.of(
                line("synchronous_standby_names", quote(spec.replication().quorum().synchronousStandbyNames(names)),
                        "synchronous = true: standbys confirm each commit"),
                line("synchronous_commit", spec.replication().commitLevel().setting(),
                        "how far they take it before the commit returns"));
    }

    /** logical = true: every node, a standby decodes (16+) and is ready to be promoted. */
    private List<String> logical() {
        if (!spec.replication().logical()) {
            return List.of();
        }
        return List.of(line("wal_level", "logical", "logical = true: WAL carries what logical decoding needs"));
    }

    /** Every node gets them: a standby restores from the archive now, and archives once promoted. */
    private List<String> archiving() {
        if (!spec.replication().archiving()) {
            return List.of();
        }
        return List.of(
                line("archive_mode", "on", "archiving = true (a standby archives once promoted)"),
                line("archive_command", quote(archiveCommand), "into the cluster's archive, never overwriting a segment"),
                line("restore_command", quote("cp " + archive + "/%f %p"),
                        "a standby takes from the archive what streaming cannot give it"));
    }

    /** A setting as node.conf writes it, with why; backends use it for their own lines too. */
    public static String line(String key, String value, String why) {
        return key + " = " + value + "\t# " + why;
    }

    /** A string value in postgresql.conf's quoting. */
    public static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
