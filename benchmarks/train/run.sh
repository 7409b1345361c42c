#!/usr/bin/env bash
# Training throughput of edgeinfer's engine against PyTorch CPU on the same
# Fashion-MNIST student, measured in alternation (ROUNDS times each) in one
# run so that both see the same machine load. Prints each measurement, the
# medians, their ratio (acceptance: >= 0.5) and the load average.
#
#   benchmarks/train/run.sh [ROUNDS] [extra flags for both, e.g. --widths=14,29,58 --batch=64]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
shift || true
go build -o /tmp/edgeinfer-train-bench ./benchmarks/train
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
go_runs=() torch_runs=()
for i in $(seq "$rounds"); do
  g=$(/tmp/edgeinfer-train-bench "$@" | tee /dev/stderr | awk '{print $3}')
  t=$(/usr/bin/python3 benchmarks/train/torch_bench.py "$@" | tee /dev/stderr | awk '{print $3}')
  go_runs+=("$g") torch_runs+=("$t")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
gm=$(median "${go_runs[@]}") tm=$(median "${torch_runs[@]}")
echo "median images/s: edgeinfer $gm, pytorch $tm; ratio $(awk -v g="$gm" -v t="$tm" 'BEGIN {printf "%.2f", g/t}')"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
