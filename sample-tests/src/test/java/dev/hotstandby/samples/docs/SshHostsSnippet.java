package dev.hotstandby.samples.docs;

import dev.hotstandby.Backend;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.ReplicatedRow;
import dev.hotstandby.SshHosts;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * docs/backends.md, "Existing hosts": an SSH cluster named in code. Compiled only, so that the docs
 * cannot drift from code that compiles (DocsShowCompiledCodeTest compares them); not run, since the
 * hosts it names do not exist (the extension's SshBackendTest runs this backend against sshd
 * containers of its own).
 */
final class SshHostsSnippet {

    private SshHostsSnippet() {
    }

    static void existingHosts() throws SQLException {
        // tag::ssh-hosts[]
        SshHosts hosts = SshHosts.of("deploy", Path.of("/home/me/.ssh/id_ed25519"), Path.of("/home/me/.ssh/known_hosts"),
                SshHosts.Host.of("db1.example.com", "10.0.0.10"),        // the primary
                SshHosts.Host.of("db2.example.com:2222", "10.0.0.11"));  // standby-0
        try (PostgresCluster cluster = PostgresCluster.builder().backend(Backend.SSH).hosts(hosts)
                .standbys(1).version("15").start()) {
            try (Connection connection = cluster.primary().dataSource().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE tab (val int)");
                statement.execute("INSERT INTO tab VALUES (42)");
            }
            ReplicatedRow.on(cluster.standby(0)).await("SELECT val FROM tab WHERE val = ?", 42);   // read on db2
        }
        // end::ssh-hosts[]
    }
}
