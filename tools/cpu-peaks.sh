#!/usr/bin/env bash
# Peak multiply-add rates (GMAC/s) of float32 FMA, int16 VNNI and bf16 dot products: one copy of tools/cpu-peaks.c per
# core, all at once, three rounds; prints each round's per-core rates and the medians of their sums.
# Usage: tools/cpu-peaks.sh [OUTPUT.json]   (pause background jobs first: kill -STOP ...)
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$(mktemp)
gcc -O3 -funroll-all-loops -mavx512f -mavx512vnni -mavx512bf16 tools/cpu-peaks.c -o "$binary"
cores=$(nproc)
rounds=()
for round in 1 2 3; do
  outputs=()
  for core in $(seq 1 "$cores"); do outputs+=("$(mktemp)"); "$binary" > "${outputs[-1]}" & done
  wait
  rounds+=("$(cat "${outputs[@]}" | python3 -c '
import sys, collections
sums = collections.defaultdict(float); per = collections.defaultdict(list)
for line in sys.stdin:
    name, value = line.split(); sums[name] += float(value); per[name].append(float(value))
print(" ".join(f"{k}={sums[k]:.1f}" for k in sums) + " | per core " + " ".join(f"{k}={per[k]}" for k in per))')")
  echo "round $round ($cores cores): ${rounds[-1]}"
  rm -f "${outputs[@]}"
done
rm -f "$binary"
summary=$(CORES=$cores; export CORES; printf '%s\n' "${rounds[@]}" | python3 -c "
import sys, json, statistics, datetime, os
rows = [dict(kv.split('=') for kv in line.split(' | ')[0].split()) for line in sys.stdin]
out = {k: statistics.median(float(r[k]) for r in rows) for k in rows[0]}
print(json.dumps({'benchmark': 'cpu-peaks', 'cores': int(os.environ['CORES']), 'gmac_per_s_all_cores_median_of_3': out,
  'date': datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M UTC')}, indent=2))")
echo "$summary"
if [ $# -ge 1 ]; then echo "$summary" > "$1"; fi
