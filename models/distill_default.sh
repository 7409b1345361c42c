#!/usr/bin/env bash
# Regenerates the embedded default model, internal/defaultmodel/model.einf:
# trains the Fashion-MNIST teacher (models/train_fashion_mnist_teacher.py,
# PyTorch, 32-64-128 channels) unless it exists, distils it with
# `edgeinfer distill` into the teacher's topology at width 0.45 (14-29-58
# channels, 0.21 of the teacher's MACs) with quantization-aware training,
# and copies the int8 student into the package. With ABLATION=1 it also
# trains the same student on the labels alone with the same budget and
# prints both. Data: Debian's dataset-fashion-mnist (scripts/install-deps.sh).
#
#   models/distill_default.sh            # an interrupted run resumes where it stopped
#   ABLATION=1 models/distill_default.sh
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA:-/usr/share/datasets/fashion-mnist}
work=models/generated/distill
teacher=models/generated/fashion_mnist_teacher/model.onnx
mkdir -p "$work"
if [ ! -f "$teacher" ]; then
  /usr/bin/python3 models/train_fashion_mnist_teacher.py --data "$data" --out "$(dirname "$teacher")"
fi
go build -o "$work/edgeinfer" ./cmd/edgeinfer || [ -x "$work/edgeinfer" ] # a tree mid-edit elsewhere: reuse the last build
# The budget both runs share.
budget=(--data "idx:$data" --epochs 3 --qat-epochs 1 --batch 64 --augment none --seed 1
  --mean 0.286 --std 0.353 --labels models/fashion_mnist/labels.txt)
/usr/bin/time -f "distill: %e s wall, %U s user, %S s system" \
  "$work/edgeinfer" distill --teacher "$teacher" --width 0.45 "${budget[@]}" --resume \
  -o "$work/student.einf" --export-student "$work/student.onnx" --plot "$work/curves.png" --json "$work/distill.json"
if [ "${ABLATION:-0}" = 1 ]; then
  "$work/edgeinfer" distill --teacher "$teacher" --width 0.45 --labels-only "${budget[@]}" --resume \
    -o "$work/labels_only.einf" --json "$work/labels_only.json"
fi
cp "$work/student.einf" internal/defaultmodel/model.einf
echo "internal/defaultmodel/model.einf updated from $work/student.einf"
