package dev.hotstandby.backend.machines;

import java.util.List;
import java.util.Optional;

/** Machines for one cluster, the primary's first, and how to give them back. */
interface ProvidedMachines {
    List<Machine> machines();

    /**
     * After the cluster's own teardown. With {@code keepEvidence}, machines that were made for the
     * cluster stay, and the text says where and how to remove them.
     */
    Optional<String> release(boolean keepEvidence);
}
