#!/usr/bin/env bash
# hotstandby (containers backend): the main process of every node's container, under Docker's
# init (tini). It prepares what the image's entrypoint cannot, then runs the image's own
# `docker-entrypoint.sh postgres` (the official postgres image's contract) as its child, so that
# the backend can stop or kill the server and start it again while the container, its network
# alias, its mapped port and its data directory (a tmpfs at $PGDATA) stay.
#
#   HOTSTANDBY_ROLE=template  once per machine, in the container that makes a template image: the
#                             image initialises $PGDATA and runs
#                             /docker-entrypoint-initdb.d/hotstandby.sh, which installs the config;
#                             the server starts once with it, and when /tmp/hotstandby-template-stop
#                             appears it is stopped cleanly and $PGDATA copied to /hotstandby/template
#                             (outside the image's volume, so `docker commit` keeps it)
#   HOTSTANDBY_ROLE=primary   on the first start, a copy of /hotstandby/template/data with this
#   HOTSTANDBY_ROLE=standby   node's files from $HOTSTANDBY_FILE_* (a standby's: standby.signal
#                             and its standby settings) and the cluster network's pg_hba.conf rules
#                             ($HOTSTANDBY_HBA_RULES);
#                             a cold copy of a cleanly stopped cluster is a valid base for a standby.
#                             The primary then sets the cluster's password ($POSTGRES_PASSWORD):
#                             the template has none
#
# The backend stops or kills the server with `hold` (below: signal the postmaster, keep the
# container) and starts it again with `release`. A server that exits unasked ends the container.
# A boot again in place (a refresh) runs `reboot` in every container at once: the server killed,
# $PGDATA a fresh copy of the template as at the first start, a fresh directory of the archive
# volume, the server started, the primary's password set again; the container, its aliases and
# mapped port stay.
set -euo pipefail

: "${PGDATA:?the image must set PGDATA (the official postgres image contract)}"
HOLD=/tmp/hotstandby-hold
START=/tmp/hotstandby-start
# the main loop waits for $START (made by release only once this exists, or it could miss $HOLD)
WAITING=/tmp/hotstandby-waiting
# made by reset: the next start is a first start (its role inside), so a primary sets the password
FRESH=/tmp/hotstandby-fresh
TEMPLATE=/hotstandby/template/data
ARCHIVE=/hotstandby-archive

# A copy of the template with the node's files, each in a variable named in "$@" that holds its
# name, a newline, then its content: in the environment, so nothing is copied into the container
# (and bash writes them itself); then the cluster network's pg_hba.conf rules ($HOTSTANDBY_HBA_RULES).
install_template_copy() {
	if [ ! -s "$TEMPLATE/PG_VERSION" ]; then
		echo "hotstandby: this image has no template data directory at $TEMPLATE" >&2
		exit 1
	fi
	cp -a "$TEMPLATE/." "$PGDATA/"
	local written=("$PGDATA") variable file
	for variable in "$@"; do
		file="${!variable}"
		printf '%s' "${file#*$'\n'}" > "$PGDATA/${file%%$'\n'*}"
		written+=("$PGDATA/${file%%$'\n'*}")
	done
	printf '%s\n' "${HOTSTANDBY_HBA_RULES:-}" >> "$PGDATA/pg_hba.conf"
	# cp -a kept the template's owner; the files written here and the mount point are root's
	chown "$(stat -c %u:%g "$TEMPLATE")" "${written[@]}"
	chmod 700 "$PGDATA"
}

# The pids of every live server process in this container (no procps in every image: /proc
# itself). By the name in /proc/<pid>/stat: without CAP_SYS_PTRACE root cannot read the exe link
# of another user's process; zombies are skipped (they hold nothing, and tini reaps them).
server_processes() {
	local process stat found=()
	for process in /proc/[0-9]*; do
		{ read -r stat < "$process/stat"; } 2>/dev/null || continue
		if [[ "$stat" == *" (postgres) "[^Z]* ]]; then
			found+=("${process#/proc/}")
		fi
	done
	echo "${found[*]}"
}

# Lets the main loop start the held server again, once it waits for that (it would find the hold
# file gone before and end the container).
release() {
	local deadline=$((SECONDS + ${HOTSTANDBY_TIMEOUT:-60}))
	until [ -e "$WAITING" ]; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "hotstandby: the server did not stop within ${HOTSTANDBY_TIMEOUT:-60} s" >&2
			exit 1
		fi
		sleep 0.005
	done
	rm -f "$HOLD"
	touch "$START"
}

case "${1:-}" in
hold)
	# usage: node.sh hold INT|KILL -- stop (fast shutdown) or crash the server, keep the container
	touch "$HOLD"
	pid=$(head -n 1 "$PGDATA/postmaster.pid")
	kill "-$2" "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
	exit 0
	;;
release)
	release
	exit 0
	;;
reboot)
	# usage: HOTSTANDBY_ROLE=... HOTSTANDBY_HBA_RULES=... HOTSTANDBY_REBOOT_FILE_<n>=...
	#        [HOTSTANDBY_ARCHIVE_DIR=...] node.sh reboot
	# -- every server process killed (the data goes anyway: no shutdown checkpoint to wait for, and
	# none of them may still run beside the next server), $PGDATA emptied and filled as at the first
	# start, then the server started
	touch "$HOLD"
	while processes=$(server_processes) && [ -n "$processes" ]; do
		# shellcheck disable=SC2086
		kill -KILL $processes 2>/dev/null || :
		sleep 0.005
	done
	find "$PGDATA" -mindepth 1 -delete
	install_template_copy ${!HOTSTANDBY_REBOOT_FILE_@}
	if [ -n "${HOTSTANDBY_ARCHIVE_DIR:-}" ]; then
		# archiving = true: the new servers archive into and restore from a directory of their own, so
		# no container waits for another's; all else goes (a later timeline's history file would
		# lead the fresh standbys off timeline 1, an old segment block the new primary's archiving).
		# Each node removes it after killing its own server, so once all have, nothing of an old
		# server is left; what another's still running server writes meanwhile is that node's to remove.
		find "$ARCHIVE" -mindepth 1 -maxdepth 1 ! -name "${HOTSTANDBY_ARCHIVE_DIR##*/}" -exec rm -rf {} + 2>/dev/null || :
		mkdir -p "$HOTSTANDBY_ARCHIVE_DIR"
		chmod 1777 "$HOTSTANDBY_ARCHIVE_DIR"
	fi
	printf '%s' "${HOTSTANDBY_ROLE:-}" > "$FRESH"
	release
	exit 0
	;;
esac

# archiving = true: the cluster's shared archive volume, writable for the image's postgres user
if [ -d "$ARCHIVE" ] && [ "$(id -u)" = 0 ]; then
	chmod 1777 "$ARCHIVE"
fi

role="${HOTSTANDBY_ROLE:-}"
fresh=
if [ "$role" != template ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
	install_template_copy ${!HOTSTANDBY_FILE_@}
	fresh=yes
fi
if [ "${HOTSTANDBY_ROLE:-}" = template ]; then
	# a throwaway password for the image's initdb, which requires one; the hook removes it again
	POSTGRES_PASSWORD="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
	export POSTGRES_PASSWORD
fi

# Over the Unix socket, which the repository's pg_hba.conf trusts: the template has no password,
# so nothing reaches a node over TCP until its cluster's own is set here (standbys replay it).
set_password() {
	local deadline=$((SECONDS + ${HOTSTANDBY_TIMEOUT:-60})) status=() nothing
	exec {nothing}<> <(:)
	# the 8th line of postmaster.pid says "ready" (padded) once the server accepts connections (read by bash itself: no process per try)
	until [[ "${status[7]:-}" == ready* ]]; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "hotstandby: the server was not ready within ${HOTSTANDBY_TIMEOUT:-60} s" >&2
			return 1
		fi
		# a sleep without a process: the server starts on the same cores
		read -r -t 0.005 -u "$nothing" || :
		mapfile -t status 2>/dev/null < "$PGDATA/postmaster.pid" || status=()
	done
	psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "${POSTGRES_USER:-postgres}" --dbname postgres \
		--set password="$POSTGRES_PASSWORD" <<'SQL'
SET password_encryption = 'scram-sha-256';
-- a synchronous standby cannot confirm it: it needs this very password to connect
SET synchronous_commit = local;
ALTER ROLE CURRENT_USER PASSWORD :'password';
SQL
	echo "hotstandby: password set"
}

server=
# docker stop: a fast shutdown of the server, then the container ends
trap 'if [ -n "$server" ]; then kill -INT "$server" 2>/dev/null || true; wait "$server" || true; fi; exit 0' INT TERM
while true; do
	if [ -e "$FRESH" ]; then
		role="$(cat "$FRESH")"
		rm -f "$FRESH"
		fresh=yes
	fi
	# the backend reads the server's output from here on
	echo "hotstandby: starting the server"
	docker-entrypoint.sh postgres &
	server=$!
	if [ "$role" = template ]; then
		until [ -e /tmp/hotstandby-template-stop ]; do sleep 0.02; done
		kill -INT "$server"
		wait "$server"
		mkdir -p "$(dirname "$TEMPLATE")"
		cp -a "$PGDATA" "$TEMPLATE"
		rm -f "$TEMPLATE/postmaster.opts" "$TEMPLATE/postmaster.pid"
		# only the WAL segment of the last checkpoint is needed; the others are recycled ones
		# for later, which every node would copy for nothing (the server makes new ones as needed)
		redo="$(pg_controldata "$TEMPLATE" 2>/dev/null | sed -n "s/^Latest checkpoint's REDO WAL file: *//p" || :)"
		if [ -n "$redo" ] && [ -f "$TEMPLATE/pg_wal/$redo" ]; then
			find "$TEMPLATE/pg_wal" -maxdepth 1 -type f ! -name "$redo" -delete
		fi
		rm -rf /tmp/hotstandby-configs /tmp/hotstandby-template-stop /docker-entrypoint-initdb.d/hotstandby.sh
		echo "hotstandby: template made"
		exit 0
	fi
	if [ -n "$fresh" ] && [ "$role" = primary ]; then
		fresh=
		set_password &
	fi
	status=0
	wait "$server" || status=$?
	server=
	if [ ! -e "$HOLD" ]; then
		echo "hotstandby: the server exited with status $status"
		exit "$status"
	fi
	echo "hotstandby: the server is stopped; waiting to be started again"
	touch "$WAITING"
	until [ -e "$START" ]; do sleep 0.01; done
	rm -f "$START" "$WAITING"
done
