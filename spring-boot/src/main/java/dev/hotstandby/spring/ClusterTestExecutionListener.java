package dev.hotstandby.spring;

import dev.hotstandby.junit.RunningClusters;
import org.opentest4j.TestAbortedException;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext.HierarchyMode;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Ties a context to its cluster's life: a class whose backend cannot run here is skipped before
 * any listener loads its context (not failed with "Failed to load ApplicationContext"); a context on
 * a cluster that was refreshed since it set up its database does that again before a class or a test
 * uses it ({@link DatabaseSetUp}); and the context of a cluster of its own is closed and dropped from
 * Spring's cache when its cluster's class is done, so a later run of the same class (a rerun, another
 * launcher in the JVM) gets its new cluster's ports. A shared cluster's context stays cached for the
 * next class that takes the same cluster. In the stale-read mode, the routing's counts start at 0 with
 * each test, and a test that fails after read-only transactions on the standby is told so.
 */
final class ClusterTestExecutionListener extends AbstractTestExecutionListener {
    /** Before the servlet listener (1000), the first that may load the context. */
    private static final int ORDER = 500;

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public void prepareTestInstance(TestContext testContext) {
        if (RunningClusters.ownerOf(testContext.getTestClass()).isPresent()) {
            RunningClusters.of(testContext.getTestClass());
            renewDatabaseSetUp(testContext);
        }
    }

    /** A test before may have refreshed the cluster ({@code cluster.refresh()} in {@code @AfterEach}). */
    @Override
    public void beforeTestMethod(TestContext testContext) {
        if (RunningClusters.ownerOf(testContext.getTestClass()).isPresent()) {
            renewDatabaseSetUp(testContext);
            if (testContext.hasApplicationContext()) {
                ReadOnlyRouting.of(testContext.getApplicationContext()).ifPresent(ReadOnlyRouting::clear);
            }
        }
    }

    /** A failure after read-only transactions on the lagging standby says so (the stale-read mode). */
    @Override
    public void afterTestMethod(TestContext testContext) {
        Throwable failure = testContext.getTestException();
        if (failure != null && !(failure instanceof TestAbortedException) && testContext.hasApplicationContext()) {
            ReadOnlyRouting.of(testContext.getApplicationContext()).flatMap(ReadOnlyRouting::hint)
                    .ifPresent(failure::addSuppressed);
        }
    }

    @Override
    public void afterTestClass(TestContext testContext) {
        boolean ownsItsOwnCluster = ClusterDeclaration.of(testContext.getTestClass())
                .filter(declaration -> declaration.ownedBy(testContext.getTestClass()) && !declaration.shared())
                .isPresent();
        if (ownsItsOwnCluster && testContext.hasApplicationContext()) {
            testContext.markApplicationContextDirty(HierarchyMode.EXHAUSTIVE);
        }
    }

    /** Only a context already loaded: one loaded now sets up its database on the cluster as it is. */
    private static void renewDatabaseSetUp(TestContext testContext) {
        if (testContext.hasApplicationContext()
                && testContext.getApplicationContext() instanceof ConfigurableApplicationContext context) {
            DatabaseSetUp.of(context).ifPresent(setUp -> setUp.renewIfRefreshed(context, testContext.getTestClass()));
        }
    }
}
