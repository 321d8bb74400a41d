package dev.hotstandby.benchmark;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The peer of {@link FirstClusterMain} for {@link FreshJvmBenchmark}: one fresh JVM's first zonky
 * {@code EmbeddedPostgres} single node, on the same binaries, its data directory on the same
 * filesystem as hotstandby's ({@code args[0]}); prints the time from the start of {@code main()}
 * to a connection that answered a query.
 */
public final class ZonkyFirstNodeMain {
    private ZonkyFirstNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        long elapsed;
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(Path.of(args[0])).start();
             Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement();
             ResultSet answer = statement.executeQuery("SELECT 42")) {
            answer.next();
            elapsed = System.nanoTime() - started;
        }
        System.out.println(FirstClusterMain.RESULT + elapsed);
    }
}
