#!/usr/bin/env bash
# Issue 17's before/after table: bench speed per frame size, "before" (deterministic v1, fp32 transforms) and "after"
# (deterministic v2, --precision auto) and official mode, alternated round by round; medians taken by the summary.
# Usage: tools/cpu-speed-bench.sh [OUT_DIR] [ROUNDS]   (pause background jobs first: medians on a quiet machine)
set -euo pipefail
out=${1:-docs/results/cpu-speed}; rounds=${2:-3}
cli=(dotnet src/EVC.Stream.Cli/bin/Release/net10.0/evcstream.dll)
mkdir -p "$out"
for size in 128x96 320x240 768x512; do
  for round in $(seq 1 "$rounds"); do
    peak=0; [ "$round" = 1 ] && [ "$size" = 320x240 ] && peak=2048
    "${cli[@]}" bench speed --size "$size" --frames 5 --deterministic-version 1 --precision fp32 --peak-size "$peak" --json --png /tmp/speed.png > "$out/$size-before-$round.json"
    "${cli[@]}" bench speed --size "$size" --frames 5 --precision auto --peak-size 0 --json --png /tmp/speed.png > "$out/$size-after-$round.json"
    "${cli[@]}" bench speed --size "$size" --frames 5 --official --precision fp32 --peak-size 0 --json --png /tmp/speed.png > "$out/$size-official-$round.json"
  done
done
python3 tools/cpu-speed-summary.py "$out"
