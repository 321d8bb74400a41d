package dev.hotstandby.spring;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** A row of the sample's customer table, for Spring Data JDBC. */
@Table("customer")
record CustomerRow(@Id Long id, String name) {
}
