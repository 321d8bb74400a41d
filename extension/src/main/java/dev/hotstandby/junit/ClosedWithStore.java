package dev.hotstandby.junit;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A value that JUnit closes with the store it is kept in. JUnit 5.13 and later close
 * {@link AutoCloseable} values; 5.12 and earlier only {@code CloseableResource} ones, and Spring
 * Boot 3.5 still brings JUnit 5.12 to its projects: so both. JUnit closes such a value once.
 */
@SuppressWarnings("deprecation")
interface ClosedWithStore extends AutoCloseable, ExtensionContext.Store.CloseableResource {
    @Override
    void close();
}
