#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for the tests: initdb and pg_ctl as the `postgres` user, listening on loopback
# on its own port, with a socket folder it owns. Nothing outside the folder is touched.
#   eng/postgres.sh start <folder> [port]   prints the connection string of a non-superuser owner login
#   eng/postgres.sh stop <folder>
set -euo pipefail
command=${1:?usage: eng/postgres.sh start|stop <folder> [port]}
folder=${2:?usage: eng/postgres.sh start|stop <folder> [port]}
port=${3:-54329}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -x "$bin/pg_ctl" ] || { echo "PostgreSQL binaries not found under /usr/lib/postgresql" >&2; exit 1; }

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -s /bin/bash -c "cd / && $(printf '%q ' "$@")"; fi
}

case "$command" in
  start)
    mkdir -p "$folder"
    folder=$(cd "$folder" && pwd)
    mkdir -p "$folder/data" "$folder/socket"
    [ "$(id -u)" = 0 ] && chown -R postgres "$folder"
    if [ ! -f "$folder/data/PG_VERSION" ]; then
      as_postgres "$bin/initdb" -D "$folder/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_postgres "$bin/pg_ctl" -D "$folder/data" status >/dev/null 2>&1; then
      as_postgres "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $folder/socket -c max_connections=300 -c shared_buffers=256MB -c fsync=on" >/dev/null
    fi
    # The tests connect as an owner that is not a superuser, the way a real deployment should: it can create
    # databases and the request role, and row-level security binds it like any other role.
    as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q -c \
      "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'smartecoupon_owner') THEN CREATE ROLE smartecoupon_owner LOGIN CREATEDB CREATEROLE PASSWORD 'owner'; END IF; END \$\$;" >/dev/null
    # The benchmarks take a checkpoint between measured variants (PostgreSQL 15's pg_checkpoint role allows only that).
    as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q -c "SET client_min_messages TO warning" -c "GRANT pg_checkpoint TO smartecoupon_owner" >/dev/null
    echo "Host=127.0.0.1;Port=$port;Username=smartecoupon_owner;Password=owner;Database=postgres"
    ;;
  stop)
    if [ -f "$folder/data/PG_VERSION" ]; then
      as_postgres "$bin/pg_ctl" -D "$folder/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
  *)
    echo "unknown command: $command" >&2; exit 2 ;;
esac
