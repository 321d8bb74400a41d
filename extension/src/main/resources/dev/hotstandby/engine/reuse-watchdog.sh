# hotstandby: the watchdog of one cluster kept for reuse (hotstandby.reuse). Started by the JVM that
# made the cluster, in a session of its own; it needs no JVM of ours afterwards. Every $3 seconds:
# while a live JVM holds the cluster (a holder-<pid>-<start ticks> file whose process still runs with
# that start time, the 22nd field of /proc/<pid>/stat), it touches idle-since; once nobody has for $2
# seconds (the time of idle-since), the entry is renamed away (no JVM can take it from then on), the holders are
# checked once more (a JVM that took it just before the rename), and its teardown.sh stops and removes
# the cluster (servers, directories, containers, networks, machines), and the configuration's
# directory when it was the last (a JVM making an entry there makes it again). Ends when the entry is gone.
#   $1 the entry's directory, $2 the idle time in seconds, $3 how often to look
trap '' INT TERM HUP
entry="$1"; idle="$2"; every="$3"

holder_alive() {
  name=${1##*/holder-}; pid=${name%%-*}; ticks=${name#*-}
  [ -r "/proc/$pid/stat" ] || return 1
  now=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f20)
  [ -n "$now" ] && [ "$now" = "$ticks" ]
}
held() {
  for f in "$1"/holder-*; do
    [ -e "$f" ] || continue
    holder_alive "$f" && return 0
  done
  return 1
}

while sleep "$every"; do
  [ -d "$entry" ] || exit 0
  # idle counts from the last time a holder was seen alive: one killed after holding it longer than
  # the idle time must not leave it to be removed at once, before the next run can take it
  if held "$entry"; then
    touch "$entry/idle-since" 2>/dev/null
    continue
  fi
  last=$(stat -c %Y "$entry/idle-since" 2>/dev/null || echo 0)
  [ $(( $(date +%s) - last )) -lt "$idle" ] && continue
  mv "$entry" "$entry.removing" 2>/dev/null || continue
  if held "$entry.removing"; then
    mv "$entry.removing" "$entry"
    continue
  fi
  sh "$entry.removing/teardown.sh" "$entry.removing" >/dev/null 2>&1
  rm -rf "$entry.removing"
  rmdir "${entry%/*}" 2>/dev/null
  exit 0
done
