#!/usr/bin/env bash
# Installs the Debian packages that the tests and the schema check use, when
# missing. Needs root (or sudo) on a machine that reaches Debian's mirrors.
set -euo pipefail
pkgs=(flatbuffers-compiler libonnx-testdata mosquitto mosquitto-clients chromium dataset-fashion-mnist ffmpeg linux-libc-dev qemu-user-static llvm-14 bochs bochs-term bochsbios vgabios binutils)
need=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${need[@]}" >/dev/null
