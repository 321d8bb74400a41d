package dev.hotstandby.backend.machines;

import java.nio.file.Path;

/**
 * A host a node runs on, as the test JVM logs in to it and as the other nodes reach it.
 *
 * @param name     the node's name: {@code primary}, {@code standby-0}, ...
 * @param sshHost  where the test JVM reaches its sshd
 * @param user     a user with passwordless sudo
 * @param key      the private key that user logs in with
 * @param hostKeys how the host's key is verified
 * @param address  the address the other nodes reach it at (replication, WAL shipping, partitions)
 */
record Machine(String name, String sshHost, int sshPort, String user, Path key, HostKeys hostKeys, String address) {

    @Override
    public String toString() {
        return name + " (" + user + "@" + sshHost + ":" + sshPort + ", address " + address + ")";
    }
}
