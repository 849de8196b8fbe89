#!/usr/bin/env bash
# Makes the one archive that tools/device/gpu-check.sh needs on the GPU machine, which has no .NET and no network:
#   evcstream/           a self-contained linux-x64 publish of the CLI, less TorchSharp-cpu's libtorch (about 480 MB;
#                        the machine's PyTorch libtorch replaces it at run time through LD_LIBRARY_PATH)
#   images/              4 Kodak PNGs for bench determinism (../shared does not travel)
#   torchsharp-native/   optional: TorchSharp 0.107's native sources, to rebuild the bridge there against another
#                        libtorch (gpu-check.sh --on-mismatch rebuild)
# packed as .gpu/carry/evcstream-linux-x64.tar.xz: the device tool's `carry` takes .gpu/carry along. Everything that
# travels (this working tree and the carried folder) must fit in 64 MiB; the script checks.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: tools/device/prepare-gpu-publish.sh [--torchsharp-src DIR] [--images DIR] [--no-trim] [--no-publish]
  --torchsharp-src DIR  a TorchSharp 0.107.0 source tree (or its src/Native) to include for --on-mismatch rebuild
  --images DIR          PNG folder to take 4 images from (default ../shared/datasets/kodak)
  --no-trim             publish the whole .NET runtime (about 20 MiB more in the archive: may not fit)
  --no-publish          reuse .gpu/publish from an earlier run
EOF
}

die() { echo "prepare-gpu-publish: $*" >&2; exit 2; }

TS_SRC="" IMAGES=../shared/datasets/kodak PUBLISH=1 TRIM=1
while (($#)); do
    case "$1" in
        --torchsharp-src) TS_SRC="${2:?--torchsharp-src needs a folder}"; shift 2 ;;
        --images) IMAGES="${2:?--images needs a folder}"; shift 2 ;;
        --no-trim) TRIM=0; shift ;;
        --no-publish) PUBLISH=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done

cd "$(git rev-parse --show-toplevel)"
LIMIT=$((64 * 1024 * 1024))
if ((PUBLISH)); then
    rm -rf .gpu/publish
    # The CPU backend build: TorchSharp-cuda-linux is not in this machine's feed, and the bridge is the same file.
    # Partial trimming cuts only the framework's unused code (our assemblies, TorchSharp and Spectre stay whole):
    # 15 MiB of archive instead of 34. JSON of anonymous types needs reflection, which trimming turns off by default.
    trim=()
    ((TRIM)) && trim=(-p:PublishTrimmed=true -p:TrimMode=partial -p:SuppressTrimAnalysisWarnings=true -p:JsonSerializerIsReflectionEnabledByDefault=true)
    dotnet publish src/EVC.Stream.Cli -c Release -r linux-x64 --self-contained true "${trim[@]}" -o .gpu/publish
fi
[[ -x .gpu/publish/evcstream && -f .gpu/publish/libLibTorchSharp.so ]] || die ".gpu/publish holds no evcstream with libLibTorchSharp.so"

rm -rf .gpu/stage .gpu/carry
mkdir -p .gpu/stage/images .gpu/carry
cp -a .gpu/publish .gpu/stage/evcstream
# libtorch-cpu-linux-x64's files (libtorch_cpu.so alone is 440 MB); the bridge libLibTorchSharp.so and its shim stay.
(cd .gpu/stage/evcstream && rm -f libtorch.so libtorch_*.so libc10.so libgomp-*.so* libshm.so libaoti_custom_ops.so \
    libbackend_with_compiler.so libjitbackend_test.so libnnapi_backend.so)

mapfile -t pngs < <(find "$IMAGES" -maxdepth 1 -name '*.png' | sort | head -n 4)
((${#pngs[@]} == 4)) || die "--images: $IMAGES has fewer than 4 PNG images"
cp "${pngs[@]}" .gpu/stage/images/

if [[ -n "$TS_SRC" ]]; then
    native="$TS_SRC"
    [[ -d "$TS_SRC/src/Native" ]] && native="$TS_SRC/src/Native"
    [[ -d "$native/LibTorchSharp" ]] || die "--torchsharp-src: no LibTorchSharp/ under $native"
    mkdir -p .gpu/stage/torchsharp-native
    cp -a "$native"/LibTorchSharp "$native"/Stdafx.h "$native"/UnixSal.h .gpu/stage/torchsharp-native/
fi

{
    echo "made $(date -u +%Y-%m-%dT%H:%MZ) from commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (with uncommitted changes in src/)')"
    echo "TorchSharp 0.107.0 (bridge built against libtorch 2.10.0, cxx11 ABI); libtorch stripped; $( ((TRIM)) && echo 'framework trimmed (partial)' || echo 'not trimmed')"
    echo "torchsharp-native: $([[ -n "$TS_SRC" ]] && echo included || echo 'not included')"
} >.gpu/stage/MANIFEST

# xz: about a third of gzip's size here, which is what decides whether it fits.
tar -C .gpu/stage -cf - . | xz -T0 -6 >.gpu/carry/evcstream-linux-x64.tar.xz
archive=$(stat -c %s .gpu/carry/evcstream-linux-x64.tar.xz)
tree=$(git ls-files -z -co --exclude-standard | du -cb --files0-from=- 2>/dev/null | tail -n 1 | cut -f 1)
total=$((archive + tree))
awk -v a="$archive" -v t="$tree" -v u="$(du -sh .gpu/stage | cut -f 1)" \
    'BEGIN { printf "unpacked %s, archive %.1f MiB + working tree %.1f MiB = %.1f MiB of the 64 MiB that travels\n", u, a / 1048576, t / 1048576, (a + t) / 1048576 }'
((total <= LIMIT)) || die "too big to travel: $total bytes > $LIMIT"
rm -rf .gpu/stage
echo "carry .gpu/carry; on the device: tools/device/gpu-check.sh (docs/gpu.md)"
