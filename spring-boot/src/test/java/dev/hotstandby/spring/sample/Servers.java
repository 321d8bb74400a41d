package dev.hotstandby.spring.sample;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Which server the current transaction runs on: its node name ({@code cluster_name}; the port a
 * server sees is not the one a container maps) and whether it is a standby.
 */
record Servers(String node, boolean inRecovery) {

    static Servers current(JdbcClient jdbc) {
        return jdbc.sql("SELECT current_setting('cluster_name') AS node, pg_is_in_recovery() AS in_recovery")
                .query(Servers.class).single();
    }
}
