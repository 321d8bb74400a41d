# Shared by .ci/run, .ci/containers.sh and .ci/vagrant.sh (sourced, not run).

# step NAME COMMAND...: runs the command under a heading, then prints how long it took (and the run so far).
# The run so far counts from $CI_STARTED_AT (seconds since the epoch; .ci/run exports it to its scripts).
step() {
  local name=$1 started status=0
  started=$(date +%s)
  shift
  echo "== $name"
  "$@" || status=$?
  local now
  now=$(date +%s)
  echo "-- $((now - started)) s: $name (the run so far: $(( (now - ${CI_STARTED_AT:-$started}) / 60 )) min)$( [ "$status" = 0 ] || echo ", FAILED with status $status")"
  return "$status"
}

# side_by_side "COMMAND" "COMMAND"...: runs them at once, each into a log printed whole when all are done;
# fails if any failed.
side_by_side() {
  local logs pids=() status=0 i
  logs=$(mktemp -d /tmp/hotstandby-ci-side.XXXXXX)
  i=0
  for command in "$@"; do
    bash -c "$command" >"$logs/$i.log" 2>&1 &
    pids+=($!)
    i=$((i + 1))
  done
  i=0
  for command in "$@"; do
    if ! wait "${pids[$i]}"; then
      status=1
    fi
    echo "---- $command"
    cat "$logs/$i.log"
    i=$((i + 1))
  done
  rm -rf "$logs"
  return "$status"
}

# Starts dockerd unless Docker answers; waits until it does, at most $DOCKERD_DEADLINE seconds.
start_dockerd() {
  if ! docker info >/dev/null 2>&1; then
    # its own session, so it outlives this script and the CI step that ran it. Networks it makes
    # come from 172.18.0.0/15 only: by default, once it has handed out 172.17-31 (it moves on through
    # its pools as networks are made and removed), it takes 192.168.x.0/20 blocks, and those cover
    # the Vagrant machines' private networks (192.168.56-63.0/24).
    setsid nohup dockerd --default-address-pool base=172.18.0.0/15,size=24 >>"$DOCKERD_LOG" 2>&1 </dev/null &
    deadline=$((SECONDS + DOCKERD_DEADLINE))
    until docker info >/dev/null 2>&1; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        echo "dockerd did not answer within ${DOCKERD_DEADLINE} s; the end of $DOCKERD_LOG:" >&2
        tail -n 40 "$DOCKERD_LOG" >&2 || true
        exit 1
      fi
      sleep 0.5
    done
  fi
}

# The first Debian archive in this machine's apt sources that serves $SUITE: deb822 *.sources
# stanzas, then one-line sources.list and *.list entries. Read at run time, never written down.
# A suite the sources do not name (trixie on a bookworm host) is taken from the archive that serves
# the host's own release: a Debian archive serves every current release.
debian_mirror() {
  local host_suite
  archive_serving "$SUITE"
  host_suite=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
  if [ -n "$host_suite" ] && [ "$host_suite" != "$SUITE" ]; then
    archive_serving "$host_suite"
  fi
}

# The archives in this machine's apt sources that list suite $1, in order.
archive_serving() {
  local file suite="$1"
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    awk -v suite="$suite" '
      BEGIN { RS = ""; FS = "\n" }
      {
        types = ""; uris = ""; suites = ""; enabled = "yes"
        for (i = 1; i <= NF; i++) {
          line = $i
          if (line ~ /^[ \t]*#/) continue
          if (sub(/^Types:[ \t]*/, "", line)) types = line
          else if (sub(/^URIs:[ \t]*/, "", line)) uris = line
          else if (sub(/^Suites:[ \t]*/, "", line)) suites = line
          else if (sub(/^Enabled:[ \t]*/, "", line)) enabled = line
        }
        if (enabled != "no" && (" " types " ") ~ / deb / && (" " suites " ") ~ (" " suite " ")) {
          split(uris, uri, /[ \t]+/); print uri[1]; exit
        }
      }' "$file"
  done
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | sed -E 's/\[[^]]*\]//' \
    | awk -v suite="$suite" '$1 == "deb" && $3 == suite { print $2 }' || true
}

# Makes a Docker image from a minimal Debian $SUITE with the given packages (comma-separated),
# fetched by debootstrap from this machine's own mirror: no container registry is needed.
import_debian_base() {
  local image="$1" packages="$2" mirror rootfs
  mirror="${HOTSTANDBY_DEBIAN_MIRROR:-}"
  [ -n "$mirror" ] || mirror=$(debian_mirror | awk 'NR == 1')
  if [ -z "$mirror" ]; then
    echo "no Debian mirror serving $SUITE in /etc/apt/sources.list or /etc/apt/sources.list.d/;" \
         "set HOTSTANDBY_DEBIAN_MIRROR to one" >&2
    exit 1
  fi
  rootfs=$(mktemp -d /var/tmp/hotstandby-rootfs.XXXXXX)
  # debootstrap mounts /proc and /sys inside; never delete through a mount left by a failure
  trap 'grep -o " '"$rootfs"'/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l || true;
        rm -rf --one-file-system "'"$rootfs"'" "'"$rootfs"'.log"' EXIT
  echo "debootstrap $SUITE (minbase + $packages) from $mirror"
  debootstrap --variant=minbase --include="$packages" "$SUITE" "$rootfs" "$mirror" \
    >"$rootfs.log" 2>&1 || { tail -n 40 "$rootfs.log" >&2; exit 1; }
  tar -C "$rootfs" -c . | docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$image"
  grep -o " $rootfs/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l || true
  rm -rf --one-file-system "$rootfs" "$rootfs.log"
  trap - EXIT
}

# in_background NAME COMMAND...: starts the command now, its output into a log, so that work which
# waits mostly for the network and the disk (packages, image builds) runs beside the tests;
# await_background NAME prints that log once the command is done and fails if it failed.
in_background() {
  local name=$1
  shift
  if [ -z "${BACKGROUND:-}" ]; then
    BACKGROUND=$(mktemp -d /tmp/hotstandby-ci-background.XXXXXX)
    export BACKGROUND
  fi
  (
    started=$SECONDS status=0
    "$@" >"$BACKGROUND/$name.log" 2>&1 </dev/null || status=$?
    echo "$status $((SECONDS - started))" >"$BACKGROUND/$name.done"
  ) &
}

# await_background NAME [--quiet]: waits until NAME is done; prints its log (unless --quiet) and how
# long it ran; its exit status.
await_background() {
  local name=$1 status seconds
  until [ -f "$BACKGROUND/$name.done" ]; do sleep 1; done
  read -r status seconds <"$BACKGROUND/$name.done"
  if [ "${2:-}" != --quiet ]; then
    cat "$BACKGROUND/$name.log"
    echo "($name ran in the background for $seconds s; exit status $status)"
  fi
  return "$status"
}
