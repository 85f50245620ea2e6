#!/usr/bin/env bash
# The reference topology of docs/operations.md on one machine, from Debian packages (apt-get install etcd-server
# patroni pgbouncer haproxy) and the PostgreSQL 15 binaries:
#
#   clients ──▶ HAProxy :B+60 (HTTP, /readyz) ──▶ host 1 :B+50, host 2 :B+51
#   hosts ──▶ PgBouncer :B+40 (transaction mode) ──▶ HAProxy :B+30 (TCP, Patroni's /primary) ──▶ node 1 :B+10 / node 2 :B+11
#   Patroni node 1 (REST :B+20) and node 2 (REST :B+21), synchronous_mode, leader key in etcd :B (peer :B+1)
#
# Requests log in as smartecoupon_web through PgBouncer, cross-tenant work as smartecoupon_jobs; the owner migrates and
# backs up over HAProxy directly, where each instance also listens for the others' changes.
#   eng/cluster.sh up <folder> [base-port]     starts everything (builds the host first); prints the addresses
#   eng/cluster.sh down <folder>               stops everything
#   eng/cluster.sh kill-primary <folder>       kill -9 of the primary's postmaster and its Patroni (a crash)
#   eng/cluster.sh primary <folder>            prints the primary node's name
#   eng/cluster.sh kill-host <folder>          kill -9 of host 1 (an instance that dies mid-request)
#   eng/cluster.sh revive <folder>             restarts a node that was killed; it rejoins as the standby
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
command=${1:?usage: eng/cluster.sh up|down|kill-primary|kill-host|primary|revive <folder> [base-port]}
folder=${2:?usage: eng/cluster.sh up|down|kill-primary|primary <folder> [base-port]}
mkdir -p "$folder"
folder=$(cd "$folder" && pwd)
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -s /bin/bash -c "cd / && $(printf '%q ' "$@")"; fi
}
wait_port() { for _ in $(seq 1 "${2:-300}"); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 did not open" >&2; return 1; }
psql_at() { PGPASSWORD=postgres "$bin/psql" -h 127.0.0.1 -p "$1" -U postgres -d "${3:-postgres}" -v ON_ERROR_STOP=1 -qAtc "$2"; }

primary_name() {
  local base; base=$(cat "$folder/base-port")
  for node in 1 2; do
    if curl -fs "http://127.0.0.1:$((base + 19 + node))/primary" >/dev/null 2>&1; then echo "node$node"; return 0; fi
  done
  return 1
}

case "$command" in
  up)
    if [ -f "$folder/etcd.pid" ] && kill -0 "$(cat "$folder/etcd.pid")" 2>/dev/null; then
      echo "a cluster runs in $folder already (eng/cluster.sh down $folder first)" >&2
      exit 1
    fi
    base=${3:-57000}
    echo "$base" > "$folder/base-port"
    for tool in etcd patroni pgbouncer haproxy curl; do
      command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install etcd-server patroni pgbouncer haproxy curl)" >&2; exit 1; }
    done
    mkdir -p "$folder/etcd" "$folder/node1" "$folder/node2" "$folder/backups" "$folder/logs"
    [ "$(id -u)" = 0 ] && chown -R postgres "$folder"
    chmod 755 "$folder"

    # etcd: the store of Patroni's leader key.
    as_postgres bash -c "nohup etcd --name cluster --data-dir '$folder/etcd/data' \
      --listen-client-urls http://127.0.0.1:$base --advertise-client-urls http://127.0.0.1:$base \
      --listen-peer-urls http://127.0.0.1:$((base + 1)) --initial-advertise-peer-urls http://127.0.0.1:$((base + 1)) \
      --initial-cluster cluster=http://127.0.0.1:$((base + 1)) > '$folder/logs/etcd.log' 2>&1 & echo \$! > '$folder/etcd.pid'"
    wait_port "$base"

    # Two Patroni nodes: a short ttl and loop so that a dead primary is replaced in seconds; synchronous_mode, so that an
    # acknowledged commit is on the standby too and survives the failover.
    for node in 1 2; do
      cat > "$folder/node$node/patroni.yml" <<YAML
scope: smartecoupon
name: node$node
restapi:
  listen: 127.0.0.1:$((base + 19 + node))
  connect_address: 127.0.0.1:$((base + 19 + node))
etcd3:
  hosts: 127.0.0.1:$base
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 1
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      parameters:
        max_connections: 200
        shared_buffers: 128MB
        wal_log_hints: "on"
        max_wal_senders: 10
        max_replication_slots: 10
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
  pg_hba:
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
postgresql:
  listen: 127.0.0.1:$((base + 9 + node))
  connect_address: 127.0.0.1:$((base + 9 + node))
  data_dir: $folder/node$node/data
  bin_dir: $bin
  pgpass: $folder/node$node/pgpass
  authentication:
    replication: {username: replicator, password: replicator}
    superuser: {username: postgres, password: postgres}
    rewind: {username: postgres, password: postgres}
  parameters:
    unix_socket_directories: $folder/node$node
YAML
      chown postgres "$folder/node$node/patroni.yml" 2>/dev/null || true
      as_postgres bash -c "nohup patroni '$folder/node$node/patroni.yml' > '$folder/logs/node$node.log' 2>&1 & echo \$! > '$folder/node$node/patroni.pid'"
      # The first node bootstraps the cluster; the second then clones it.
      wait_port $((base + 9 + node)) 600
      if [ "$node" = 1 ]; then
        for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$((base + 20))/primary" >/dev/null 2>&1 && break; sleep 0.2; done
      fi
    done

    # HAProxy: the primary for PostgreSQL (Patroni's REST API says which node is), and the hosts for HTTP (/readyz).
    cat > "$folder/haproxy.cfg" <<CFG
global
  maxconn 4000
  pidfile $folder/haproxy.pid
defaults
  timeout connect 2s
  timeout client 30m
  timeout server 30m
  timeout check 2s
listen postgres_primary
  mode tcp
  bind 127.0.0.1:$((base + 30))
  option httpchk GET /primary
  http-check expect status 200
  default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions
  server node1 127.0.0.1:$((base + 10)) check port $((base + 20))
  server node2 127.0.0.1:$((base + 11)) check port $((base + 21))
frontend web
  mode http
  timeout client 60s
  bind 127.0.0.1:$((base + 60))
  default_backend hosts
backend hosts
  mode http
  timeout server 60s
  balance roundrobin
  # Which instance answered: the cluster's contract tests check that requests alternate.
  http-response set-header X-Served-By %s
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 500ms fall 2 rise 1
  server host1 127.0.0.1:$((base + 50)) check
  server host2 127.0.0.1:$((base + 51)) check
CFG
    haproxy -D -f "$folder/haproxy.cfg"
    wait_port $((base + 30))
    for _ in $(seq 1 100); do psql_at $((base + 30)) "SELECT 1" >/dev/null 2>&1 && break; sleep 0.2; done

    # The owner, the database and the two logins that own nothing (least privilege: docs/storage.md).
    psql_at $((base + 30)) "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'smartecoupon_owner') THEN CREATE ROLE smartecoupon_owner LOGIN CREATEROLE CREATEDB PASSWORD 'owner'; END IF;
      ALTER ROLE smartecoupon_owner CREATEDB;
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'smartecoupon_web') THEN CREATE ROLE smartecoupon_web LOGIN PASSWORD 'web'; END IF;
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'smartecoupon_jobs') THEN CREATE ROLE smartecoupon_jobs LOGIN PASSWORD 'jobs'; END IF;
    END \$\$;"
    psql_at $((base + 30)) "SELECT 1 FROM pg_database WHERE datname = 'smartecoupon'" | grep -q 1 \
      || psql_at $((base + 30)) "CREATE DATABASE smartecoupon OWNER smartecoupon_owner"

    # PgBouncer in transaction mode in front of HAProxy's primary port.
    PGBOUNCER_EXTRA_USERS="smartecoupon_web:web smartecoupon_jobs:jobs" \
      eng/pgbouncer.sh start "$folder/pgbouncer" $((base + 40)) "Host=127.0.0.1;Port=$((base + 30));Username=smartecoupon_owner;Password=owner;Database=smartecoupon" >/dev/null

    # Two host instances, configured as docs/operations.md says for this shape.
    configuration=${CONFIGURATION:-Release}
    dll="$repo/samples/WebHost/bin/$configuration/net10.0/SmartECoupon.WebHost.dll"
    dotnet build "$repo/samples/WebHost" -c "$configuration" -v quiet -nologo >/dev/null
    operator_key_file="$folder/operator-key"
    if [ ! -f "$operator_key_file" ]; then
      # (tr is cut off by head on purpose: no pipefail here)
      key_id=$(set +o pipefail; tr -dc '0123456789abcdefghjkmnpqrstvwxyz' </dev/urandom | head -c16)
      secret=$(head -c32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
      echo "sek.op.$key_id.$secret" > "$operator_key_file"
    fi
    for host in 1 2; do
      mkdir -p "$folder/host$host"
      (
        cd "$folder/host$host"
        export ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$((base + 49 + host))" \
          Logging__LogLevel__Default=Warning \
          SmartECoupon__Storage__Provider=PostgreSql \
          SmartECoupon__Storage__PoolerMode=Transaction \
          ConnectionStrings__SmartECoupon="Host=127.0.0.1;Port=$((base + 40));Database=smartecoupon;Username=smartecoupon_web;Password=web;Maximum Pool Size=40" \
          ConnectionStrings__SmartECouponPlatform="Host=127.0.0.1;Port=$((base + 40));Database=smartecoupon;Username=smartecoupon_jobs;Password=jobs;Maximum Pool Size=10" \
          ConnectionStrings__SmartECouponOwner="Host=127.0.0.1;Port=$((base + 30));Database=smartecoupon;Username=smartecoupon_owner;Password=owner" \
          ConnectionStrings__SmartECouponListen="Host=127.0.0.1;Port=$((base + 30));Database=smartecoupon;Username=smartecoupon_web;Password=web" \
          SmartECoupon__Bootstrap__OperatorApiKey="$(cat "$operator_key_file")" \
          SmartECoupon__Backups__Folder="$folder/backups" \
          SmartECoupon__Uploads__Folder="$folder/host$host/uploads" \
          Host__Mail__PickupFolder="$folder/host$host/mail"
        nohup dotnet "$dll" > "$folder/logs/host$host.log" 2>&1 &
        echo $! > "$folder/host$host/pid"
      )
      # The first instance migrates alone; the second starts once it serves.
      for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$((base + 49 + host))/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
    done
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$((base + 60))/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
    echo "SMARTECOUPON_CLUSTER_URL=http://127.0.0.1:$((base + 60))"
    echo "SMARTECOUPON_CLUSTER_OPERATOR_KEY=$(cat "$operator_key_file")"
    echo "SMARTECOUPON_CLUSTER_PRIMARY=$(primary_name)"
    ;;
  primary)
    primary_name
    ;;
  kill-primary)
    base=$(cat "$folder/base-port")
    node=$(primary_name)
    # A crash, not a stop: the Patroni process and the postmaster die at once, and the leader key expires after ttl.
    kill -9 "$(cat "$folder/$node/patroni.pid")" 2>/dev/null || true
    kill -9 "$(head -n1 "$folder/$node/data/postmaster.pid")" 2>/dev/null || true
    echo "$node"
    ;;
  kill-host)
    # An instance dies mid-request: kill -9 of host 1; HAProxy takes it out of the rotation.
    kill -9 "$(cat "$folder/host1/pid")" 2>/dev/null || true
    echo host1
    ;;
  revive)
    # Restarts the Patroni of a node that is down (after kill-primary): it rejoins as a standby (pg_rewind).
    for node in 1 2; do
      if ! kill -0 "$(cat "$folder/node$node/patroni.pid" 2>/dev/null || echo 0)" 2>/dev/null; then
        as_postgres bash -c "nohup patroni '$folder/node$node/patroni.yml' >> '$folder/logs/node$node.log' 2>&1 & echo \$! > '$folder/node$node/patroni.pid'"
        base=$(cat "$folder/base-port")
        for _ in $(seq 1 300); do
          curl -fs "http://127.0.0.1:$((base + 19 + node))/replica" >/dev/null 2>&1 && break
          sleep 0.2
        done
        echo "node$node"
      fi
    done
    ;;
  down)
    for host in 1 2; do [ -f "$folder/host$host/pid" ] && kill "$(cat "$folder/host$host/pid")" 2>/dev/null || true; done
    [ -f "$folder/haproxy.pid" ] && kill "$(cat "$folder/haproxy.pid")" 2>/dev/null || true
    eng/pgbouncer.sh stop "$folder/pgbouncer" 2>/dev/null || true
    for node in 1 2; do
      [ -f "$folder/node$node/patroni.pid" ] && kill "$(cat "$folder/node$node/patroni.pid")" 2>/dev/null || true
    done
    sleep 2
    for node in 1 2; do
      if [ -f "$folder/node$node/data/postmaster.pid" ]; then
        as_postgres "$bin/pg_ctl" -D "$folder/node$node/data" -m immediate stop >/dev/null 2>&1 || true
      fi
    done
    [ -f "$folder/etcd.pid" ] && kill "$(cat "$folder/etcd.pid")" 2>/dev/null || true
    # Whatever else still runs from this folder (a host, a Patroni started twice) goes too.
    sleep 1
    for pid in $(pgrep -f "$folder/" || true); do [ "$pid" != "$$" ] && kill -9 "$pid" 2>/dev/null || true; done
    rm -f "$folder/etcd.pid"
    ;;
  *)
    echo "unknown command: $command" >&2; exit 2 ;;
esac
