package dev.hotstandby.samples.docs;

import dev.hotstandby.PostgresNode;
import dev.hotstandby.ReplicatedRow;
import java.time.Duration;

/**
 * docs/annotation-and-injection.md, "Waiting for replication". Compiled only, so that the docs
 * cannot drift from code that compiles (DocsShowCompiledCodeTest compares them); not run, since
 * SeedVerificationTest waits for a row the same way, on a table it creates.
 */
final class WaitingForReplicationSnippet {

    private WaitingForReplicationSnippet() {
    }

    static void replicatedRow(PostgresNode standby) {
        // tag::replicated-row[]
        ReplicatedRow.on(standby).inDatabase("sampledb").await("SELECT val FROM tab WHERE val = ?", 42);
        ReplicatedRow.on(standby).within(Duration.ofSeconds(5)).awaitValue("SELECT count(*) FROM tab", 1000L);
        // end::replicated-row[]
    }
}
