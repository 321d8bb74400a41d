# hotstandby (local backend): stopping the PostgreSQL servers of a directory, for the JVM watchdog
# (watchdog.sh) and for the teardown of a cluster kept for reuse. Sourced, not run.
# running PID DATADIR: PID is still the server of DATADIR. Not a pid reused since (a stale
# postmaster.pid), not a zombie that init has yet to reap (it has an empty command line).
running() {
  if [ -r "/proc/$1/cmdline" ]; then
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"
  else
    kill -0 "$1" 2>/dev/null
  fi
}
# The pids of the servers still running whose postmaster.pid files are given (a server that exits
# removes its postmaster.pid; one that was killed leaves it behind, with a pid that may be reused).
alive() {
  for f in "$@"; do
    [ -f "$f" ] || continue
    pid=$(sed -n 1p "$f" 2>/dev/null)
    data=$(sed -n 2p "$f" 2>/dev/null)
    [ -n "$pid" ] && [ -n "$data" ] && running "$pid" "$data" && echo "$pid"
  done
}
# stop_servers POSTMASTER.PID...: an immediate shutdown of each (it ends its children, then itself),
# SIGKILL for what still runs after five seconds.
stop_servers() {
  pids=$(alive "$@")
  [ -z "$pids" ] && return 0
  kill -QUIT $pids 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    pids=$(alive "$@")
    [ -z "$pids" ] && return 0
    sleep 0.5
  done
  kill -KILL $pids 2>/dev/null
}
