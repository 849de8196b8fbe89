#!/usr/bin/env bash
# Issue 17's real-time check: capture FFmpeg's test source at SIZE and FPS for SECONDS (paced, as a camera) with the
# defaults, then play the result in a window (Xvfb) and report dropped and presented fractions from --stats.
# Usage: tools/realtime-check.sh [SIZE] [FPS] [SECONDS] [OUT_DIR]   (pause background jobs first)
set -euo pipefail
size=${1:-320x240}; fps=${2:-10}; seconds=${3:-30}; out=${4:-/tmp/realtime-check}
cli=(dotnet src/EVC.Stream.Cli/bin/Release/net10.0/evcstream.dll)
mkdir -p "$out"
rm -f "$out/capture.evcs"
"${cli[@]}" capture --device test --size "$size" --fps "$fps" --duration "$seconds" -o "$out/capture.evcs" --quiet --stats "$out/capture.jsonl"
xvfb-run -a "${cli[@]}" play "$out/capture.evcs" --quiet --stats "$out/play.jsonl"
python3 - "$out" <<'PY'
import json, sys
def summary(path):
    return next(json.loads(l) for l in open(path) if json.loads(l)["kind"] == "summary")
c, p = summary(sys.argv[1] + "/capture.jsonl"), summary(sys.argv[1] + "/play.jsonl")
print(f"capture: {c['dropped']} of {c['captured']} frames dropped ({c['dropped'] / c['captured']:.1%}); "
      f"play: {p['frames']} of {p['total_frames']} presented ({p['frames'] / p['total_frames']:.1%})")
PY
