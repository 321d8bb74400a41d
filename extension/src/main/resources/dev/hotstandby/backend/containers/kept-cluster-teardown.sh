# hotstandby (containers backend): removes a cluster kept for reuse (hotstandby.reuse) with the docker
# command, no JVM needed: its entry's watchdog (reuse-watchdog.sh) runs it once the cluster is idle,
# and a JVM that cannot reuse the cluster runs it too. Everything of the cluster carries the labels
# dev.hotstandby.cluster=$cluster and dev.hotstandby.reuse=$entry; the lines before this text set
# $docker, $cluster, $entry and DOCKER_HOST (the daemon the JVM used).
export DOCKER_HOST
ours() {
  "$docker" "$@" --filter "label=dev.hotstandby.cluster=$cluster" --filter "label=dev.hotstandby.reuse=$entry" 2>/dev/null
}
containers=$(ours container ls -aq)
# shellcheck disable=SC2086
[ -z "$containers" ] || "$docker" container rm --force --volumes $containers >/dev/null 2>&1
for network in $(ours network ls -q); do
  # another cluster's containers may be on its subscribers network: a network is removed only once empty
  for container in $("$docker" network inspect --format '{{range $id, $c := .Containers}}{{$id}} {{end}}' "$network" 2>/dev/null); do
    "$docker" network disconnect --force "$network" "$container" >/dev/null 2>&1
  done
  "$docker" network rm "$network" >/dev/null 2>&1
done
volumes=$(ours volume ls -q)
# shellcheck disable=SC2086
[ -z "$volumes" ] || "$docker" volume rm --force $volumes >/dev/null 2>&1
exit 0
