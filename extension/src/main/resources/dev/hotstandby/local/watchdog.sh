# Started by a JVM that runs local clusters, with its stdin on a pipe from that JVM. However the
# JVM ends (even kill -9), the pipe closes and `cat` returns; then every PostgreSQL server the JVM
# left in its directory ($1) is stopped and the directory removed. Kept failures live elsewhere.
trap '' INT TERM HUP
owner_dir="$1"
cat >/dev/null
pids=$(for f in "$owner_dir"/*/*/data/postmaster.pid; do [ -f "$f" ] && head -n 1 "$f"; done)
if [ -n "$pids" ]; then
  kill -QUIT $pids 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    alive=""
    for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive=yes; done
    [ -z "$alive" ] && break
    sleep 0.5
  done
  kill -KILL $pids 2>/dev/null
fi
rm -rf "$owner_dir"
