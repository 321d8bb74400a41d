package dev.hotstandby.spring;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * What set up a context's database when it started, run again: Flyway (Boot's migration initializer,
 * or a {@code Flyway} bean with {@code initMethod = "migrate"}), Liquibase, Boot's
 * {@code spring.sql.init} scripts and Spring's {@code DataSourceInitializer}, in the order Boot runs
 * them at start (its database initializer detectors put migrations before scripts). Found by type
 * name: Boot 4 moved some of them, and each library is the application's choice.
 */
final class DatabaseInitializers {
    private static final String FLYWAY = "org.flywaydb.core.Flyway";
    /** Each runs what it did at start from {@link InitializingBean#afterPropertiesSet()}. */
    private static final List<String> INITIALIZING_BEANS = List.of(
            "org.springframework.boot.autoconfigure.flyway.FlywayMigrationInitializer", // Boot 3
            "org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer", // Boot 4
            "liquibase.integration.spring.SpringLiquibase",
            "org.springframework.boot.sql.init.AbstractScriptDatabaseInitializer",
            "org.springframework.jdbc.datasource.init.DataSourceInitializer");

    private DatabaseInitializers() {
    }

    /** Returns the names of the beans that ran again; {@code describedAs} starts the message if one fails. */
    static List<String> runAgain(ConfigurableListableBeanFactory beanFactory, String describedAs) {
        ClassLoader classLoader = beanFactory.getBeanClassLoader();
        Set<Object> ran = Collections.newSetFromMap(new IdentityHashMap<>());
        List<String> names = new ArrayList<>();
        typeNamed(FLYWAY, classLoader).ifPresent(flyway -> StartedBeans.of(beanFactory, flyway).forEach((name, bean) -> {
            if (migratesWhenMade(beanFactory, name) && ran.add(bean)) {
                run(describedAs, name, bean, () -> {
                    Method migrate = ReflectionUtils.findMethod(bean.getClass(), "migrate");
                    ReflectionUtils.invokeMethod(migrate, bean);
                });
                names.add(name);
            }
        }));
        for (String typeName : INITIALIZING_BEANS) {
            typeNamed(typeName, classLoader).ifPresent(type -> StartedBeans.of(beanFactory, type).forEach((name, bean) -> {
                if (bean instanceof InitializingBean initializer && ran.add(bean)) {
                    run(describedAs, name, bean, initializer::afterPropertiesSet);
                    names.add(name);
                }
            }));
        }
        return names;
    }

    /** A {@code Flyway} bean declared with {@code initMethod = "migrate"}; one registered as an instance has none. */
    private static boolean migratesWhenMade(ConfigurableListableBeanFactory beanFactory, String name) {
        return beanFactory.containsBeanDefinition(name)
                && "migrate".equals(beanFactory.getBeanDefinition(name).getInitMethodName());
    }

    private static Optional<Class<?>> typeNamed(String name, ClassLoader classLoader) {
        return ClassUtils.isPresent(name, classLoader)
                ? Optional.of(ClassUtils.resolveClassName(name, classLoader)) : Optional.empty();
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void run(String describedAs, String name, Object bean, Step step) {
        try {
            step.run();
        } catch (Exception failure) {
            throw new IllegalStateException(describedAs + ": the cluster was refreshed since the application context"
                    + " set up its database, and running the database initializer '" + name + "' ("
                    + bean.getClass().getName() + ") again failed: " + failure.getMessage()
                    + " (see docs/spring-boot.md, what a refresh keeps)", failure);
        }
    }
}
