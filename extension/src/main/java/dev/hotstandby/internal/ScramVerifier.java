package dev.hotstandby.internal;

import java.security.SecureRandom;
import org.postgresql.Driver;
import org.postgresql.util.PasswordUtil;

/**
 * The SCRAM-SHA-256 verifier of a generated password, for {@code ALTER ROLE ... PASSWORD '<verifier>'}
 * (PostgreSQL 10 and later store a verifier given in this form as it is), computed by pgjdbc's
 * {@link PasswordUtil} with few iterations. The server's default, 4096 (also PasswordUtil's), is key
 * stretching for passwords people choose; a password of 144 random bits ({@link Passwords}) needs
 * none, and every client login repeats the iterations: in a fresh JVM pgjdbc's first login spent a
 * fifth of the first cluster's CPU samples in the 4096 rounds.
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
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return of(password, salt, iterations());
    }

    static String of(String password, byte[] salt, int iterations) {
        try {
            return PasswordUtil.encodeScramSha256(password.toCharArray(), iterations, salt);
        } catch (NoClassDefFoundError olderDriver) {
            throw new IllegalStateException("pgjdbc " + Driver.getVersion() + " on the classpath has no"
                    + " org.postgresql.util.PasswordUtil, which computes the cluster's SCRAM verifiers:"
                    + " hotstandby needs pgjdbc 42.7 or newer", olderDriver);
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
}
