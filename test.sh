#!/usr/bin/env bash
# Runs every test of SmartECoupon on a fresh machine that has the .NET 10 SDK: restores, builds (warnings are
# errors), starts whatever the tests need, runs the tests, then runs the README's Quickstart as written.
# CI runs this same script through .ci/run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
configuration=${CONFIGURATION:-Release}

dotnet restore SmartECoupon.Core.sln
dotnet build SmartECoupon.Core.sln -c "$configuration" --no-restore
dotnet test SmartECoupon.Core.sln -c "$configuration" --no-build
dotnet run --project samples/Quickstart -c "$configuration" --no-build
