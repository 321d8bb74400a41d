# hotstandby (machines backend): removes Vagrant machines kept for reuse (hotstandby.reuse), no JVM
# needed: its entry's watchdog (reuse-watchdog.sh) runs it once the cluster is idle, and a JVM that
# cannot reuse the cluster (or needs its private network for a new one) runs it too. The lines
# before this text set $work (the cluster's Vagrant work directory), $run (its name, which labels
# the docker provider's containers), $network (its private /24's first three octets), $kept (the
# file that keeps that network for it) and export the environment its Vagrantfile was evaluated in.
if [ -d "$work" ]; then
  if [ -d "$work/state/machines/primary/docker" ] && command -v docker >/dev/null 2>&1; then
    # the docker provider: its containers by label, then the subnet's network once empty. Not
    # `vagrant destroy`, which also removes networks that other clusters' ups have just made (the
    # JVM orders its own destroys with those ups by a lock this shell cannot take).
    docker ps -aq --filter "label=dev.hotstandby.vagrant-run=$run" | xargs -r docker rm -f >/dev/null 2>&1
    net="vagrant_network_$network.0/24"
    [ "$(docker network inspect --format '{{len .Containers}}' "$net" 2>/dev/null)" = 0 ] \
      && docker network rm "$net" >/dev/null 2>&1
  else
    VAGRANT_DOTFILE_PATH="$work/state" VAGRANT_CHECKPOINT_DISABLE=1 VAGRANT_BOX_UPDATE_CHECK_DISABLE=1 \
      vagrant destroy -f >/dev/null 2>&1
  fi
  rm -rf "$work"
fi
rm -f "$kept"
exit 0
