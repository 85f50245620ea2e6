#!/usr/bin/env bash
# Adds a migration for both providers and keeps the generated classes internal (they are not public API).
#   eng/add-migration.sh <Name>
set -euo pipefail
name=${1:?usage: eng/add-migration.sh <MigrationName>}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dotnet tool restore >/dev/null
for provider in Sqlite PostgreSql; do
  dotnet ef migrations add "$name" -p src/SmartECoupon.Storage.EfCore -c "${provider}SmartECouponDbContext" -o "Migrations/$provider"
  sed -i 's/^    public partial class /    internal partial class /; s/^    partial class /    internal partial class /' \
    src/SmartECoupon.Storage.EfCore/Migrations/$provider/*.cs
done
