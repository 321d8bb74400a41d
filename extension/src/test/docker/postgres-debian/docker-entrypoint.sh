#!/usr/bin/env bash
# The entrypoint of hotstandby's CI test image (Debian's PostgreSQL packages; no registry is
# reachable in CI, so the official image cannot be pulled). It follows the official postgres image's
# contract, which is all the containers backend relies on:
#   * `docker-entrypoint.sh postgres ARGS...` runs the server with ARGS; any other command runs as is;
#   * started as root, it hands $PGDATA to the postgres user and re-runs itself as that user;
#   * an empty $PGDATA is initialised: initdb --username=$POSTGRES_USER (default postgres) with
#     $POSTGRES_PASSWORD as the superuser's password and $POSTGRES_INITDB_ARGS; a host rule for every
#     address with $POSTGRES_HOST_AUTH_METHOD (default: password_encryption) is appended to
#     pg_hba.conf; a temporary server listening only on its Unix socket creates $POSTGRES_DB and runs
#     /docker-entrypoint-initdb.d/* in order (*.sh executed when executable, else sourced; *.sql
#     through psql), then stops;
#   * a $PGDATA holding a database (PG_VERSION) is started as it is.
set -Eeuo pipefail

if [ "${1:0:1}" = '-' ]; then
	set -- postgres "$@"
fi
if [ "$1" != 'postgres' ]; then
	exec "$@"
fi

: "${PGDATA:?the image must set PGDATA}"
export POSTGRES_USER="${POSTGRES_USER:-postgres}"
export POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"

if [ "$(id -u)" = '0' ]; then
	mkdir -p "$PGDATA" /var/run/postgresql
	chmod 700 "$PGDATA"
	chmod 2775 /var/run/postgresql
	# pg_basebackup or docker cp run as root may have left files postgres cannot read
	find "$PGDATA" /var/run/postgresql \! -user postgres -exec chown postgres:postgres '{}' +
	exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

run_sql() {
	PGHOST= PGHOSTADDR= psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc "$@"
}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != 'trust' ]; then
		echo >&2 'error: the database is not initialised and POSTGRES_PASSWORD is not set'
		exit 1
	fi
	read -r -a initdb_args <<< "${POSTGRES_INITDB_ARGS:-}"
	initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "${POSTGRES_PASSWORD:-}") "${initdb_args[@]}"

	auth="${POSTGRES_HOST_AUTH_METHOD:-$(postgres -C password_encryption "${@:2}")}"
	printf '\nhost all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"

	export PGPASSWORD="${PGPASSWORD:-${POSTGRES_PASSWORD:-}}"
	pg_ctl -D "$PGDATA" -o "$(printf '%q ' "${@:2}" -c listen_addresses= -p "${PGPORT:-5432}")" -w start
	if [ "$POSTGRES_DB" != 'postgres' ]; then
		run_sql --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
	fi
	for f in /docker-entrypoint-initdb.d/*; do
		case "$f" in
			*.sh)
				if [ -x "$f" ]; then
					echo "$0: running $f"
					"$f"
				else
					echo "$0: sourcing $f"
					# shellcheck disable=SC1090
					. "$f"
				fi
				;;
			*.sql) echo "$0: running $f"; run_sql --dbname "$POSTGRES_DB" -f "$f" ;;
			*) [ -e "$f" ] && echo "$0: ignoring $f" ;;
		esac
	done
	pg_ctl -D "$PGDATA" -m fast -w stop
	unset PGPASSWORD
	echo "$0: PostgreSQL init process complete; ready for start up."
fi

exec "$@"
