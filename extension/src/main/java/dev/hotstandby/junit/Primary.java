package dev.hotstandby.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects a handle on the primary of the {@link PostgresStandbyCluster}: a
 * {@link javax.sql.DataSource}, {@link java.sql.Connection} or {@link dev.hotstandby.PostgresNode}.
 */
@Target({ElementType.PARAMETER, ElementType.FIELD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Primary {
}
