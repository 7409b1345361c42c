#!/usr/bin/env bash
# The end-to-end benchmark of edgeinfer against ONNX Runtime, from a clean
# checkout to benchmarks/results/x86.md and x86.png (see benchmarks/README.md):
#
#   benchmarks/run.sh [--quick] [--models a,b,...] [--reconvert] [e2e flags...]
#
#  1. installs onnxruntime-node 1.30.0 into benchmarks/ort (npm ci
#     --ignore-scripts: the package's postinstall would only fetch GPU
#     binaries);
#  2. generates the zoo models that are missing (models/generate.sh);
#  3. builds edgeinfer and the harness (benchmarks/e2e, its own module);
#  4. converts each model, unless benchmarks/work holds a conversion by the
#     same converter sources: int8 with the zoo's 32 calibration inputs and
#     --export-qdq for ONNX Runtime's int8 model, and --float;
#  5. runs the harness, which times all contenders interleaved and writes the
#     report and chart.
#
# --quick runs one model in 2 short rounds and writes benchmarks/work/x86-quick.md
# instead of the committed results: it checks the pipeline, it measures nothing.
# Other flags go to the harness (benchmarks/e2e -h lists them). Not part of CI:
# a full run takes tens of minutes on this 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/benchmarks/work
zoo=$root/models/generated
models=mobilenet_v2,resnet18,efficientnet_b0,mobilenet_v3_small,squeezenet1_1,shufflenet_v2_x1_0
quick=false
reconvert=false
pass=()
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=true ;;
    --models) models=$2; shift ;;
    --models=*) models=${1#--models=} ;;
    --reconvert) reconvert=true ;;
    *) pass+=("$1") ;;
  esac
  shift
done
if $quick; then
  out=(-quick -o "$work/x86-quick.md")
  # One model unless --models named others.
  [ "$models" = mobilenet_v2,resnet18,efficientnet_b0,mobilenet_v3_small,squeezenet1_1,shufflenet_v2_x1_0 ] && models=mobilenet_v2
else
  out=(-o "$root/benchmarks/results/x86.md")
fi
mkdir -p "$work/bin"
log() { echo "run.sh: $*" >&2; }

log "1/5 onnxruntime-node"
if [ ! -f benchmarks/ort/node_modules/onnxruntime-node/package.json ]; then
  (cd benchmarks/ort && npm ci --ignore-scripts --no-audit --no-fund)
fi

log "2/5 model zoo ($models)"
missing=()
for m in ${models//,/ }; do
  [ -f "$zoo/$m/model.onnx" ] && [ -f "$zoo/$m/calib.f32" ] || missing+=("$m")
done
if [ ${#missing[@]} -gt 0 ]; then
  only=$(IFS=,; echo "${missing[*]}")
  models/generate.sh "$zoo" --only "$only"
fi

log "3/5 build"
CGO_ENABLED=0 go build -o "$work/bin/edgeinfer" ./cmd/edgeinfer
(cd benchmarks/e2e && CGO_ENABLED=0 go build -o "$work/bin/e2e" .)

log "4/5 convert"
# A conversion is redone when a commit changed the converter's sources (or the
# model file) since; uncommitted edits do not count (--reconvert forces it).
converter=$(git log -1 --format=%H -- convert quant format cmd/edgeinfer/convert.go 2>/dev/null || echo unknown)
for m in ${models//,/ }; do
  dir=$work/$m
  mkdir -p "$dir"
  stamp="$converter $(sha256sum < "$zoo/$m/model.onnx" | cut -c1-16)"
  if ! $reconvert && [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ]; then
    log "  $m: up to date"
    continue
  fi
  rm -f "$dir/stamp" "$dir/int8.einf" "$dir/fp32.einf" "$dir/int8_qdq.onnx"
  log "  $m: int8 + QDQ, float32"
  ok=true
  "$work/bin/edgeinfer" convert "$zoo/$m/model.onnx" -o "$dir/int8.einf" --calib "raw:$zoo/$m/calib.f32" \
    --calib-count 32 --export-qdq "$dir/int8_qdq.onnx" --quiet >"$dir/convert.log" 2>&1 || ok=false
  "$work/bin/edgeinfer" convert "$zoo/$m/model.onnx" -o "$dir/fp32.einf" --float --quiet >>"$dir/convert.log" 2>&1 || ok=false
  cat "$dir/convert.log" >&2
  # A failed conversion is reported by the harness (from convert.log), not fatal.
  $ok && echo "$stamp" > "$dir/stamp"
done

log "5/5 measure"
commit=$(git describe --always --dirty 2>/dev/null || echo unknown)
"$work/bin/e2e" -zoo "$zoo" -work "$work" -ort "$root/benchmarks/ort" -models "$models" -commit "$commit" \
  "${out[@]}" ${pass[@]+"${pass[@]}"}
