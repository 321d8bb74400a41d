package dev.hotstandby.spring;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** Boot's auto-configuration and nothing else: what the module adds, seen on its own. */
@SpringBootConfiguration
@EnableAutoConfiguration
class TestApplication {
}
