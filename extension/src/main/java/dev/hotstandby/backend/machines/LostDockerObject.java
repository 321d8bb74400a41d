package dev.hotstandby.backend.machines;

/**
 * The docker provider's {@code vagrant up} failing because a container or network it had listed was
 * gone when it inspected it ("docker inspect &lt;id&gt;": "No such object"): another cluster's teardown
 * removed it meanwhile. The JVMs' own removals wait for {@link VagrantLock}; the watchdog's shell
 * teardown of a kept cluster (kept-vagrant-teardown.sh) cannot take it, so such an up is tried once
 * more after its leftovers are removed, as after a crash of Vagrant's Ruby.
 */
final class LostDockerObject {
    private LostDockerObject() {
    }

    static boolean in(String output) {
        return output.contains("A Docker command executed by Vagrant didn't complete successfully")
                && output.contains("No such object");
    }
}
