#!/usr/bin/env bash
# Checks `edgeinfer convert --export-qdq` against ONNX Runtime on zoo models:
#
#   models/qdq_ort.sh [MODEL...]      (default: lenet5 mobilenet_v3_small squeezenet1_1 resnet18)
#
# For each model of models/generated (models/generate.sh) it converts to int8
# on calib.f32 with --export-qdq, runs edgeinfer's int8 model on test.f32, and
# runs the QDQ model with ONNX Runtime (benchmarks/ort, npm install
# --ignore-scripts) twice: with all graph optimizations (ORT's own int8
# kernels) and with none (every QuantizeLinear/DequantizeLinear computed as
# written). Each ORT output is compared with edgeinfer's int8 output and with
# PyTorch's float output (test_golden.f32).
set -euo pipefail
cd "$(dirname "$0")/.."
zoo=${ZOO:-models/generated}
models=("$@")
[ ${#models[@]} -eq 0 ] && models=(lenet5 mobilenet_v3_small squeezenet1_1 resnet18)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/edgeinfer" ./cmd/edgeinfer
for m in "${models[@]}"; do
  d=$zoo/$m
  "$tmp/edgeinfer" convert "$d/model.onnx" -o "$tmp/$m.einf" --calib "raw:$d/calib.f32" --quiet --export-qdq "$tmp/$m.qdq.onnx"
  "$tmp/edgeinfer" run "$tmp/$m.einf" --input-raw "$d/test.f32" --output-raw "$tmp/$m.int8.f32"
  for level in all disabled; do
    node models/qdq_ort.js "$tmp/$m.qdq.onnx" "$d/test.f32" "$level" "edgeinfer-int8=$tmp/$m.int8.f32" "pytorch-float=$d/test_golden.f32"
  done
done
