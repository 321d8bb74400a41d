package dev.hotstandby.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * rejoin() rewinds the former primary with pg_rewind when the binaries have it: an installed
 * PostgreSQL, chosen with hotstandby.pgHome. The embedded binaries lack it, so without an
 * installation these tests skip (conformance.RejoinTwiceTest covers the re-seed that takes its place).
 */
class RewindTest {
    private final String pgHome = System.getProperty(BinariesResolver.PG_HOME_PROPERTY);
    private Path installation;
    private int major;

    @BeforeEach
    void useAnInstalledPostgresWithPgRewind() throws IOException {
        assumeTrue(System.getProperty(ClusterSpec.BACKEND_PROPERTY, "local").trim().equalsIgnoreCase("local"),
                "the local backend only");
        installation = pgHome != null && !pgHome.isBlank() ? Path.of(pgHome) : newestInstalledWithPgRewind().orElse(null);
        Path bin = installation == null ? null
                : Files.isDirectory(installation.resolve("bin")) ? installation.resolve("bin") : installation;
        assumeTrue(bin != null && Files.isExecutable(bin.resolve("pg_rewind")),
                "no installed PostgreSQL with pg_rewind (/usr/lib/postgresql/<major>/bin/pg_rewind)");
        Matcher version = Pattern.compile("\\(PostgreSQL\\) (\\d+)")
                .matcher(Commands.run(List.of(bin.resolve("postgres").toString(), "--version")).output());
        assumeTrue(version.find(), "cannot tell the major of " + bin);
        major = Integer.parseInt(version.group(1));
        String asked = System.getProperty(ClusterSpec.VERSION_PROPERTY, "").trim();
        assumeTrue(asked.isEmpty() || asked.equals(String.valueOf(major)), "hotstandby.version asks for another major");
        System.setProperty(BinariesResolver.PG_HOME_PROPERTY, installation.toString());
    }

    @AfterEach
    void restorePgHome() {
        if (pgHome == null) {
            System.clearProperty(BinariesResolver.PG_HOME_PROPERTY);
        } else {
            System.setProperty(BinariesResolver.PG_HOME_PROPERTY, pgHome);
        }
    }

    @Test
    void killedFormerPrimaryIsRewoundAndLosesWhatTheNewPrimaryNeverSaw() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().version(String.valueOf(major)).standbys(1).start()) {
            PostgresNode formerPrimary = cluster.primary();
            PostgresNode standby = cluster.standby(0);
            execute(formerPrimary, "CREATE TABLE t (val int)", "INSERT INTO t VALUES (1)");
            cluster.awaitReplication();
            // the timelines fork: a commit only the former primary has, which the rewind must undo
            cluster.stop(standby);
            execute(formerPrimary, "INSERT INTO t VALUES (99)");
            cluster.kill(formerPrimary);
            cluster.start(standby);
            PostgresNode promoted = cluster.promote(standby);
            execute(promoted, "INSERT INTO t VALUES (2)");

            cluster.rejoin(formerPrimary);

            assertRewoundStandbyOf(cluster, formerPrimary, promoted);
        }
    }

    @Test
    void cleanlyStoppedFormerPrimaryIsRewoundAndStreamsThroughASlot() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().version(String.valueOf(major)).standbys(1)
                .replicationSlots(true).start()) {
            PostgresNode formerPrimary = cluster.primary();
            PostgresNode promoted = stopPromoteAndRejoin(cluster);

            assertRewoundStandbyOf(cluster, formerPrimary, promoted);
            // the slot it kept for standby-0 as a primary is gone; its own slot on the new primary is used
            assertThat(single(formerPrimary, "SELECT count(*) FROM pg_replication_slots")).isEqualTo("0");
            assertThat(single(promoted, "SELECT slot_name || ':' || active FROM pg_replication_slots"))
                    .isEqualTo("primary:true");
        }
    }

    @Test
    void withArchivingTheRewindRestoresTheWalItNeedsFromTheArchive() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().version(String.valueOf(major)).standbys(1)
                .archiving(true).start()) {
            PostgresNode formerPrimary = cluster.primary();
            PostgresNode promoted = stopPromoteAndRejoin(cluster);

            assertRewoundStandbyOf(cluster, formerPrimary, promoted);
            assertThat(String.join("\n", formerPrimary.logTail(200))).as("13+: its restore_command serves pg_rewind")
                    .contains(major >= 13 ? "--restore-target-wal) rewound it" : ") rewound it");
        }
    }

    /** A row on both, the primary stopped cleanly, standby-0 promoted and written to, the former primary rejoined. */
    private static PostgresNode stopPromoteAndRejoin(PostgresCluster cluster) throws Exception {
        PostgresNode formerPrimary = cluster.primary();
        execute(formerPrimary, "CREATE TABLE t (val int)", "INSERT INTO t VALUES (1)");
        cluster.awaitReplication();
        cluster.stop(formerPrimary);
        PostgresNode promoted = cluster.promote(cluster.standby(0));
        execute(promoted, "INSERT INTO t VALUES (2)");
        cluster.rejoin(formerPrimary);
        return promoted;
    }

    private static void assertRewoundStandbyOf(PostgresCluster cluster, PostgresNode rejoined, PostgresNode primary)
            throws Exception {
        assertThat(rejoined.isStandby()).isTrue();
        assertThat(single(rejoined, "SELECT pg_read_file('backup_label.old')")).contains("BACKUP METHOD: pg_rewind");
        assertThat(String.join("\n", rejoined.logTail(200))).containsPattern("hotstandby: pg_rewind of primary from "
                + primary.name() + " \\(--target-pgdata=\\S+ --source-server=.*\\) rewound it");
        execute(primary, "INSERT INTO t VALUES (3)");
        cluster.awaitReplication();
        assertThat(single(rejoined, "SELECT string_agg(val::text, ',' ORDER BY val) FROM t")).isEqualTo("1,2,3");
        assertThat(single(rejoined, "SELECT pg_is_in_recovery()")).isEqualTo("t");
        assertThat(single(rejoined, "SELECT current_setting('port')")).isEqualTo(String.valueOf(rejoined.port()));
        assertThat(single(primary, "SELECT application_name || ':' || state FROM pg_stat_replication"))
                .isEqualTo("primary:streaming");
    }

    /** The newest /usr/lib/postgresql/<major> whose bin holds pg_rewind (Debian and Ubuntu packages). */
    private static Optional<Path> newestInstalledWithPgRewind() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> majors = Files.list(root)) {
            return majors.filter(home -> home.getFileName().toString().matches("1[3-8]"))
                    .filter(home -> Files.isExecutable(home.resolve("bin/pg_rewind")))
                    .max(Comparator.comparingInt(home -> Integer.parseInt(home.getFileName().toString())));
        }
    }

    private static void execute(PostgresNode node, String... statements) throws Exception {
        try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static String single(PostgresNode node, String sql) throws Exception {
        try (Connection connection = node.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }
}
