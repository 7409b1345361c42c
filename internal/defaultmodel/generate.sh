#!/usr/bin/env bash
# Regenerates the embedded default model and its sample images from the
# committed Fashion-MNIST ONNX model (models/fashion_mnist) and Debian's
# dataset-fashion-mnist. The distillation pipeline (models/distill_default.sh)
# replaces model.einf with a distilled student; the samples stay.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=/usr/share/datasets/fashion-mnist
go run ./cmd/edgeinfer convert models/fashion_mnist/model.onnx -o internal/defaultmodel/model.einf \
  --calib "idx:$data/train-images-idx3-ubyte.gz" --calib-count 200 --labels models/fashion_mnist/labels.txt \
  --mean 0.286 --std 0.353 --scale 0.00392156862745098 --color gray --fit squash --quiet
/usr/bin/python3 internal/defaultmodel/extract_samples.py "$data" internal/defaultmodel/samples
