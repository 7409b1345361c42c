#!/usr/bin/env bash
# Generates the model zoo (ONNX models with deterministic random weights,
# calibration/test inputs, PyTorch golden outputs; ~1.5 GB) into
# models/generated/ (or $1), then PyTorch's own post-training-quantization SQNR
# for the models with torchvision quantizable variants. Needs Debian's
# python3-torch and python3-torchvision (installed here when missing).
# About 3-4 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")"
out="${1:-generated}"
need=()
for p in python3-torch python3-torchvision python3-numpy; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
export PYTHONWARNINGS=ignore
time /usr/bin/python3 export_zoo.py "$out" "${@:2}"
time /usr/bin/python3 ptq_torch.py "$out"
