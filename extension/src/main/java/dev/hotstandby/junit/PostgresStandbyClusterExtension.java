package dev.hotstandby.junit;

import dev.hotstandby.BackendUnavailableException;
import dev.hotstandby.ClusterConfigurationException;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.PostgresCluster;
import java.lang.annotation.Annotation;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;
import org.opentest4j.TestAbortedException;

/**
 * Starts the cluster of a {@link PostgresStandbyCluster} class (validating everything first),
 * injects handles, and keeps evidence when a test fails. The cluster lives in the store of the
 * annotated class's context, so JUnit closes it after that class and its {@code @Nested} classes.
 */
final class PostgresStandbyClusterExtension implements BeforeAllCallback, TestInstancePostProcessor,
        BeforeEachCallback, AfterEachCallback, ParameterResolver, TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {

    private static final Namespace NAMESPACE = Namespace.create(PostgresStandbyClusterExtension.class);
    private static final List<Class<? extends Annotation>> LIFECYCLE = List.of(BeforeAll.class, BeforeEach.class,
            AfterEach.class, AfterAll.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        rejectConflictingNestedAnnotation(context);
        cluster(context);
        injectFields(context, null, field -> Modifier.isStatic(field.getModifiers()), context);
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) throws Exception {
        injectFields(context, testInstance, field -> !Modifier.isStatic(field.getModifiers())
                && field.getType() != Connection.class, context);
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
        context.getExecutionException().ifPresent(failure -> resource(context).failed());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return InjectionPoint.of(parameterContext.getParameter()).isOurs();
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        InjectionPoint point = InjectionPoint.of(parameterContext.getParameter());
        PostgresCluster cluster = cluster(context);
        point.problem(cluster.spec()).ifPresent(problem -> {
            throw new ParameterResolutionException(problem);
        });
        try {
            return closeWithScope(point.resolve(cluster), context);
        } catch (SQLException e) {
            throw new ParameterResolutionException("cannot open a connection for " + point + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw withServerLogs(context, throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw withServerLogs(context, throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw withServerLogs(context, throwable);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw withServerLogs(context, throwable);
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw withServerLogs(context, throwable);
    }

    private static Throwable withServerLogs(ExtensionContext context, Throwable failure) {
        findResource(context).ifPresent(resource -> failure.addSuppressed(new ServerLogs(resource.failed())));
        return failure;
    }

    private static PostgresCluster cluster(ExtensionContext context) {
        return resource(context).cluster();
    }

    private static ClusterResource resource(ExtensionContext context) {
        ExtensionContext owner = ownerOf(context).orElseThrow(() -> new ExtensionConfigurationException(
                "PostgresStandbyClusterExtension needs @PostgresStandbyCluster on the test class or an enclosing class"));
        return owner.getStore(NAMESPACE).getOrComputeIfAbsent(ClusterResource.class, key -> start(owner),
                ClusterResource.class);
    }

    private static Optional<ClusterResource> findResource(ExtensionContext context) {
        return ownerOf(context).map(owner -> owner.getStore(NAMESPACE).get(ClusterResource.class, ClusterResource.class));
    }

    /** The outermost class context with the annotation: {@code @Nested} classes share its cluster. */
    private static Optional<ExtensionContext> ownerOf(ExtensionContext context) {
        ExtensionContext owner = null;
        for (Optional<ExtensionContext> at = Optional.of(context); at.isPresent(); at = at.get().getParent()) {
            if (annotationOf(at.get()).isPresent()) {
                owner = at.get();
            }
        }
        return Optional.ofNullable(owner);
    }

    private static Optional<PostgresStandbyCluster> annotationOf(ExtensionContext context) {
        return context.getElement().filter(Class.class::isInstance).map(Class.class::cast)
                .flatMap(type -> AnnotationSupport.findAnnotation(type, PostgresStandbyCluster.class));
    }

    private static void rejectConflictingNestedAnnotation(ExtensionContext context) {
        Optional<PostgresStandbyCluster> own = annotationOf(context);
        Optional<ExtensionContext> owner = ownerOf(context);
        if (own.isEmpty() || owner.isEmpty() || owner.get() == context) {
            return;
        }
        PostgresStandbyCluster enclosing = annotationOf(owner.get()).orElseThrow();
        if (!enclosing.equals(own.get())) {
            throw new ExtensionConfigurationException("@PostgresStandbyCluster on [" + context.getRequiredTestClass().getSimpleName()
                    + "] differs from the one on its enclosing class [" + owner.get().getRequiredTestClass().getSimpleName()
                    + "]: a @Nested class shares its enclosing class's cluster. Remove the annotation from the @Nested"
                    + " class, make it identical, or move the class out to get a cluster of its own. Found " + own.get()
                    + ", enclosing " + enclosing);
        }
    }

    /** Validates the annotation and every injection point of the class, then starts. */
    private static ClusterResource start(ExtensionContext owner) {
        Class<?> testClass = owner.getRequiredTestClass();
        PostgresStandbyCluster annotation = annotationOf(owner).orElseThrow();
        ClusterSpec spec;
        try {
            spec = PostgresCluster.builder().describedAs("@PostgresStandbyCluster on [" + testClass.getSimpleName() + "]")
                    .standbys(annotation.standbys()).version(annotation.version()).backend(annotation.backend())
                    .synchronous(annotation.synchronous()).synchronousCommit(annotation.synchronousCommit())
                    .quorum(dev.hotstandby.Quorum.parse(annotation.quorum(), "@PostgresStandbyCluster on ["
                            + testClass.getSimpleName() + "]: quorum"))
                    .upstreams(annotation.upstreams()).archiving(annotation.archiving())
                    .replicationSlots(annotation.replicationSlots()).image(annotation.image()).spec();
        } catch (ClusterConfigurationException invalid) {
            throw new ExtensionConfigurationException(invalid.getMessage(), invalid);
        }
        List<String> problems = new ArrayList<>();
        injectionPoints(testClass).forEach(point -> point.problem(spec).ifPresent(problems::add));
        if (!problems.isEmpty()) {
            throw new ExtensionConfigurationException(String.join("\n", problems));
        }
        try {
            return new ClusterResource(PostgresCluster.start(spec));
        } catch (ClusterConfigurationException invalid) {
            throw new ExtensionConfigurationException(invalid.getMessage(), invalid);
        } catch (BackendUnavailableException unavailable) {
            // e.g. containers without Docker: not the test's fault, so the class is skipped, saying why
            throw new TestAbortedException(unavailable.getMessage(), unavailable);
        }
    }

    /** Every field and method parameter of the class (and its nested classes) that asks for injection. */
    private static List<InjectionPoint> injectionPoints(Class<?> testClass) {
        List<InjectionPoint> points = new ArrayList<>();
        for (Field field : ReflectionSupport.findFields(testClass, InjectionPoint::isInjectableField,
                HierarchyTraversalMode.TOP_DOWN)) {
            points.add(InjectionPoint.of(field));
        }
        List<Executable> invokedByJUnit = new ArrayList<>(List.of(testClass.getDeclaredConstructors()));
        invokedByJUnit.addAll(ReflectionSupport.findMethods(testClass, PostgresStandbyClusterExtension::isInvokedByJUnit,
                HierarchyTraversalMode.TOP_DOWN));
        for (Executable executable : invokedByJUnit) {
            for (Parameter parameter : executable.getParameters()) {
                InjectionPoint point = InjectionPoint.of(parameter);
                if (point.isOurs()) {
                    points.add(point);
                }
            }
        }
        for (Class<?> nested : ReflectionSupport.findNestedClasses(testClass,
                type -> type.isAnnotationPresent(org.junit.jupiter.api.Nested.class))) {
            points.addAll(injectionPoints(nested));
        }
        return points;
    }

    /** Tests of every kind and lifecycle methods: a user's own helper methods take what they like. */
    private static boolean isInvokedByJUnit(Method method) {
        return method.getParameterCount() > 0 && (AnnotationSupport.isAnnotated(method, Testable.class)
                || LIFECYCLE.stream().anyMatch(annotation -> AnnotationSupport.isAnnotated(method, annotation)));
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
            field.set(instance, closeWithScope(point.resolve(cluster), scope));
        }
    }

    /** Connections close when the context that asked for them ends: the test, or the class. */
    private static Object closeWithScope(Object value, ExtensionContext scope) {
        if (value instanceof Connection connection) {
            scope.getStore(NAMESPACE).put(new Object(), (AutoCloseable) connection::close);
        }
        return value;
    }
}
