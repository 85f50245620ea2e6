#!/usr/bin/env bash
# Records the public API of a shipping project in its PublicAPI.Unshipped.txt, on purpose and in review:
# adds what RS0016 reports as new and removes what RS0017 reports as gone. Run it after changing public API,
# then read the diff of the PublicAPI files before committing.
#   eng/update-public-api.sh src/SmartECoupon.Core
set -euo pipefail
project_dir=${1:?usage: eng/update-public-api.sh <project folder>}
unshipped="$project_dir/PublicAPI.Unshipped.txt"
for round in 1 2 3; do
  log=$(dotnet build "$project_dir" -p:TreatWarningsAsErrors=false -nologo 2>&1 || true)
  added=$(printf '%s\n' "$log" | grep -oP "RS0016: Symbol '\K.*(?=' is not part of the declared public API)" | sort -u || true)
  removed=$(printf '%s\n' "$log" | grep -oP "RS0017: Symbol '\K.*(?=' is part of the declared API, but is either not public or could not be found)" | sort -u || true)
  [ -z "$added$removed" ] && break
  if [ -n "$removed" ]; then
    while IFS= read -r symbol; do
      grep -vxF -- "$symbol" "$unshipped" > "$unshipped.tmp" || true
      mv "$unshipped.tmp" "$unshipped"
    done <<< "$removed"
  fi
  if [ -n "$added" ]; then
    printf '%s\n' "$added" >> "$unshipped"
  fi
  { head -n1 "$unshipped"; tail -n +2 "$unshipped" | grep -v '^$' | LC_ALL=C sort -u; } > "$unshipped.tmp"
  mv "$unshipped.tmp" "$unshipped"
done
printf '%s\n' "$log" | grep -E "RS00[0-9]{2}" | sed 's/^.*error //' | sort -u | head -20 || true
