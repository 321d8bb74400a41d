package dev.hotstandby.backend.machines;

import java.util.List;
import java.util.Optional;

/** Machines for one cluster, the primary's first, and how to give them back. */
interface ProvidedMachines {
    List<Machine> machines();

    /**
     * After the cluster's own teardown. With {@code keepEvidence}, machines that were made for the
     * cluster stay, and the text says where and how to remove them. {@code leftAsFound}: every
     * machine was logged in to and its teardown succeeded, so another cluster could use it.
     */
    Optional<String> release(boolean keepEvidence, boolean leftAsFound);

    /** For machines kept for the next run: what a later JVM needs to find them again. */
    default java.util.Map<String, String> reuseRecord() {
        throw new UnsupportedOperationException("these machines are not kept for the next run");
    }

    /** The end of this JVM for machines kept for the next run: they stay, and so does what holds their network. */
    default void detach() {
        throw new UnsupportedOperationException("these machines are not kept for the next run");
    }
}
