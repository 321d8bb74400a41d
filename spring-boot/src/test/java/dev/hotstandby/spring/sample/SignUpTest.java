package dev.hotstandby.spring.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotstandby.junit.PostgresStandbyCluster;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Sample 3: an application's ordinary tests, with its one pool on the primary: all pass. In the
 * stale-read mode ({@code -Dhotstandby.read-only-routing=standby0 -Dhotstandby.replica-lag=200ms}) the
 * first fails, with the hint that its read-only transaction ran on the lagging standby; the two fixes
 * pass ({@link SignUpInStaleReadModeTest} runs this class so).
 */
@SinglePoolApplicationTest
@PostgresStandbyCluster(shared = true, standbys = 1, database = "shop", username = "shop")
class SignUpTest {
    @Autowired
    SignUpService signUps;

    @Test
    void aNewCustomerIsShownAfterSignUp() {
        Customer ada = signUps.signUp("Ada");

        assertThat(ada.name()).isEqualTo("Ada");
    }

    @Test
    void aNewCustomerIsShownAfterSignUpReadInTheWritingTransaction() {
        Customer grace = signUps.signUpReadingInTheWritingTransaction("Grace");

        assertThat(grace.name()).isEqualTo("Grace");
    }

    @Test
    void aNewCustomerIsShownAfterSignUpReadOnceReplayed() {
        Customer edsger = signUps.signUpReadingOnceReplayed("Edsger");

        assertThat(edsger.name()).isEqualTo("Edsger");
    }
}
