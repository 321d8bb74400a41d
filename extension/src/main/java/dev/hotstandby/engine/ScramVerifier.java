package dev.hotstandby.engine;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM-SHA-256 verifier of a generated password, for {@code ALTER ROLE ... PASSWORD '<verifier>'}
 * (PostgreSQL 10 and later store a verifier given in this form as it is), made with few iterations.
 * The server's default, 4096, is key stretching for passwords people choose; a password of 144
 * random bits ({@link Passwords}) needs none, and every client login repeats the iterations: in a
 * fresh JVM pgjdbc's first login spent a fifth of the first cluster's CPU samples in the 4096 rounds.
 *
 * <p>SCRAM clients on ongres-scram 2 (bundled by older pgjdbc releases, used unshaded by
 * r2dbc-postgresql and the Vert.x client) refuse fewer than 4096; where one is on the classpath the
 * verifier keeps 4096.
 */
public final class ScramVerifier {
    /** Enough for any client that accepts what RFC 5802 allows; the password carries the strength. */
    static final int FEW_ITERATIONS = 1;
    static final int CAUTIOUS_ITERATIONS = 4096;
    /** Where the old SCRAM clients keep the class that enforces 4096 (ongres-scram 3 moved it). */
    private static final String[] STRICT_CLIENTS = {
            "org/postgresql/shaded/com/ongres/scram/common/message/ServerFirstMessage.class",
            "com/ongres/scram/common/message/ServerFirstMessage.class"};
    private static final SecureRandom RANDOM = new SecureRandom();

    private ScramVerifier() {
    }

    /** {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}, as PostgreSQL stores it. */
    public static String of(String password) {
        return of(password, iterations());
    }

    static String of(String password, int iterations) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return of(password, salt, iterations);
    }

    /** RFC 5802: SaltedPassword = Hi(password, salt, i); StoredKey = H(HMAC(SaltedPassword, "Client Key")). */
    static String of(String password, byte[] salt, int iterations) {
        try {
            byte[] salted = hi(password, salt, iterations);
            byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            byte[] serverKey = hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
            Base64.Encoder base64 = Base64.getEncoder();
            return "SCRAM-SHA-256$" + iterations + ":" + base64.encodeToString(salt) + "$"
                    + base64.encodeToString(storedKey) + ":" + base64.encodeToString(serverKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot compute HMAC-SHA-256, which SCRAM needs", e);
        }
    }

    /** The iterations this JVM's clients accept. */
    static int iterations() {
        ClassLoader loader = ScramVerifier.class.getClassLoader();
        for (String strict : STRICT_CLIENTS) {
            if (loader.getResource(strict) != null) {
                return CAUTIOUS_ITERATIONS;
            }
        }
        return FEW_ITERATIONS;
    }

    /** Hi() of RFC 5802 is PBKDF2 with HMAC-SHA-256, one 32-byte block: the JDK's. */
    private static byte[] hi(String password, byte[] salt, int iterations) throws GeneralSecurityException {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
    }

    private static byte[] hmac(byte[] key, byte[] message) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message);
    }
}
