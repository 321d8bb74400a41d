package dev.hotstandby;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Stops the idle shared clusters when the JUnit Platform's launcher session ends (Maven Surefire,
 * Gradle, an IDE run), while the build tool still waits for it: left to the end of the JVM, their
 * stop races the build tool's exit timeout (Surefire kills a fork 30 s after {@code System.exit}),
 * and a Vagrant suite's machines would be left behind. Clusters kept for the next run
 * ({@code hotstandby.reuse}) are left to the end of the JVM, which hands them over. Registered as a
 * service; the launcher is on every runner's classpath, so no user adds it.
 */
public final class SharedClustersAtSessionEnd implements LauncherSessionListener {
    @Override
    public void launcherSessionClosed(LauncherSession session) {
        SharedClusters.stopIdle(true);
    }
}
