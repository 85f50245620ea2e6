#!/usr/bin/env bash
# A throw-away PgBouncer in transaction pooling mode in front of a PostgreSQL server, for the tests and benchmarks:
# every database of the server is served (`* =`), logins are checked by the server, nothing outside the folder is
# touched. PgBouncer refuses to run as root, so it runs as the `postgres` user, like eng/postgres.sh's cluster.
#   eng/pgbouncer.sh start <folder> <listen-port> <server-connection-string>   prints the same connection string, through PgBouncer
#   eng/pgbouncer.sh stop <folder>
set -euo pipefail
command=${1:?usage: eng/pgbouncer.sh start|stop <folder> [listen-port server-connection-string]}
folder=${2:?usage: eng/pgbouncer.sh start|stop <folder> [listen-port server-connection-string]}

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -s /bin/bash -c "cd / && $(printf '%q ' "$@")"; fi
}

case "$command" in
  start)
    port=${3:?listen port}
    server=${4:?server connection string}
    command -v pgbouncer >/dev/null || { echo "pgbouncer is not installed (apt-get install pgbouncer)" >&2; exit 1; }
    value() { printf '%s' "$server" | tr ';' '\n' | sed -n "s/^$1=//Ip" | head -n1; }
    server_host=$(value Host); server_port=$(value Port); user=$(value Username); password=$(value Password)
    mkdir -p "$folder"
    folder=$(cd "$folder" && pwd)
    # The login is passed on to the server as it is (the test cluster trusts loopback); PgBouncer only needs to know it.
    printf '"%s" "%s"\n' "$user" "$password" > "$folder/userlist.txt"
    # More logins the clients use (PGBOUNCER_EXTRA_USERS="name:password name:password"), such as least privilege's.
    for extra in ${PGBOUNCER_EXTRA_USERS:-}; do printf '"%s" "%s"\n' "${extra%%:*}" "${extra#*:}" >> "$folder/userlist.txt"; done
    cat > "$folder/pgbouncer.ini" <<INI
[databases]
* = host=$server_host port=$server_port

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $folder/userlist.txt
pool_mode = transaction
max_client_conn = 800
default_pool_size = 20
max_db_connections = 60
server_idle_timeout = 30
logfile = $folder/pgbouncer.log
pidfile = $folder/pgbouncer.pid
INI
    [ "$(id -u)" = 0 ] && chown -R postgres "$folder"
    if [ ! -f "$folder/pgbouncer.pid" ] || ! kill -0 "$(cat "$folder/pgbouncer.pid")" 2>/dev/null; then
      as_postgres pgbouncer -d -q "$folder/pgbouncer.ini"
    fi
    for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
    printf '%s\n' "$server" | sed "s/Host=[^;]*/Host=127.0.0.1/I; s/Port=[^;]*/Port=$port/I"
    ;;
  stop)
    if [ -f "$folder/pgbouncer.pid" ]; then
      kill "$(cat "$folder/pgbouncer.pid")" 2>/dev/null || true
    fi
    ;;
  *)
    echo "unknown command: $command" >&2; exit 2 ;;
esac
