#!/usr/bin/env bash
# Runs `evcstream bench entropy --json` several times (shared machines are noisy) and keeps every result:
#   tools/bench-entropy.sh [RUNS] [extra bench options...]
# Results go to artifacts/bench-entropy/<timestamp>/run-N.json; a one-line summary per run is printed.
# To compare with the official coder side by side, run it between runs of the official coder and pass its figures
# with --official FILE (see docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
shift || true
out="artifacts/bench-entropy/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
dotnet build src/EVC.Stream.Cli -c Release -v q -nologo >/dev/null
for i in $(seq 1 "$runs"); do
  dotnet src/EVC.Stream.Cli/bin/Release/net10.0/evcstream.dll bench entropy --json "$@" > "$out/run-$i.json"
  # profile: encode/decode Msym/s, single thread (plain text extraction keeps this free of jq/python)
  tr -d ' \n' < "$out/run-$i.json" | grep -o '"profile":"[a-z-]*"[^}]*"encode_msym_per_second":[0-9.]*,"decode_msym_per_second":[0-9.]*' \
    | sed -E 's/"profile":"([a-z-]*)".*"encode_msym_per_second":([0-9.]*),"decode_msym_per_second":([0-9.]*)/\1 encode \2 decode \3/' \
    | awk -v run="$i" '{ printf "run %s  %-10s encode %6.1f  decode %6.1f Msym/s\n", run, $1, $3, $5 }'
done
echo "results: $out"
