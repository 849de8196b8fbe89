#!/usr/bin/env bash
# Rewrites src/*/PublicAPI.Shipped.txt from what the libraries declare public today.
# The build checks every public symbol against these files (Microsoft.CodeAnalysis.PublicApiAnalyzers: RS0016 for a new
# one, RS0017 for a removed one), so an API change fails the build until this script is run and its diff committed —
# the diff is the API review. Usage: tools/update-public-api.sh [src/PROJECT ...]
set -euo pipefail
cd "$(dirname "$0")/.."
projects=("$@")
if [ ${#projects[@]} -eq 0 ]; then
  for f in src/*/PublicAPI.Shipped.txt; do projects+=("$(dirname "$f")"); done
fi
for project in "${projects[@]}"; do
  printf '#nullable enable\n' > "$project/PublicAPI.Shipped.txt"
  : > "$project/PublicAPI.Unshipped.txt"
  # The analyzer names each undeclared symbol in the exact form the file takes.
  csproj="$(cd "$project" && pwd)/$(basename "$project").csproj"
  dotnet build "$project" -c Release --no-incremental -p:WarningsNotAsErrors='RS0016%3BRS0017' 2>&1 \
    | grep -F "[$csproj]" \
    | grep -o "RS0016: Symbol '.*' is not part of the declared public API" \
    | sed -e "s/^RS0016: Symbol '//" -e "s/' is not part of the declared public API$//" \
    | LC_ALL=C sort -u >> "$project/PublicAPI.Shipped.txt" || true
  echo "$project: $(($(wc -l < "$project/PublicAPI.Shipped.txt") - 1)) public symbols"
done
