package dev.hotstandby.spring;

import org.springframework.data.repository.CrudRepository;

interface CustomerRows extends CrudRepository<CustomerRow, Long> {
}
