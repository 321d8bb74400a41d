package dev.hotstandby.spring.sample;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * Read-only transactions on the replica, the rest on the primary. Boot's auto-configured
 * DataSource stays the primary ({@code spring.datasource.*}); the replica is a second pool from
 * {@code app.replica.*}, not a default candidate so Boot still configures the first; and
 * Spring's {@link LazyConnectionDataSourceProxy} picks one of the two per transaction, when the
 * transaction's first statement runs and its read-only flag is known. {@code app.replica.enabled=false}
 * turns it off: one pool, the primary, as most teams' tests run ({@link SinglePoolApplicationTest}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "app.replica.enabled", havingValue = "true", matchIfMissing = true)
class ReadReplicaRouting {

    @Bean(defaultCandidate = false)
    @Qualifier("replica")
    @ConfigurationProperties("app.replica")
    HikariDataSource replicaDataSource() {
        return new HikariDataSource();
    }

    /** Wraps Boot's {@code dataSource} bean, so Flyway, JdbcClient and transactions all go through the router. */
    @Bean
    static BeanPostProcessor readOnlyTransactionsOnTheReplica(@Qualifier("replica") ObjectProvider<DataSource> replica) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (!"dataSource".equals(beanName) || !(bean instanceof DataSource primary)) {
                    return bean;
                }
                LazyConnectionDataSourceProxy router = new LazyConnectionDataSourceProxy(primary);
                router.setReadOnlyDataSource(replica.getObject());
                return router;
            }
        };
    }
}
