package dev.hotstandby.engine;

/** A start that failed for a reason a second attempt avoids (a port taken between reserving and binding). */
public class RetryableStartException extends RuntimeException {
    public RetryableStartException(String message) {
        super(message);
    }
}
