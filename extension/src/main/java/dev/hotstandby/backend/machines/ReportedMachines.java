package dev.hotstandby.backend.machines;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The lines the repository's Vagrantfile prints after {@code up}, one per machine:
 * {@code hotstandby-machine <name> <ssh host> <ssh port> <user> <private key> <host key type> <host key> ...},
 * read over Vagrant's own connection to the machine.
 */
final class ReportedMachines {
    private static final String TAG = "hotstandby-machine ";

    private ReportedMachines() {
    }

    /** By name; the private address is left empty for the caller, who knows the network. */
    static Map<String, Machine> parse(String upOutput) {
        Map<String, Machine> machines = new HashMap<>();
        for (String line : upOutput.split("\n")) {
            int tag = line.indexOf(TAG);
            if (tag < 0) {
                continue;
            }
            String[] fields = line.substring(tag + TAG.length()).trim().split("\\s+");
            if (fields.length >= 7 && fields[2].matches("\\d+") && fields[5].startsWith("ssh-")) {
                machines.put(fields[0], new Machine(fields[0], fields[1], Integer.parseInt(fields[2]), fields[3],
                        Path.of(fields[4]), HostKeys.pinned(fields[5] + " " + fields[6]), ""));
            }
        }
        return machines;
    }
}
