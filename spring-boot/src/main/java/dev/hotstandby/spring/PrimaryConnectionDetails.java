package dev.hotstandby.spring;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;

/**
 * Boot's {@code JdbcConnectionDetails} for the primary, as {@code @ServiceConnection} provides
 * it: Boot builds its DataSource from it, so {@code spring.datasource.*} pool settings still
 * apply. The interface moved between Boot 3 and 4; a proxy implements whichever is present.
 */
final class PrimaryConnectionDetails {
    private static final List<String> TYPES = List.of(
            "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails", // Boot 4
            "org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails"); // Boot 3

    private PrimaryConnectionDetails() {
    }

    /** Empty without Boot's JDBC auto-configuration: then there is no auto-configured DataSource to connect. */
    static Optional<Class<?>> type(ClassLoader classLoader) {
        for (String name : TYPES) {
            try {
                return Optional.of(Class.forName(name, false, classLoader));
            } catch (ClassNotFoundException absent) {
                // the other Boot line
            }
        }
        return Optional.empty();
    }

    static Object create(Class<?> type, String url, String username, String password) {
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "getJdbcUrl" -> url;
            case "getUsername" -> username;
            case "getPassword" -> password;
            case "toString" -> "hotstandby's JdbcConnectionDetails for " + url;
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> defaultOf(proxy, method, args);
        };
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
    }

    /** The driver and XA class names: Boot derives them from the URL in the interface's default methods. */
    private static Object defaultOf(Object proxy, Method method, Object[] args) throws Throwable {
        if (!method.isDefault()) {
            throw new UnsupportedOperationException("hotstandby's JdbcConnectionDetails has no " + method);
        }
        return InvocationHandler.invokeDefault(proxy, method, args);
    }
}
