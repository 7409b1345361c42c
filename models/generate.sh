#!/usr/bin/env bash
# Generates the model zoo into models/generated/ (or $1): ONNX models with
# deterministic random weights, their calibration and test inputs and PyTorch's
# golden float outputs, ~1.3 GB, not committed (see export_zoo.py). Further
# arguments go to export_zoo.py (e.g. --only resnet18,lenet5 --opset 17).
# Needs Debian's python3-torch and python3-torchvision, installed here when
# missing. About 2 minutes on 2 idle cores.
#
# PyTorch's own PTQ bar (ptq_torch.py, ~5 more minutes) is a separate step
# whose result is committed as models/ptq_torch.json:
#   /usr/bin/python3 models/ptq_torch.py models/generated --out models/ptq_torch.json
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
# The exporter's UserWarnings about Slice folding and prim::Constant shapes
# are about its internal passes, not the exported graphs.
export PYTHONWARNINGS=ignore
# Shared cores: OpenMP workers that spin while waiting burn the time slices a
# busy machine gives them (one export at load 4 took 9 min of CPU, 3 min idle).
export OMP_WAIT_POLICY=PASSIVE
/usr/bin/python3 export_zoo.py "$out" "${@:2}"
