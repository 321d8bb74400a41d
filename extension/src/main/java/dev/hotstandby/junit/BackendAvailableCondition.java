package dev.hotstandby.junit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips each test of a class whose backend cannot run here (containers without Docker), with the
 * reason, so reports count skipped tests instead of a class with none. Decided per test method,
 * not per class: a skipped class shows as "Tests run: 0". The decision itself is made once, when
 * the class's cluster is started before its tests, and cached in the class's store.
 */
final class BackendAvailableCondition implements ExecutionCondition {
    private static final ConditionEvaluationResult DECIDED_PER_TEST =
            ConditionEvaluationResult.enabled("hotstandby decides per test whether the backend can run");
    private static final ConditionEvaluationResult AVAILABLE = ConditionEvaluationResult.enabled("the backend runs here");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isEmpty()) {
            return DECIDED_PER_TEST;
        }
        return ClusterStore.resource(context).unavailableReason().map(ConditionEvaluationResult::disabled)
                .orElse(AVAILABLE);
    }
}
