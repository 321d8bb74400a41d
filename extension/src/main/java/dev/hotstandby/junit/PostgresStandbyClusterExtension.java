package dev.hotstandby.junit;

import dev.hotstandby.PostgresCluster;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;
import org.opentest4j.TestAbortedException;

/**
 * Starts the cluster of a {@link PostgresStandbyCluster} class ({@link ClusterStart}), injects
 * handles, and marks the cluster failed when a test fails. When the backend cannot run here there
 * is no cluster: nothing is injected, the class's {@code @BeforeAll}/{@code @AfterAll} methods are
 * not run, and {@link BackendAvailableCondition} skips each test.
 */
final class PostgresStandbyClusterExtension implements BeforeAllCallback, TestInstancePostProcessor,
        BeforeEachCallback, AfterEachCallback, ParameterResolver, TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler, InvocationInterceptor, TestInstancePreConstructCallback {

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        rejectConflictingNestedAnnotation(context);
        if (available(context)) {
            injectFields(context, null, field -> Modifier.isStatic(field.getModifiers()), context);
        }
    }

    /**
     * Before any extension sees the instance, also with {@code PER_CLASS} lifecycle: an integration
     * that loads its fixture while post-processing it (Spring's application context) finds the
     * cluster in {@link RunningClusters}, whichever extension was registered first.
     */
    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
        ClusterStore.resource(context);
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) throws Exception {
        if (available(context)) {
            injectFields(context, testInstance, field -> !Modifier.isStatic(field.getModifiers())
                    && field.getType() != Connection.class, context);
        }
    }

    /** Connection fields get a fresh connection per test, closed after it. */
    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            injectFields(context, instance, field -> !Modifier.isStatic(field.getModifiers())
                    && field.getType() == Connection.class, context);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        context.getExecutionException().filter(PostgresStandbyClusterExtension::isFailure)
                .ifPresent(failure -> ClusterStore.resource(context).markFailed());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return InjectionPoint.of(parameterContext.getParameter()).isOurs();
    }

    /** Without a cluster only a skipped {@code @BeforeAll}/{@code @AfterAll} method asks: it gets null, never used. */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        if (!available(context)) {
            return null;
        }
        InjectionPoint point = InjectionPoint.of(parameterContext.getParameter());
        PostgresCluster cluster = cluster(context);
        point.problem(cluster.spec()).ifPresent(problem -> {
            throw new ParameterResolutionException(problem);
        });
        try {
            return resolve(point, cluster, context);
        } catch (SQLException e) {
            throw new ParameterResolutionException("cannot open a connection for " + point + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void interceptBeforeAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> method,
                                         ExtensionContext context) throws Throwable {
        proceedIfAvailable(invocation, context);
    }

    @Override
    public void interceptAfterAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> method,
                                        ExtensionContext context) throws Throwable {
        proceedIfAvailable(invocation, context);
    }

    /** A class without a cluster has only skipped tests: its class-level setup would only fail on null handles. */
    private static void proceedIfAvailable(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        if (available(context)) {
            invocation.proceed();
        } else {
            invocation.skip();
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw withEvidence(context, throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw withEvidence(context, throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw withEvidence(context, throwable);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw withEvidence(context, throwable);
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw withEvidence(context, throwable);
    }

    /**
     * A failure gets the cluster's state, the servers' last log lines and, after a failover, what moved
     * off the primary; an abort nothing.
     */
    private static Throwable withEvidence(ExtensionContext context, Throwable failure) {
        if (!isFailure(failure)) {
            return failure;
        }
        ClusterStore.findResource(context).filter(resource -> resource.unavailableReason().isEmpty()).ifPresent(resource -> {
            PinnedPrimaries.moved(context, resource.cluster()).ifPresent(failure::addSuppressed);
            ClusterAtFailure.of(resource.cluster()).ifPresent(failure::addSuppressed);
            failure.addSuppressed(resource.failed());
        });
        return failure;
    }

    /** A failed assumption aborts a test; it is no failure, so it keeps no evidence. */
    private static boolean isFailure(Throwable thrown) {
        return !(thrown instanceof TestAbortedException);
    }

    private static boolean available(ExtensionContext context) {
        return ClusterStore.resource(context).unavailableReason().isEmpty();
    }

    private static PostgresCluster cluster(ExtensionContext context) {
        return ClusterStore.resource(context).cluster();
    }

    private static void rejectConflictingNestedAnnotation(ExtensionContext context) {
        Optional<PostgresStandbyCluster> own = ClusterStore.annotationOf(context);
        Optional<ExtensionContext> owner = ClusterStore.ownerOf(context);
        if (own.isEmpty() || owner.isEmpty() || owner.get() == context) {
            return;
        }
        PostgresStandbyCluster enclosing = ClusterStore.annotationOf(owner.get()).orElseThrow();
        if (!enclosing.equals(own.get())) {
            throw new ExtensionConfigurationException("@PostgresStandbyCluster on [" + context.getRequiredTestClass().getSimpleName()
                    + "] differs from the one on its enclosing class [" + owner.get().getRequiredTestClass().getSimpleName()
                    + "]: a @Nested class shares its enclosing class's cluster. Remove the annotation from the @Nested"
                    + " class, make it identical, or move the class out to get a cluster of its own. Found " + own.get()
                    + ", enclosing " + enclosing);
        }
    }

    private static void injectFields(ExtensionContext context, Object instance, Predicate<Field> which,
                                     ExtensionContext scope) throws SQLException, IllegalAccessException {
        Class<?> type = instance == null ? context.getRequiredTestClass() : instance.getClass();
        List<Field> fields = ReflectionSupport.findFields(type,
                field -> InjectionPoint.isInjectableField(field) && which.test(field), HierarchyTraversalMode.TOP_DOWN);
        if (fields.isEmpty()) {
            return;
        }
        PostgresCluster cluster = cluster(context);
        for (Field field : fields) {
            InjectionPoint point = InjectionPoint.of(field);
            Optional<String> problem = point.problem(cluster.spec());
            if (problem.isPresent()) {
                throw new ExtensionConfigurationException(problem.get());
            }
            field.setAccessible(true);
            field.set(instance, resolve(point, cluster, scope));
        }
    }

    /**
     * Connections close when the context that asked for them ends: the test, or the class. Handles
     * that cannot follow a failover are remembered, so a failure after promote() can say so.
     */
    private static Object resolve(InjectionPoint point, PostgresCluster cluster, ExtensionContext scope) throws SQLException {
        Object value = point.resolve(cluster);
        if (point.pinsThePrimary()) {
            PinnedPrimaries.remember(scope, point, cluster.primary());
        }
        if (value instanceof Connection connection) {
            scope.getStore(ClusterStore.NAMESPACE).put(new Object(), (ClosedWithStore) () -> closeQuietly(connection));
        }
        return value;
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException alreadyBroken) {
            // a connection the test broke (or a server it stopped) has nothing left to release
        }
    }
}
