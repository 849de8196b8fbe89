#!/usr/bin/env bash
# The GPU check of issue 19, in one go, for the lent GPU machine (no .NET, no network, minutes counted): from the
# bundle that tools/device/prepare-gpu-publish.sh made here, it finds a libtorch for evcstream (the machine's PyTorch
# one), checks that TorchSharp's bridge links against it, then runs bench speed, bench determinism across devices and
# two 300-frame captures, each step under a timeout and a global deadline, writing results as it goes to $OUT.
# Without CUDA (or with --cpu) every step runs on the CPU, at a small size for a dry run. docs/gpu.md explains all.
set -uo pipefail

usage() {
    cat <<'EOF'
usage: tools/device/gpu-check.sh [options]
  --bundle FILE        archive from prepare-gpu-publish.sh (default .gpu/carry/evcstream-linux-x64.tar.xz)
  --app DIR            an unpacked publish folder instead of --bundle
  --images DIR         PNG folder for bench determinism (default: the bundle's images/)
  --libtorch DIR       folder with libtorch*.so and libc10*.so (default: PyTorch's torch/lib, then $EVC_LIBTORCH,
                       then the NuGet libtorch-cpu 2.10 folder)
  --cpu                run every step on the CPU (automatic when no CUDA device is seen)
  --size WxH           frame size of bench speed and the captures (default 1920x1080; 128x96 with --cpu)
  --frames N           bench speed iterations at batch 1 (default 30 on CUDA, 2 on CPU)
  --capture-frames N   frames of each capture (default 300; 4 with --cpu)
  --batch N            the pipeline's batch for the batched runs (default 4, capture's CUDA default)
  --budget S           global deadline in seconds; steps that would pass it are cut or skipped (default 420)
  --on-mismatch MODE   when the bridge does not link against the libtorch found: stop (default); lazy (go on,
                       calls into missing symbols will kill a step); rebuild (compile the bridge against that
                       libtorch from the TorchSharp sources in the bundle, needs g++)
  --out DIR            results folder (default $OUT, else .gpu/out)
EOF
}

die() { echo "gpu-check: $*" >&2; exit 2; }

BUNDLE=.gpu/carry/evcstream-linux-x64.tar.xz APP="" IMAGES="" LIBTORCH="" FORCE_CPU=0 SIZE="" FRAMES="" CAPTURE_FRAMES=""
BATCH=4 BUDGET=420 ON_MISMATCH=stop OUTDIR="${OUT:-.gpu/out}"
while (($#)); do
    case "$1" in
        --bundle) BUNDLE="${2:?--bundle needs a file}"; shift 2 ;;
        --app) APP="${2:?--app needs a folder}"; shift 2 ;;
        --images) IMAGES="${2:?--images needs a folder}"; shift 2 ;;
        --libtorch) LIBTORCH="${2:?--libtorch needs a folder}"; shift 2 ;;
        --cpu) FORCE_CPU=1; shift ;;
        --size) SIZE="${2:?--size needs WxH}"; shift 2 ;;
        --frames) FRAMES="${2:?--frames needs a number}"; shift 2 ;;
        --capture-frames) CAPTURE_FRAMES="${2:?--capture-frames needs a number}"; shift 2 ;;
        --batch) BATCH="${2:?--batch needs a number}"; shift 2 ;;
        --budget) BUDGET="${2:?--budget needs seconds}"; shift 2 ;;
        --on-mismatch) ON_MISMATCH="${2:?--on-mismatch needs stop, lazy or rebuild}"; shift 2 ;;
        --out) OUTDIR="${2:?--out needs a folder}"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done
[[ -z "$SIZE" || "$SIZE" =~ ^[0-9]+x[0-9]+$ ]] || die "--size must be WxH (got '$SIZE')"
for pair in "--frames:$FRAMES" "--capture-frames:$CAPTURE_FRAMES" "--batch:$BATCH" "--budget:$BUDGET"; do
    value="${pair#*:}"
    [[ -z "$value" || "$value" =~ ^[1-9][0-9]*$ ]] || die "${pair%%:*} must be a positive integer (got '$value')"
done
[[ "$ON_MISMATCH" =~ ^(stop|lazy|rebuild)$ ]] || die "--on-mismatch must be stop, lazy or rebuild (got '$ON_MISMATCH')"

START=$(date +%s)
DEADLINE=$((START + BUDGET))
mkdir -p "$OUTDIR" || die "--out: cannot create $OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
# The device tool returns at most 8 files from $OUT: a log, an environment report, results, a summary and the captures' stats.
LOG="$OUTDIR/gpu-check.log" ENV_REPORT="$OUTDIR/env.txt" RESULTS="$OUTDIR/results.jsonl" SUMMARY="$OUTDIR/summary.md"
: >"$LOG"; : >"$ENV_REPORT"; : >"$RESULTS"
WORK=$(mktemp -d /tmp/evc-gpu-check.XXXXXX)
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HAVE_PY=0; command -v python3 >/dev/null && HAVE_PY=1

say() { echo "[$(($(date +%s) - START))s] $*" | tee -a "$LOG"; }
env_line() { echo "$*" | tee -a "$ENV_REPORT" >>"$LOG"; }

# Appends one JSON line per step: its name, exit status, seconds, command and its JSON result (or the stats summary).
record() {  # name rc seconds result-file command...
    local name=$1 rc=$2 seconds=$3 result=$4; shift 4
    if ((HAVE_PY)); then
        python3 - "$name" "$rc" "$seconds" "$result" "$*" >>"$RESULTS" <<'PY'
import json, sys
name, rc, seconds, path, command = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
result = None
try:
    text = open(path).read().strip() if path else ""
    if text.startswith("{") and "\n{" in text:  # JSON lines (capture --stats): the last one is the summary
        text = text.rsplit("\n", 1)[-1]
    result = json.loads(text) if text else None
except (OSError, ValueError):
    result = None
print(json.dumps({"step": name, "rc": rc, "seconds": round(seconds, 1), "command": command, "result": result}))
PY
    else
        printf '{"step": "%s", "rc": %d, "seconds": %s}\n' "$name" "$rc" "$seconds" >>"$RESULTS"
    fi
}

# Rewrites summary.md from results.jsonl (after every step, so a cut run still leaves one).
summarise() {
    ((HAVE_PY)) || { cp "$RESULTS" "$SUMMARY"; return; }
    python3 - "$RESULTS" "$SUMMARY" "$DEVICE" "${SIZE:-no size yet}" "$STATUS" <<'PY'
import json, sys
results, summary, device, size, status = sys.argv[1:6]
steps = [json.loads(l) for l in open(results) if l.strip()]
real = device == "cuda" and size == "1920x1080"
def verdict(ok):
    return ("PASS" if ok else "FAIL") if real else ("met" if ok else "not met") + " (dry run, not the target setting)"
lines = [f"# gpu-check summary ({device}, {size})", "", f"status: {status}", "",
         "| step | rc | s | figures | target |", "|---|---|---|---|---|"]
for s in steps:
    r, figures, target = s.get("result"), "", ""
    if isinstance(r, dict) and r.get("benchmark") == "speed":
        figures = f"encode {r['encode_fps']:.1f} fps, decode {r['decode_fps']:.1f} fps ({r['mode']}, batch {r.get('batch', 1)}, {r['frames']} iterations)"
        if r["mode"] == "deterministic":
            target = "encode and decode >= 100 fps: " + verdict(r["encode_fps"] >= 100 and r["decode_fps"] >= 100)
    elif isinstance(r, dict) and r.get("benchmark") == "determinism":
        by_mode = {}
        for x in r["results"]:
            by_mode.setdefault(x["mode"], [0, 0])
            by_mode[x["mode"]][0] += x["frames_desynchronised"]
            by_mode[x["mode"]][1] += x["frames_decoded_exactly"] + x["frames_desynchronised"]
        figures = f"{r['encode_device']} -> {r['decode_device']}: " + ", ".join(f"{m} {b}/{n} frames desynchronised" for m, (b, n) in by_mode.items())
        if "deterministic" in by_mode:
            target = "0 desynchronised (deterministic): " + verdict(by_mode["deterministic"][0] == 0)
    elif isinstance(r, dict) and r.get("kind") == "summary":
        e2e = next((x for x in r["stages"] if x["stage"] == "capture→file"), None)
        fps = r["frames"] / r["elapsed_s"] if r.get("elapsed_s") else 0
        figures = f"{r['frames']} written, {r['dropped']} dropped, {fps:.1f} fps overall"
        if e2e:
            figures += f", capture->file p50 {e2e['p50_ms']:.1f} / p99 {e2e['p99_ms']:.1f} ms"
            if "live" in s["step"]:
                target = "p99 < 50 ms, 0 dropped: " + verdict(e2e["p99_ms"] < 50 and r["dropped"] == 0)
    elif s["rc"] == 124:
        figures = "timed out"
    elif s["rc"] == 125:
        figures = "skipped: the budget was spent"
    lines.append(f"| {s['step']} | {s['rc']} | {s['seconds']} | {figures} | {target} |")
open(summary, "w").write("\n".join(lines) + "\n")
PY
}

# Runs one step under min(its timeout, time left); its output goes to the log, its JSON to results.jsonl.
run_step() {  # name timeout result-file|- command...
    local name=$1 limit=$2 result=$3; shift 3
    local left=$((DEADLINE - $(date +%s)))
    if ((left < 20)); then
        say "$name: skipped (budget of ${BUDGET}s spent)"
        record "$name" 125 0 "" "$@"; summarise; return
    fi
    ((limit > left)) && limit=$left
    say "$name (timeout ${limit}s): $*"
    local t0 rc ms
    t0=$(date +%s%N)
    timeout -k 10 "$limit" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
    rc=$?
    ms=$((($(date +%s%N) - t0) / 1000000))
    local seconds
    seconds=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
    { cat "$WORK/$name.out"; cat "$WORK/$name.err"; } >>"$LOG"
    ((rc == 0)) || [[ $name == cuda-probe ]] || FAILED=$((FAILED + 1))
    ((rc == 0)) || { say "$name: exit status $rc$( ((rc == 124)) && echo ' (timed out)'); last lines:"; tail -n 5 "$WORK/$name.err" | tee -a "$LOG"; }
    [[ "$result" == "-" ]] && result="$WORK/$name.out"
    record "$name" "$rc" "$seconds" "$result" "$@"
    summarise
}

STATUS="starting" DEVICE="?" FAILED=0
trap 'STATUS="${STATUS} (interrupted)"; summarise 2>/dev/null; exit 130' INT TERM
trap 'rm -rf "$WORK"' EXIT

# ---- the app -------------------------------------------------------------------------------------------------------
if [[ -z "$APP" ]]; then
    [[ -f "$BUNDLE" ]] || die "bundle not found: $BUNDLE (make it with tools/device/prepare-gpu-publish.sh, carry .gpu/carry)"
    say "unpacking $BUNDLE"
    # python's tarfile when tar cannot read xz (no xz binary)
    tar -xJf "$BUNDLE" -C "$WORK" 2>>"$LOG" || python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$BUNDLE" "$WORK" \
        || die "cannot unpack $BUNDLE"
    APP="$WORK/evcstream"
    [[ -z "$IMAGES" && -d "$WORK/images" ]] && IMAGES="$WORK/images"
fi
APP=$(cd "$APP" 2>/dev/null && pwd) || die "--app: no such folder"
[[ -x "$APP/evcstream" && -f "$APP/libLibTorchSharp.so" ]] || die "$APP holds no evcstream with libLibTorchSharp.so"
[[ -n "$IMAGES" ]] || IMAGES="../shared/datasets/kodak"
EVC="$APP/evcstream"
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1  # the GPU machine may have no ICU
cat "$WORK/MANIFEST" 2>/dev/null | sed 's/^/bundle: /' | tee -a "$ENV_REPORT" >>"$LOG"

# ---- the machine and its libtorch ------------------------------------------------------------------------------------
env_line "host: $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
if command -v nvidia-smi >/dev/null; then
    env_line "nvidia-smi: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -n 1)"
else
    env_line "nvidia-smi: not installed"
fi
TORCH_INFO=""
if ((HAVE_PY)); then
    TORCH_INFO=$(python3 -c 'import torch, os; print(torch.__version__, torch.version.cuda, os.path.dirname(torch.__file__), int(torch.cuda.is_available()), int(torch._C._GLIBCXX_USE_CXX11_ABI))' 2>/dev/null)
fi
env_line "python torch: ${TORCH_INFO:-none (python3 $( ((HAVE_PY)) && echo 'has no torch' || echo 'missing'))}"
read -r TORCH_VERSION TORCH_CUDA TORCH_DIR TORCH_SEES_GPU TORCH_CXX11 <<<"$TORCH_INFO"

NUGET_LIBTORCH="${NUGET_PACKAGES:-$HOME/.nuget/packages}/libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native"
if [[ -z "$LIBTORCH" ]]; then
    if [[ -n "${TORCH_DIR:-}" && -f "$TORCH_DIR/lib/libtorch_cpu.so" ]]; then LIBTORCH="$TORCH_DIR/lib"
    elif [[ -n "${EVC_LIBTORCH:-}" ]]; then LIBTORCH="$EVC_LIBTORCH"
    elif [[ -f "$NUGET_LIBTORCH/libtorch_cpu.so" ]]; then LIBTORCH="$NUGET_LIBTORCH"
    fi
fi
[[ -n "$LIBTORCH" && -f "$LIBTORCH/libtorch_cpu.so" ]] || die "no libtorch found (no PyTorch, no \$EVC_LIBTORCH, no NuGet libtorch-cpu 2.10): give --libtorch DIR"
LIBTORCH=$(cd "$LIBTORCH" && pwd)
# The version: PyTorch's torch/version.py, a libtorch zip's build-version, or the NuGet folder's name.
LIB_VERSION=$(sed -n "s/^__version__ = '\(.*\)'.*/\1/p" "$LIBTORCH/../version.py" 2>/dev/null | head -n 1)
[[ -z "$LIB_VERSION" ]] && LIB_VERSION=$(head -n 1 "$LIBTORCH/../build-version" 2>/dev/null)
[[ -z "$LIB_VERSION" && "$LIBTORCH" == */libtorch-cpu-linux-x64/*/runtimes/* ]] && LIB_VERSION=$(echo "$LIBTORCH" | sed 's|.*/libtorch-cpu-linux-x64/\([^/]*\)/.*|\1|')
env_line "libtorch: $LIBTORCH, version ${LIB_VERSION:-unknown}, CUDA libs: $(ls "$LIBTORCH"/libtorch_cuda.so >/dev/null 2>&1 && echo yes || echo no)"
export LD_LIBRARY_PATH="$LIBTORCH${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# Does the bridge (built against libtorch 2.10) link against it? ldd -r resolves every symbol, as a strict load would.
bridge_check() {
    ldd -r "$APP/libLibTorchSharp.so" >"$WORK/ldd.txt" 2>&1
    MISSING=$(grep -c 'undefined symbol' "$WORK/ldd.txt")
    NOT_FOUND=$(grep -c 'not found$' "$WORK/ldd.txt")
}
# Compiles TorchSharp's bridge against PyTorch's headers and libraries, every file on its own core. A file that no
# longer compiles is left out (its THS* functions fail only when called, which EVC's code may never do), except the
# core ones every tensor call needs.
rebuild_bridge() {  # source-folder
    local src=$1 out="$WORK/bridge"
    mkdir -p "$out"
    export BRIDGE_OUT="$out" BRIDGE_FLAGS="-O2 -fPIC -w -D_GLIBCXX_USE_CXX11_ABI=${TORCH_CXX11:-1} -I$src -I$src/.. -I$TORCH_DIR/include -I$TORCH_DIR/include/torch/csrc/api/include"
    ls "$src"/*.cpp "$src"/*.c | timeout 300 xargs -P "$(nproc)" -I{} sh -c \
        'case {} in *.c) lang="-x c";; *) lang="-x c++ -std=c++17";; esac; g++ $lang $BRIDGE_FLAGS -c {} -o "$BRIDGE_OUT/$(basename {}).o" 2>"$BRIDGE_OUT/$(basename {}).log" || echo "bridge: does not compile: $(basename {}): $(grep -m 1 error "$BRIDGE_OUT/$(basename {}).log")"' \
        | tee -a "$ENV_REPORT" >>"$LOG"
    cat "$out"/*.log >>"$LOG" 2>/dev/null
    local core
    for core in THSTensor THSTorch THSNN Utils; do
        [[ -f "$out/$core.cpp.o" ]] || { env_line "bridge: rebuild failed: $core.cpp did not compile (the log has the errors)"; return 1; }
    done
    g++ -shared -o "$out/libLibTorchSharp.so" "$out"/*.o -L"$LIBTORCH" -Wl,-rpath,'$ORIGIN' -ltorch -ltorch_cpu -lc10 >>"$LOG" 2>&1 \
        || { env_line "bridge: rebuild failed: the link (the log has the errors)"; return 1; }
    env_line "bridge: rebuilt from $(ls "$out"/*.o | wc -l) of $(ls "$src"/*.cpp "$src"/*.c | wc -l) source files"
}

bridge_check
env_line "bridge: ldd -r libLibTorchSharp.so: $MISSING undefined symbols, $NOT_FOUND libraries not found"
grep -E 'not found$|=>' "$WORK/ldd.txt" | head -n 20 | sed 's/^/  /' >>"$ENV_REPORT"
grep 'undefined symbol' "$WORK/ldd.txt" | sed 's/^/  /' >>"$ENV_REPORT"

if [[ "${LIB_VERSION:-}" != 2.10.* ]] || ((MISSING + NOT_FOUND > 0)); then
    env_line "MISMATCH: TorchSharp 0.107's bridge is built against libtorch 2.10.0 (C++ ABI, cxx11); found ${LIB_VERSION:-an unknown version} with $MISSING undefined symbols ($NOT_FOUND libraries not found)"
    if ((MISSING + NOT_FOUND > 0)) && [[ "$ON_MISMATCH" == rebuild ]]; then
        SRC="$WORK/torchsharp-native/LibTorchSharp"
        if [[ -d "$SRC" && -n "${TORCH_DIR:-}" ]] && command -v g++ >/dev/null; then
            say "rebuilding libLibTorchSharp.so against $LIBTORCH from the bundle's TorchSharp sources"
            rebuild_bridge "$SRC" && cp "$WORK/bridge/libLibTorchSharp.so" "$APP/libLibTorchSharp.so" && say "rebuilt the bridge"
            bridge_check
            env_line "bridge after the rebuild: $MISSING undefined symbols, $NOT_FOUND libraries not found"
        else
            env_line "cannot rebuild: needs the bundle's torchsharp-native/ (prepare-gpu-publish.sh --torchsharp-src), PyTorch's headers and g++"
        fi
    fi
    if ((MISSING + NOT_FOUND > 0)) && [[ "$ON_MISMATCH" != lazy ]]; then
        STATUS="stopped: libtorch ${LIB_VERSION:-?} is not compatible with TorchSharp 0.107 (libtorch 2.10): $MISSING undefined symbols (env.txt lists them); rerun with --on-mismatch rebuild or lazy"
        say "$STATUS"
        summarise
        exit 3
    fi
    ((MISSING + NOT_FOUND > 0)) && say "going on with $MISSING undefined symbols (--on-mismatch lazy): a step that calls one dies with 'symbol lookup error'"
fi

# ---- CUDA or the CPU fallback --------------------------------------------------------------------------------------
DEVICE=cpu
if ((!FORCE_CPU)); then
    run_step cuda-probe 120 - "$EVC" bench speed --size 64x64 --frames 1 --device-type cuda --weights models/default.safetensors --json --png "$WORK/probe.png"
    if grep -q '"device": "cuda"' "$WORK/cuda-probe.out" 2>/dev/null; then
        DEVICE=cuda
    else
        env_line "CUDA through evcstream: not available ($(tail -n 1 "$WORK/cuda-probe.err" 2>/dev/null)); falling back to the CPU"
        # TorchSharp loads libtorch_cuda.so through the system loader: what it lacks is the likely cause.
        [[ -f "$LIBTORCH/libtorch_cuda.so" ]] && ldd -r "$LIBTORCH/libtorch_cuda.so" 2>&1 | grep -E 'not found|undefined symbol' | head -n 20 \
            | sed 's/^/  libtorch_cuda.so: /' | tee -a "$ENV_REPORT" >>"$LOG"
    fi
fi
env_line "evcstream device: $DEVICE"
if [[ $DEVICE == cuda ]]; then
    SIZE=${SIZE:-1920x1080} FRAMES=${FRAMES:-30} CAPTURE_FRAMES=${CAPTURE_FRAMES:-300} DET_SIZE=512x512 LIVE_FPS=30 OTHER=cuda
else
    SIZE=${SIZE:-128x96} FRAMES=${FRAMES:-2} CAPTURE_FRAMES=${CAPTURE_FRAMES:-4} DET_SIZE=128x96 LIVE_FPS=5 OTHER=cpu
fi
BATCH_FRAMES=$(((FRAMES + BATCH - 1) / BATCH))
WEIGHTS=models/default.safetensors
[[ -f $WEIGHTS ]] || die "$WEIGHTS not found: run from the repository root"
STATUS="running"

# ---- the steps, most important first ------------------------------------------------------------------------------
SPEED=(bench speed --size "$SIZE" --device-type "$DEVICE" --weights "$WEIGHTS" --json --png "$WORK/speed.png")
run_step speed-deterministic-b1 90 - "$EVC" "${SPEED[@]}" --frames "$FRAMES"
run_step speed-deterministic-b$BATCH 90 - "$EVC" "${SPEED[@]}" --frames "$BATCH_FRAMES" --batch "$BATCH"

# The clip: FFmpeg's testsrc2 as the issue asks; without FFmpeg, PNG frames (evcstream reads those itself).
if command -v ffmpeg >/dev/null; then
    CLIP="$WORK/clip.y4m"
    run_step make-clip 60 "" ffmpeg -v error -y -f lavfi -i "testsrc2=size=$SIZE:rate=30" -frames:v "$CAPTURE_FRAMES" -pix_fmt yuv420p "$CLIP"
elif ((HAVE_PY)); then
    CLIP="$WORK/frames"
    say "no ffmpeg here: the capture reads PNG frames of a test pattern instead of a testsrc2 clip"
    run_step make-frames 60 "" python3 "$SCRIPT_DIR/make-test-frames.py" "$CLIP" "${SIZE%x*}" "${SIZE#*x}" "$CAPTURE_FRAMES"
else
    CLIP=""
    say "no ffmpeg and no python3: no clip, the file capture is skipped"
fi
[[ -n "$CLIP" ]] && run_step capture-file 120 "$OUTDIR/capture-file.jsonl" "$EVC" capture --input "$CLIP" --frames "$CAPTURE_FRAMES" \
    --device-type "$DEVICE" --weights "$WEIGHTS" --quiet --stats "$OUTDIR/capture-file.jsonl" -o "$WORK/capture-file.evcs"

# Glass to file at 30 fps: a live (paced) source, so the latency is what a camera would see.
if command -v ffmpeg >/dev/null; then
    run_step capture-live 60 "$OUTDIR/capture-live.jsonl" "$EVC" capture --device test --size "$SIZE" --fps "$LIVE_FPS" --frames "$CAPTURE_FRAMES" \
        --device-type "$DEVICE" --weights "$WEIGHTS" --quiet --stats "$OUTDIR/capture-live.jsonl" -o "$WORK/capture-live.evcs"
else
    say "no ffmpeg: no live (paced) test source, so no glass-to-file latency at ${LIVE_FPS} fps"
fi

DET=(bench determinism --images "$IMAGES" --weights "$WEIGHTS" --count 4 --size "$DET_SIZE" --mode both --json)
run_step determinism-$OTHER-to-cpu 90 - "$EVC" "${DET[@]}" --encode-device "$OTHER" --decode-device cpu
[[ $OTHER == cpu ]] || run_step determinism-cpu-to-$OTHER 90 - "$EVC" "${DET[@]}" --encode-device cpu --decode-device "$OTHER"

run_step speed-official-b1 60 - "$EVC" "${SPEED[@]}" --frames "$FRAMES" --official
run_step speed-official-b$BATCH 60 - "$EVC" "${SPEED[@]}" --frames "$BATCH_FRAMES" --batch "$BATCH" --official

STATUS="done in $(($(date +%s) - START)) s, $FAILED step(s) failed"
summarise
say "$STATUS; results in $OUTDIR"
cat "$SUMMARY" | tee -a "$LOG"
((FAILED == 0))
