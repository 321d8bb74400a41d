package dev.hotstandby.spring;

import dev.hotstandby.junit.RunningClusters;
import org.springframework.test.annotation.DirtiesContext.HierarchyMode;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Ties a context to its cluster's life: a class whose backend cannot run here is skipped before
 * any listener loads its context (not failed with "Failed to load ApplicationContext"), and the
 * context is closed and dropped from Spring's cache when its cluster's class is done, so a later
 * run of the same class (a rerun, another launcher in the JVM) gets its new cluster's ports.
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
        }
    }

    @Override
    public void afterTestClass(TestContext testContext) {
        boolean ownsTheCluster = RunningClusters.ownerOf(testContext.getTestClass())
                .filter(owner -> owner == testContext.getTestClass()).isPresent();
        if (ownsTheCluster && testContext.hasApplicationContext()) {
            testContext.markApplicationContextDirty(HierarchyMode.EXHAUSTIVE);
        }
    }
}
