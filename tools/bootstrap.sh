#!/usr/bin/env bash
# Installs what building and testing EVC.Stream needs on a fresh Debian 12 machine, only where it is missing:
#   g++ and patchelf  - the TorchSharp native-library fix (see build/TorchSharpNativeFix.targets)
#   ffmpeg            - media input/output (capture, play, evaluation) and network transports (srt, udp, tcp)
#   gst-launch-1.0    - GStreamer (tools, plugins-bad: srtsrc/tcpserversink): the relay that fans a stream out to viewers
#   srt-live-transmit - srt-tools: SRT relaying from the command line
#   python3-torch/pil - Debian's PyTorch 1.13 in /usr/bin/python3: tools/pytorch (the GPU trainer's tests, bench train's side-by-side)
# Safe to run again: it does nothing when everything is present.
set -euo pipefail

need=()
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v patchelf >/dev/null 2>&1 || need+=(patchelf)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v gst-launch-1.0 >/dev/null 2>&1 || need+=(gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-bad)
command -v srt-live-transmit >/dev/null 2>&1 || need+=(srt-tools)
/usr/bin/python3 -c 'import torch, PIL' >/dev/null 2>&1 || need+=(python3-torch python3-pil)

if [ ${#need[@]} -gt 0 ]; then
  echo "bootstrap: installing ${need[*]}" >&2
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "bootstrap: need root or sudo to install ${need[*]}" >&2; exit 1; }
    sudo_cmd=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

command -v dotnet >/dev/null 2>&1 || { echo "bootstrap: the .NET SDK (dotnet) is required: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2; exit 1; }
