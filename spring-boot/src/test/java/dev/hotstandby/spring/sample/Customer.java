package dev.hotstandby.spring.sample;

public record Customer(long id, String name) {
}
