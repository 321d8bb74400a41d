# Started by a JVM that runs local clusters, with its stdin on a pipe from that JVM. However the
# JVM ends (even kill -9), the pipe closes and `cat` returns; then every PostgreSQL server the JVM
# left in its directory ($1) is stopped and the directory removed. Kept failures live elsewhere.
trap '' INT TERM HUP
owner_dir="$1"
cat >/dev/null
# running PID DATADIR: PID is still the server of DATADIR. Not a pid reused since (a stale
# postmaster.pid), not a zombie that init has yet to reap (it has an empty command line).
running() {
  if [ -r "/proc/$1/cmdline" ]; then
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"
  else
    kill -0 "$1" 2>/dev/null
  fi
}
# The pids of the servers still running in the JVM's directory (a server that exits removes its
# postmaster.pid; one that was killed leaves it behind, with a pid that may be reused).
alive() {
  for f in "$owner_dir"/*/*/data/postmaster.pid; do
    [ -f "$f" ] || continue
    pid=$(sed -n 1p "$f" 2>/dev/null)
    data=$(sed -n 2p "$f" 2>/dev/null)
    [ -n "$pid" ] && [ -n "$data" ] && running "$pid" "$data" && echo "$pid"
  done
}
pids=$(alive)
if [ -n "$pids" ]; then
  # immediate shutdown: each server ends its children, then itself
  kill -QUIT $pids 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    pids=$(alive)
    [ -z "$pids" ] && break
    sleep 0.5
  done
  [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
fi
rm -rf "$owner_dir"
