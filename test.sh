#!/usr/bin/env bash
# Runs every test of SmartECoupon on a fresh machine that has the .NET 10 SDK and the PostgreSQL 15 binaries:
# installs Debian's chromium and a Japanese font for the page tests when they are missing, restores, builds (warnings
# are errors), starts a throw-away PostgreSQL cluster for the PostgreSQL suite and PgBouncer in front of it for the
# pooler suite (both stopped at the end, even on failure),
# runs the tests, then runs the README's Quickstart as written and every C# snippet of the docs (samples/DocSnippets).
# CI runs this same script through .ci/run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
configuration=${CONFIGURATION:-Release}
work=$(pwd)/.tmp
mkdir -p "$work"

# Debian packages the tests drive, installed with apt when missing and possible; under CI=true they must be there.
# apt_install <what for> <package>...
apt_install() {
  local purpose=$1; shift
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "$@" >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get install -y -q "$@" >/dev/null; } \
      || { [ "${CI:-}" = "true" ] && { echo "$* could not be installed, and CI=true requires $purpose." >&2; exit 1; }; true; }
  elif [ "${CI:-}" = "true" ]; then
    echo "$* missing and cannot be installed here (needs root and apt-get); CI=true requires $purpose." >&2
    exit 1
  else
    echo "$* missing: $purpose will be skipped (apt-get install $*)." >&2
  fi
}

# The page tests drive Debian's chromium (Playwright's own browser download is not reachable); the Japanese font makes
# their screenshots show Japanese text.
if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi ipagothic; then
  apt_install "the page tests" chromium fonts-ipafont-gothic
fi
# The pooler suite runs the storage contract through PgBouncer in transaction mode.
command -v pgbouncer >/dev/null || apt_install "the PgBouncer suite" pgbouncer

# PostgreSQL: use SMARTECOUPON_TEST_POSTGRES when given; otherwise start a cluster of our own if the binaries exist.
# Under CI=true a PostgreSQL that cannot start fails the run; elsewhere its tests are skipped with a message.
cluster=""
bouncer=""
cleanup() {
  if [ -n "$bouncer" ]; then eng/pgbouncer.sh stop "$bouncer"; rm -rf "$bouncer"; fi
  if [ -n "$cluster" ]; then eng/postgres.sh stop "$cluster"; rm -rf "$cluster"; fi
}
trap cleanup EXIT
if [ -z "${SMARTECOUPON_TEST_POSTGRES:-}" ]; then
  # A folder of its own under /tmp: the postgres user must reach it, which it may not inside this checkout.
  cluster=$(mktemp -d "${TMPDIR:-/tmp}/smartecoupon-pg.XXXXXX")
  chmod 755 "$cluster"
  port=${SMARTECOUPON_TEST_POSTGRES_PORT:-54330}
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  if connection=$(eng/postgres.sh start "$cluster" "$port"); then
    export SMARTECOUPON_TEST_POSTGRES="$connection"
  elif [ "${CI:-}" = "true" ]; then
    echo "PostgreSQL could not be started, and CI=true requires the PostgreSQL suite." >&2
    exit 1
  else
    echo "PostgreSQL could not be started: its tests will be skipped." >&2
  fi
fi
# PgBouncer (transaction pooling) in front of that PostgreSQL, unless SMARTECOUPON_TEST_PGBOUNCER names one already.
if [ -n "${SMARTECOUPON_TEST_POSTGRES:-}" ] && [ -z "${SMARTECOUPON_TEST_PGBOUNCER:-}" ] && command -v pgbouncer >/dev/null; then
  bouncer=$(mktemp -d "${TMPDIR:-/tmp}/smartecoupon-pgbouncer.XXXXXX")
  chmod 755 "$bouncer"
  port=${SMARTECOUPON_TEST_PGBOUNCER_PORT:-56430}
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  if connection=$(eng/pgbouncer.sh start "$bouncer" "$port" "$SMARTECOUPON_TEST_POSTGRES"); then
    export SMARTECOUPON_TEST_PGBOUNCER="$connection"
  elif [ "${CI:-}" = "true" ]; then
    echo "PgBouncer could not be started, and CI=true requires the PgBouncer suite." >&2
    exit 1
  fi
fi
export SMARTECOUPON_REPORT_FILE="$work/race-report.txt"
rm -f "$SMARTECOUPON_REPORT_FILE"

dotnet tool restore
dotnet restore SmartECoupon.Core.sln
dotnet build SmartECoupon.Core.sln -c "$configuration" --no-restore
dotnet test SmartECoupon.Core.sln -c "$configuration" --no-build
dotnet run --project samples/Quickstart -c "$configuration" --no-build
dotnet run --project samples/DocSnippets -c "$configuration" --no-build

if [ -f "$SMARTECOUPON_REPORT_FILE" ]; then
  echo "== Figures from the conformance suite (races: rows counted in the database; volumes) =="
  sort "$SMARTECOUPON_REPORT_FILE"
fi
