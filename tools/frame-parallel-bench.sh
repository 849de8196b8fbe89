#!/usr/bin/env bash
# Frame-parallel coding through the CLI: `evcstream capture -i clip.y4m` (a file source: read as fast as coding
# takes it, nothing dropped) and `evcstream decode` of the result, with each --frame-threads count in turn per
# round, so that load from elsewhere falls on every count alike. Prints one JSON line per run and the medians.
#
#   tools/frame-parallel-bench.sh [SIZE=320x240] [SECONDS=10] [ROUNDS=3] [COUNTS="1 2"]
#
# fps = frames / the run's own elapsed seconds (the --stats summary: coding only, not process start-up).
set -euo pipefail
size=${1:-320x240}
seconds=${2:-10}
rounds=${3:-3}
counts=${4:-1 2}
root=$(cd "$(dirname "$0")/.." && pwd)
tool=${EVCSTREAM:-$root/src/EVC.Stream.Cli/bin/Release/net10.0/evcstream}
work=$(mktemp -d /tmp/evc-frame-parallel-XXXXXX)
trap 'rm -rf "$work"' EXIT
clip=$work/clip.y4m
ffmpeg -v error -f lavfi -i "testsrc2=size=$size:rate=10" -t "$seconds" -pix_fmt yuv420p -y "$clip"

fps() {  # frames / elapsed of a --stats file's summary line
    python3 -c 'import json, sys; s = [r for r in map(json.loads, open(sys.argv[1])) if r.get("kind") == "summary"][-1]; print("%d %.3f %.3f" % (s["frames"], s["elapsed_s"], s["frames"] / s["elapsed_s"]))' "$1"
}

results=$work/results.txt
for round in $(seq "$rounds"); do
    for n in $counts; do
        "$tool" capture -i "$clip" -o "$work/c$n.evcs" --device-type cpu --frame-threads "$n" --quiet --overwrite --stats "$work/cs.jsonl" > /dev/null
        read -r frames elapsed rate < <(fps "$work/cs.jsonl")
        echo "{\"round\":$round,\"run\":\"capture\",\"frame_threads\":$n,\"size\":\"$size\",\"frames\":$frames,\"elapsed_s\":$elapsed,\"fps\":$rate}"
        echo "capture $n $rate" >> "$results"
        "$tool" decode "$work/c$n.evcs" -o - --device-type cpu --frame-threads "$n" --quiet --stats "$work/ds.jsonl" > /dev/null
        read -r frames elapsed rate < <(fps "$work/ds.jsonl")
        echo "{\"round\":$round,\"run\":\"decode\",\"frame_threads\":$n,\"size\":\"$size\",\"frames\":$frames,\"elapsed_s\":$elapsed,\"fps\":$rate}"
        echo "decode $n $rate" >> "$results"
    done
done
python3 - "$results" <<'EOF'
import statistics, sys, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    run, n, rate = line.split()
    runs[(run, int(n))].append(float(rate))
for (run, n), rates in sorted(runs.items()):
    print(f"median {run} --frame-threads {n}: {statistics.median(rates):.2f} fps ({', '.join(f'{r:.2f}' for r in rates)})")
EOF
