package dev.hotstandby.spring.sample;

// tag::customer-application-test[]
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The application against a cluster: the primary comes from hotstandby's connection details,
 * the application's replica pool ({@code app.replica.*}) is pointed at the first standby.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(properties = {
        "app.replica.jdbc-url=${hotstandby.standbys[0].url}",
        "app.replica.username=${hotstandby.username}",
        "app.replica.password=${hotstandby.password}"})
public @interface CustomerApplicationTest {
}
// end::customer-application-test[]
