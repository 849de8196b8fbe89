#!/bin/bash
# Residual representation learning here: Scale_EVC_SS whose four encoders start as the default EVC_SS, 400 steps;
# validation codes every level (log.jsonl). Usage, from the repository root: tools/experiments/rrl.sh OUT
set -euo pipefail
out=${1:?output folder}
cli=${EVCSTREAM:-"dotnet run --project src/EVC.Stream.Cli -c Release --"}
d=models/default.safetensors
$cli train --arch Scale_EVC_SS --init-encoders $d,$d,$d,$d --steps 400 --crop 128 --batch 4 --val-count 4 --val-every 0 --threads 2 -o "$out"
