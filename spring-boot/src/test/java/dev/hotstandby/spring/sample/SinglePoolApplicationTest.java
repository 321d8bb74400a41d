package dev.hotstandby.spring.sample;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The application as most teams test it: its replica routing off ({@code app.replica.enabled=false}),
 * so its one pool, Boot's DataSource, is the primary and every read sees every write. The stale-read
 * mode ({@code hotstandby.read-only-routing}, {@code hotstandby.replica-lag}) routes that pool's
 * read-only transactions to a lagging standby without a change here.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(properties = "app.replica.enabled=false")
public @interface SinglePoolApplicationTest {
}
