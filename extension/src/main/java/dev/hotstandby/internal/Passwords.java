package dev.hotstandby.internal;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;

/** Random passwords, made per cluster by every backend; none is ever written into the repository. */
public final class Passwords {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {
    }

    /** 144 random bits, URL-safe characters only, so it needs no quoting in SQL or connection strings. */
    public static String generate() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** {@code length} (up to 24) random lower-case letters and digits: a name Docker and every file system take as it is. */
    public static String randomName(int length) {
        return generate().substring(0, length).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "x");
    }
}
