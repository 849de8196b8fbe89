#!/bin/bash
# RQ4 of the EVC paper here: one teacher, decayed into EVC_SS by the paper rule, L1 and L2; every student is validated
# right after pruning (log.jsonl of each run). Usage, from the repository root:
#   tools/experiments/rq4.sh scratch OUT    # EVC_MM teacher trained from scratch (1,500 steps)
#   tools/experiments/rq4.sh grown OUT      # EVC_MM teacher grown from models/default.safetensors (400 steps)
# EVCSTREAM overrides the CLI (default: dotnet run of src/EVC.Stream.Cli).
set -euo pipefail
mode=${1:?scratch or grown}
out=${2:?output folder}
cli=${EVCSTREAM:-"dotnet run --project src/EVC.Stream.Cli -c Release --"}
common=(--crop 64 --batch 4 --val-count 4 --val-every 0 --threads 2)
mkdir -p "$out"
case "$mode" in
  scratch) $cli train --arch EVC_MM --steps 1500 --lr 2e-4 "${common[@]}" -o "$out/teacher" ;;
  grown) $cli train --init models/default.safetensors --grow --arch EVC_MM --steps 400 "${common[@]}" -o "$out/teacher" ;;
  *) echo "mode: scratch or grown" >&2; exit 2 ;;
esac
lr=(); [ "$mode" = scratch ] && lr=(--lr 2e-4)
for rule in paper l1 l2; do
  $cli train --init "$out/teacher/model.safetensors" --arch EVC_MM --student EVC_SS --sparsity "$rule" \
    --steps 400 --decay-steps 300 "${lr[@]}" "${common[@]}" -o "$out/$rule"
done
