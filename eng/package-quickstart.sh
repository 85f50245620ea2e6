#!/usr/bin/env bash
# The packages as a newcomer meets them, following docs/getting-started.md word for word: packs SmartECoupon.Core,
# SmartECoupon.Storage.EfCore and SmartECoupon.Storage.Specification into a local folder, checks what each package
# holds, creates a fresh console project outside the repository that references them from that folder (and nuget.org
# for their dependencies), puts the Quickstart in it as its Program.cs, runs it on SQLite, and checks what it prints.
# Then, as the author of a storage adapter would (docs/writing-a-storage-adapter.md), a fresh test project outside the
# repository inherits the specification from its package and runs it on the EF Core adapter's SQLite storage.
#   eng/package-quickstart.sh [configuration]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
configuration=${1:-Release}
repository=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/smartecoupon-package-quickstart.XXXXXX")
trap 'rm -rf "$work"' EXIT
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n1)

# Step 1 of Getting started: the packages, into a folder.
for project in src/SmartECoupon.Core src/SmartECoupon.Storage.EfCore src/SmartECoupon.Storage.Specification; do
  dotnet pack "$project" -c "$configuration" -o "$work/packages" --nologo -v quiet
done
python3 - "$work/packages" "$version" <<'PY'
import sys, zipfile, pathlib, re
folder, version = pathlib.Path(sys.argv[1]), sys.argv[2]
for name in ("SmartECoupon.Core", "SmartECoupon.Storage.EfCore", "SmartECoupon.Storage.Specification"):
    nupkg = folder / f"{name}.{version}.nupkg"
    archive = zipfile.ZipFile(nupkg)
    entries = set(archive.namelist())
    wanted = {"README.md", "icon.png", f"lib/net10.0/{name}.dll", f"lib/net10.0/{name}.xml"}
    missing = wanted - entries
    if missing:
        sys.exit(f"{nupkg.name} lacks {sorted(missing)}")
    nuspec = archive.read(f"{name}.nuspec").decode()
    for element in ("license", "repository", "tags", "icon", "readme", "projectUrl"):
        if not re.search(rf"<{element}\b", nuspec):
            sys.exit(f"{nupkg.name}: the nuspec has no <{element}>")
    if not (folder / f"{name}.{version}.snupkg").exists():
        sys.exit(f"no symbol package for {name}")
    print(f"{nupkg.name}: README, icon, licence, repository, tags, DLL, XML docs and symbols present")
PY

# Step 2: a fresh console project, outside the repository (no Directory.Build.props, no central versions apply).
cd "$work"
dotnet new console -n MyCoupons --framework net10.0 --no-restore >/dev/null
cd MyCoupons
# Its own package folder, so that an older build of the same version in the machine's cache is never used.
export NUGET_PACKAGES="$work/nuget-cache"
dotnet new nugetconfig >/dev/null
dotnet nuget add source ../packages --name smartecoupon-local >/dev/null
dotnet add package SmartECoupon.Core --version "$version" >/dev/null
dotnet add package SmartECoupon.Storage.EfCore --version "$version" >/dev/null
dotnet add package Microsoft.Extensions.DependencyInjection >/dev/null

# Step 3: the Quickstart, as the docs show it.
cp "$repository/samples/Quickstart/Program.cs" Program.cs
output=$(dotnet run -c Release 2>&1) || { echo "$output" >&2; echo "The packaged Quickstart failed." >&2; exit 1; }
echo "$output"
if ! grep -Eq '^ticket [0-9A-Z]{10}: first use redeemed, second use ticket_already_used$' <<<"$output"; then
  echo "The packaged Quickstart did not print what docs/getting-started.md says it prints." >&2
  exit 1
fi
echo "Packaged Quickstart: a coupon redeemed once and refused the second time, from the packages alone."

# A storage adapter's test project, outside the repository: the specification from its package, a harness of its own.
cd "$work"
dotnet new classlib -n MyAdapterTests --framework net10.0 --no-restore >/dev/null
cd MyAdapterTests
rm -f Class1.cs
cp ../MyCoupons/nuget.config .
cat > MyAdapterTests.csproj <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <IsPackable>false</IsPackable>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="SmartECoupon.Storage.Specification" Version="$version" />
    <PackageReference Include="SmartECoupon.Storage.EfCore" Version="$version" />
    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
    <PackageReference Include="xunit" Version="2.9.3" />
    <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
  </ItemGroup>
</Project>
XML
cp "$repository/eng/adapter-harness/SqliteAdapterTests.cs" .
output=$(dotnet test -c Release 2>&1) || { echo "$output" >&2; echo "The specification from its package failed on the EF Core adapter." >&2; exit 1; }
summary=$(grep -E "^(Passed|Failed)!" <<<"$output" || true)
echo "Specification package: $summary"
if ! grep -Eq '^Passed! +- Failed: +0, Passed: +[1-9][0-9]+' <<<"$summary"; then
  echo "The specification from its package did not pass on the EF Core adapter." >&2
  exit 1
fi
