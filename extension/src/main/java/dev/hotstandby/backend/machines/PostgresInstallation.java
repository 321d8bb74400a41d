package dev.hotstandby.backend.machines;

import dev.hotstandby.ClusterConfigurationException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a machine's PostgreSQL binaries are, found the way the host itself says: {@code pg_config
 * --bindir}, then {@code postgres} on the PATH, then the versioned directories distributions install
 * side by side (Debian/Ubuntu {@code /usr/lib/postgresql/N/bin}, PGDG RPMs {@code /usr/pgsql-N/bin},
 * source builds {@code /usr/local/pgsql/bin}). When no install of the cluster's major is there, the
 * distribution's package is installed (apt or dnf) and the search runs again.
 */
record PostgresInstallation(String bindir, int major) {

    /** Prints "major bindir" for every PostgreSQL server found, each once. */
    private static final String FIND = String.join("\n",
            "for d in \"$(pg_config --bindir 2>/dev/null)\" \"$(dirname \"$(command -v postgres 2>/dev/null || echo /x/x)\")\" \\",
            "         /usr/lib/postgresql/*/bin /usr/pgsql-*/bin /usr/local/pgsql/bin; do",
            "  [ -x \"$d/postgres\" ] && [ -x \"$d/pg_ctl\" ] && [ -x \"$d/initdb\" ] || continue",
            "  v=$(\"$d/postgres\" --version | sed -E 's/.* ([0-9]+)(\\.[0-9]+)?.*/\\1/')",
            "  echo \"$v $(cd \"$d\" && pwd -P)\"",
            "done | sort -u");

    static PostgresInstallation findOrInstall(SshConnection ssh, int major) {
        List<PostgresInstallation> found = find(ssh);
        for (PostgresInstallation installation : found) {
            if (installation.major() == major) {
                return installation;
            }
        }
        if (!found.isEmpty()) {
            // another major is there: installing a second one beside it is the host owner's decision
            throw new ClusterConfigurationException(ssh.machine().name() + " (" + ssh.machine().sshHost() + ") has PostgreSQL "
                    + found.stream().map(i -> i.major() + " in " + i.bindir()).toList() + " but the cluster asks for "
                    + major + ": set version = \"" + found.get(0).major() + "\" (or -Dhotstandby.version="
                    + found.get(0).major() + "), or install PostgreSQL " + major + " there");
        }
        install(ssh, major);
        return find(ssh).stream().filter(i -> i.major() == major).findFirst().orElseThrow(() ->
                new IllegalStateException(ssh.machine().name() + ": PostgreSQL " + major
                        + " was installed from the distribution's packages, but no postgres " + major + " binary is found"));
    }

    private static List<PostgresInstallation> find(SshConnection ssh) {
        List<PostgresInstallation> found = new ArrayList<>();
        for (String line : ssh.check(FIND).split("\n")) {
            String[] fields = line.trim().split(" ", 2);
            if (fields.length == 2 && fields[0].matches("\\d+")) {
                found.add(new PostgresInstallation(fields[1], Integer.parseInt(fields[0])));
            }
        }
        return found;
    }

    /**
     * The distribution's own package of that major: {@code postgresql-N} on Debian and Ubuntu,
     * {@code postgresql-server} on Fedora/RHEL (whose major the distribution chooses).
     */
    private static void install(SshConnection ssh, int major) {
        ssh.check(String.join("\n",
                "if command -v apt-get >/dev/null; then",
                "  sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-" + major
                        + " || { sudo -n apt-get update && sudo -n env DEBIAN_FRONTEND=noninteractive"
                        + " apt-get install -y --no-install-recommends postgresql-" + major + "; }",
                "elif command -v dnf >/dev/null; then sudo -n dnf install -y postgresql-server postgresql-contrib",
                "else echo 'neither apt-get nor dnf: install PostgreSQL " + major + " on this host' >&2; exit 1; fi"));
    }

    String binary(String name) {
        return bindir + "/" + name;
    }
}
