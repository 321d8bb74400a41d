# Started by a JVM that runs local clusters, with its stdin on a pipe from that JVM. However the
# JVM ends (even kill -9), the pipe closes and `cat` returns; then every PostgreSQL server the JVM
# left in its directory ($1) is stopped and the directory removed. Kept failures live elsewhere.
# stop-servers.sh comes before this text.
trap '' INT TERM HUP
owner_dir="$1"
cat >/dev/null
stop_servers "$owner_dir"/*/*/data/postmaster.pid
rm -rf "$owner_dir"
