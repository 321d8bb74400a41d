package dev.hotstandby.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.engine.DataSources;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The verifier a cluster's password is stored as: RFC 5802's keys, few iterations, accepted by the server. */
class ScramVerifierTest {
    private static final byte[] SALT = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");

    @Test
    void keysAreThoseOfRfc5802WithTheJdksPbkdf2() throws Exception {
        for (int iterations : new int[] {1, 2, 4096}) {
            byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec("pencil".toCharArray(), SALT, iterations, 256)).getEncoded();
            String storedKey = Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(hmac(salted, "Client Key")));
            String serverKey = Base64.getEncoder().encodeToString(hmac(salted, "Server Key"));

            assertThat(ScramVerifier.of("pencil", SALT, iterations))
                    .isEqualTo("SCRAM-SHA-256$" + iterations + ":W22ZaJ0SNY7soEsUEjb6gQ==$" + storedKey + ":" + serverKey);
        }
    }

    @Test
    void withPgjdbc42_7_14OnTheClasspathOneIterationIsUsed() {
        assertThat(ScramVerifier.iterations()).isEqualTo(ScramVerifier.FEW_ITERATIONS);
    }

    @Test
    void theServerStoresTheVerifierAndAcceptsOnlyThePassword() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().start();
             Connection primary = cluster.primary().dataSource().getConnection();
             Statement statement = primary.createStatement();
             ResultSet stored = statement.executeQuery("SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres'")) {
            assertThat(stored.next()).isTrue();
            assertThat(stored.getString(1)).startsWith("SCRAM-SHA-256$1:");

            assertThatThrownBy(() -> DataSources.create(cluster.primary().host(), cluster.primary().port(), "postgres",
                    "postgres", "not-" + cluster.primary().password()).getConnection().close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
        }
    }

    private static byte[] hmac(byte[] key, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message.getBytes(StandardCharsets.US_ASCII));
    }
}
