/**
 * Spring Boot glue for {@code @PostgresStandbyCluster}, registered through Spring's
 * {@code META-INF/spring.factories}: a test class with the annotation and a Spring test context
 * gets the cluster as its DataSources, beans and {@code hotstandby.*} properties. The one public
 * type is {@link dev.hotstandby.spring.ReadOnlyRouting}, the stale-read mode's bean; nothing else here
 * is called directly; see docs/spring-boot.md.
 */
package dev.hotstandby.spring;
