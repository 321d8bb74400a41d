package dev.hotstandby.junit;

import dev.hotstandby.Backend;
import dev.hotstandby.BackendUnavailableException;
import dev.hotstandby.ClusterConfigurationException;
import dev.hotstandby.ClusterOption;
import dev.hotstandby.ClusterOptions;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.SshHosts;
import java.lang.annotation.Annotation;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Validates the annotation, the {@code hotstandby.*} options and every injection point of a class,
 * then starts its cluster; a backend that cannot run here gives a resource without a cluster, whose
 * tests {@link BackendAvailableCondition} skips, unless {@code hotstandby.require} names it.
 */
final class ClusterStart {
    private static final List<Class<? extends Annotation>> LIFECYCLE = List.of(BeforeAll.class, BeforeEach.class,
            AfterEach.class, AfterAll.class);

    private ClusterStart() {
    }

    static ClusterResource start(ExtensionContext owner) {
        Class<?> testClass = owner.getRequiredTestClass();
        String describedAs = "@PostgresStandbyCluster on [" + testClass.getSimpleName() + "]";
        PostgresStandbyCluster annotation = ClusterStore.annotationOf(owner).orElseThrow();
        HotstandbyOptions options = HotstandbyOptions.of(owner);
        warnAboutIgnoredConfiguration(owner);
        ClusterSpec spec;
        try {
            PostgresCluster.Builder builder = PostgresCluster.builder().describedAs(describedAs);
            for (ClusterOption option : ClusterOptions.ALL) {
                if (option.annotated()) {
                    option.applyAttribute(builder, attribute(annotation, option.name()), describedAs);
                }
            }
            spec = withHostsFile(builder.spec(options.properties()), options);
        } catch (ClusterConfigurationException invalid) {
            throw new ExtensionConfigurationException(options.namingTheSource(invalid.getMessage()), invalid);
        }
        CleanupMode cleanup = options.cleanup(annotation.cleanup(), describedAs);
        List<String> problems = new ArrayList<>();
        injectionPoints(testClass).forEach(point -> point.problem(spec).ifPresent(problems::add));
        if (!problems.isEmpty()) {
            throw new ExtensionConfigurationException(String.join("\n", problems));
        }
        try {
            return ClusterResource.started(PostgresCluster.start(spec, annotation.shared()), cleanup);
        } catch (ClusterConfigurationException invalid) {
            throw new ExtensionConfigurationException(invalid.getMessage(), invalid);
        } catch (BackendUnavailableException unavailable) {
            return unavailable(unavailable, options);
        }
    }

    /** The value of the annotation's attribute {@code name}: ClusterOptionsTest checks that every annotated option has one. */
    private static Object attribute(PostgresStandbyCluster annotation, String name) {
        try {
            return PostgresStandbyCluster.class.getMethod(name).invoke(annotation);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("@PostgresStandbyCluster has no attribute " + name, e);
        }
    }

    /**
     * The backend checked {@code hotstandby.require} among the system properties only; a
     * configuration parameter can require it too. Otherwise the reason is printed once, here.
     */
    private static ClusterResource unavailable(BackendUnavailableException unavailable, HotstandbyOptions options) {
        Backend backend = unavailable.backend();
        if (BackendUnavailableException.isRequired(backend, options.properties())) {
            String name = backend.name().toLowerCase(java.util.Locale.ROOT);
            throw new ClusterStartException(unavailable.getMessage().replaceFirst(" \\(skipped; .*\\)$", "")
                    + " (" + BackendUnavailableException.REQUIRE_PROPERTY + " names " + name
                    + ", so this fails instead of being skipped)", unavailable);
        }
        System.err.println("hotstandby: " + unavailable.getMessage());
        return ClusterResource.unavailable(unavailable.getMessage());
    }

    /** Backend.SSH reads its hosts file from system properties; a configuration parameter can name it too. */
    private static ClusterSpec withHostsFile(ClusterSpec spec, HotstandbyOptions options) {
        String file = options.get(SshHosts.PROPERTY);
        return spec.backend() == Backend.SSH && spec.hosts() == null && !file.isEmpty()
                ? spec.withHosts(SshHosts.load(Path.of(file))) : spec;
    }

    /** Once per run: these options are read by the backends as system properties only. */
    private static void warnAboutIgnoredConfiguration(ExtensionContext owner) {
        owner.getRoot().getStore(ClusterStore.NAMESPACE).getOrComputeIfAbsent("warned about ignored configuration", key -> {
            HotstandbyOptions.ignoredConfiguration(owner).forEach(option -> System.err.println("hotstandby: the"
                    + " configuration parameter " + option + " is ignored: it is read as a system property only;"
                    + " pass -D" + option + "=... to the test JVM"));
            HotstandbyOptions.ignoredReuseConfiguration(owner).forEach(option -> System.err.println("hotstandby: the"
                    + " configuration parameter " + option + " is ignored: reuse is the machine owner's choice (a system"
                    + " property, the environment variable " + option.toUpperCase(java.util.Locale.ROOT).replace('.', '_')
                    + " or ~/" + dev.hotstandby.engine.ReuseOptions.USER_FILE + "), never a project's own file"));
            return Boolean.TRUE;
        });
    }

    /** Every field and method parameter of the class (and its nested classes) that asks for injection. */
    private static List<InjectionPoint> injectionPoints(Class<?> testClass) {
        List<InjectionPoint> points = new ArrayList<>();
        for (Field field : ReflectionSupport.findFields(testClass, InjectionPoint::isInjectableField,
                HierarchyTraversalMode.TOP_DOWN)) {
            points.add(InjectionPoint.of(field));
        }
        List<Executable> invokedByJUnit = new ArrayList<>(List.of(testClass.getDeclaredConstructors()));
        invokedByJUnit.addAll(ReflectionSupport.findMethods(testClass, ClusterStart::isInvokedByJUnit,
                HierarchyTraversalMode.TOP_DOWN));
        for (Executable executable : invokedByJUnit) {
            for (Parameter parameter : executable.getParameters()) {
                InjectionPoint point = InjectionPoint.of(parameter);
                if (point.isOurs()) {
                    points.add(point);
                }
            }
        }
        for (Class<?> nested : ReflectionSupport.findNestedClasses(testClass, type -> type.isAnnotationPresent(Nested.class))) {
            points.addAll(injectionPoints(nested));
        }
        return points;
    }

    /** Tests of every kind and lifecycle methods: a user's own helper methods take what they like. */
    private static boolean isInvokedByJUnit(Method method) {
        return method.getParameterCount() > 0 && (AnnotationSupport.isAnnotated(method, Testable.class)
                || LIFECYCLE.stream().anyMatch(annotation -> AnnotationSupport.isAnnotated(method, annotation)));
    }
}
