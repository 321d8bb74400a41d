package dev.hotstandby.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The main job end to end: a real cluster for the happy path, and usage errors that start nothing. */
class MainTest {

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void startsTwoStandbysVerifiesTheSeedAndExits() {
        int status = run("--standbys", "2", "--exit");

        assertThat(status).as("exit status; stdout:%n%s%nstderr:%n%s", out(), err()).isZero();
        assertThat(out())
                .contains("jdbc:postgresql://127.0.0.1:")
                .containsPattern("psql \"host=127\\.0\\.0\\.1 port=\\d+ user=\\S+ password=\\S+ dbname=postgres\"")
                .contains("primary: create database sampledb")
                .contains("standby-0: reads 42 from sampledb.tab")
                .contains("standby-1: reads 42 from sampledb.tab")
                .contains("primary: 2 standby(s) streaming")
                .contains("verification passed")
                .doesNotContain("cluster is up");
        assertThat(err()).doesNotContain("FAILED");
    }

    @Test
    void serverSettingsDatabaseUsernameAndInitScriptsFromTheCommandLine(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("schema.sql"), "CREATE TABLE products (id int);\n");
        int status = run("--standbys", "2", "--set", "wal_level=logical", "--set=max_connections=120",
                "--standby-set", "max_standby_streaming_delay=0", "--database", "shop", "--username", "shop_app",
                "--password", "fixed-Secret_1", "--init-script", script.toString(), "--exit");

        assertThat(status).as("exit status; stdout:%n%s%nstderr:%n%s", out(), err()).isZero();
        assertThat(out())
                .containsPattern("jdbc:postgresql://127\\.0\\.0\\.1:\\d+/shop")
                // the verification logs in over TCP with the password printed here
                .containsPattern("psql \"host=127\\.0\\.0\\.1 port=\\d+ user=shop_app password=fixed-Secret_1 dbname=shop\"")
                .contains("standby-1: reads 42 from sampledb.tab")
                .contains("verification passed");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--standbys -1   | --standbys must be a number from 0 to 8 but was \"-1\"",
            "--standbys abc  | --standbys must be a number from 0 to 8 but was \"abc\"",
            "--standbys 9    | --standbys must be a number from 0 to 8 but was \"9\"",
            "--standbys      | --standbys needs a value, e.g. --standbys 2",
            "--version 9     | --version must be a PostgreSQL major from 10 to 18 but was \"9\"",
            "--version 9.1   | --version must be a PostgreSQL major from 10 to 18 but was \"9.1\": PostgreSQL 9.x and older are out of support",
            "--version abc   | --version must be a PostgreSQL major such as \"18\" (from 10 to 18; or leave --version out for 18) but was \"abc\"",
            "--frobnicate    | unknown option \"--frobnicate\"",
            "--exit=yes      | --exit takes no value",
            "--set max_connections | --set: \"max_connections\" is not name=value",
            "--set           | --set needs a value, e.g. --set wal_level=logical",
            "--set port=1    | hotstandby: --set must not set port: hotstandby sets it itself",
            "--standby-set hot_standby=off | hotstandby: --standby-set sets hot_standby = off on the standbys",
            "--username App  | hotstandby: --username must be a plain SQL identifier",
            "--password a\\b | hotstandby: --password must be 1 to 100 printable ASCII characters without spaces, quotes or backslashes",
            "--password      | --password needs a value, e.g. --password test-secret",
            "--init-script /no/such.sql | hotstandby: --init-script names \"file:/no/such.sql\", which is no readable file"})
    void rejectsABadCommandLineWithStatus2BeforeStartingAnything(String commandLine, String expectedMessage) {
        int status = run(commandLine.trim().split("\\s+"));

        assertThat(status).isEqualTo(2);
        assertThat(err()).startsWith("hotstandby: ").contains(expectedMessage).contains("usage: hotstandby");
        assertThat(out()).as("nothing may be started").doesNotContain("starting");
    }

    @Test
    void describePrintsEveryNodesRowOnceVerified() {
        int status = run("--standbys", "1", "--describe", "--exit");

        assertThat(status).as("exit status; stdout:%n%s%nstderr:%n%s", out(), err()).isZero();
        assertThat(out()).containsPattern("(?m)^node +role +upstream +state +timeline")
                .containsPattern("(?m)^primary +primary +- +running +1 ")
                .containsPattern("(?m)^standby-0 +standby +primary +streaming +1 ");
        assertThat(out().indexOf("verification passed")).isLessThan(out().indexOf("node "));
    }

    @Test
    void helpPrintsTheUsageAndSucceeds() {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("--standbys N", "--version MAJOR", "--exit");
    }
}
