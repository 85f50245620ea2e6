#!/usr/bin/env bash
# Runs every test of SmartECoupon on a fresh machine that has the .NET 10 SDK and the PostgreSQL 15 binaries:
# restores, builds (warnings are errors), starts a throw-away PostgreSQL cluster for the PostgreSQL suite (stopped at
# the end, even on failure), runs the tests, then runs the README's Quickstart as written.
# CI runs this same script through .ci/run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
configuration=${CONFIGURATION:-Release}
work=$(pwd)/.tmp
mkdir -p "$work"

# PostgreSQL: use SMARTECOUPON_TEST_POSTGRES when given; otherwise start a cluster of our own if the binaries exist.
# Under CI=true a PostgreSQL that cannot start fails the run; elsewhere its tests are skipped with a message.
cluster=""
if [ -z "${SMARTECOUPON_TEST_POSTGRES:-}" ]; then
  # A folder of its own under /tmp: the postgres user must reach it, which it may not inside this checkout.
  cluster=$(mktemp -d "${TMPDIR:-/tmp}/smartecoupon-pg.XXXXXX")
  chmod 755 "$cluster"
  trap 'eng/postgres.sh stop "$cluster"; rm -rf "$cluster"' EXIT
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
export SMARTECOUPON_REPORT_FILE="$work/race-report.txt"
rm -f "$SMARTECOUPON_REPORT_FILE"

dotnet tool restore
dotnet restore SmartECoupon.Core.sln
dotnet build SmartECoupon.Core.sln -c "$configuration" --no-restore
dotnet test SmartECoupon.Core.sln -c "$configuration" --no-build
dotnet run --project samples/Quickstart -c "$configuration" --no-build

if [ -f "$SMARTECOUPON_REPORT_FILE" ]; then
  echo "== Figures from the conformance suite (races: rows counted in the database; volumes) =="
  sort "$SMARTECOUPON_REPORT_FILE"
fi
