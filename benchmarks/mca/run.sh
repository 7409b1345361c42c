#!/usr/bin/env bash
# Modeled throughput of the arm64 kernels on the Raspberry Pi cores, with
# LLVM's machine-code analyzer (there is no board here).
#
# It builds package kernels/arm64's test binary for arm64, disassembles each
# assembly routine with llvm-objdump-14 and runs llvm-mca-14 for Cortex-A53
# (Pi 3 / Zero 2 W), A72 (Pi 4) and A76 (Pi 5) on two pieces of it:
#   - the main loop (the routine's first backward branch: each kernel's hot
#     K or tap loop comes first), giving cycles per iteration and int8 MACs
#     per cycle against the core's peak (8 MAC/cycle with SMLAL on all
#     three; 32 with SDOT on A76);
#   - the rest of one pass of the enclosing block loop (zeroing, pointer
#     setup, requantization, stores; inner loops and branches removed), as
#     straight-line code: the per-block overhead.
# It prints a Markdown table, writes benchmarks/results/mca.json (read by
# benchmarks/mca/estimate) and llvm-mca's full reports to
# benchmarks/results/mca.txt.
#
# Caveat: LLVM 14 has no Cortex-A72 or A76 model of its own; both (and
# neoverse-n1) use the Cortex-A57 scheduling model (3-wide dispatch, one
# SIMD multiply pipe, SDOT on either SIMD pipe, 128-bit loads as two uops).
# A53 has its own in-order model. Caches are not modeled (L1 hits).
#
# Usage: benchmarks/mca/run.sh   (needs llvm-14: llvm-objdump-14, llvm-mca-14)
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
GOARCH=arm64 go test -c -o "$tmp/k.test" ./kernels/arm64
mkdir -p benchmarks/results
report=benchmarks/results/mca.txt
json=benchmarks/results/mca.json
: > "$report"

# extract SYMBOL OUTER: writes $tmp/SYMBOL.loop.s (the first loop, closed
# by a branch to its label) and $tmp/SYMBOL.block.s (the OUTER-th backward
# branch's loop without its inner loops and branches).
extract() {
  llvm-objdump-14 -d --no-show-raw-insn --mattr=+dotprod,+i8mm \
    --disassemble-symbols="github.com/edgeinfer/edgeinfer/kernels/arm64.$1.abi0" "$tmp/k.test" |
  awk -v outer="$2" -v loopf="$tmp/$1.loop.s" -v blockf="$tmp/$1.block.s" '
    function hex(s,   i, v) {
      sub(/^0x/, "", s); v = 0
      for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
      return v
    }
    /^ *[0-9a-f]+:/ {
      addr = hex(substr($1, 1, length($1) - 1))
      line = $0; sub(/^ *[0-9a-f]+:[ \t]*/, "", line)
      n++; a[n] = addr; ins[n] = line
      if (line ~ /^b\.[a-z]+[ \t]+0x/) {
        split(line, f, /[ \t]+/); t = hex(f[2])
        if (t < addr) { nb++; bi[nb] = n; bt[nb] = t; bc[nb] = f[1] }
      }
    }
    END {
      if (nb < outer) { print "missing loops" > "/dev/stderr"; exit 1 }
      print "loop:" > loopf
      for (i = 1; i <= bi[1]; i++) {
        if (a[i] < bt[1]) continue
        if (i == bi[1]) print "  " bc[1] " loop" > loopf; else print "  " ins[i] > loopf
      }
      for (i = 1; i <= n; i++) {
        if (a[i] < bt[outer] || i >= bi[outer]) continue
        inner = 0
        for (j = 1; j < outer; j++) if (a[i] >= bt[j] && i <= bi[j]) inner = 1
        if (inner || ins[i] ~ /^(b\.|cbz|cbnz|b[ \t])/) continue
        print "  " ins[i] > blockf
      }
    }'
}

# mcaCycles FILE CORE: steady-state cycles per pass of FILE.
mcaCycles() {
  local out
  out=$(llvm-mca-14 -mtriple=aarch64 -mcpu="$2" -mattr=+dotprod -iterations=1000 "$1")
  { echo "=== $(basename "$1") on $2"; cat "$1"; echo "$out"; echo; } >> "$report"
  awk '/^Total Cycles:/ {printf "%.2f", $3 / 1000}' <<< "$out"
}

printf '| kernel (main loop) | core | MACs/iter | cycles/iter | int8 MAC/cycle | peak | %% of peak | per-block overhead (cycles) |\n'
printf '|---|---|---|---|---|---|---|---|\n'
echo "[" > "$json"
first=1
# kernel, MACs per main-loop iteration, outer loop (n-th backward branch), core=peak...
while read -r sym macs outer cores; do
  extract "$sym" "$outer"
  for cp in $cores; do
    core=${cp%%=*} peak=${cp##*=}
    loop=$(mcaCycles "$tmp/$sym.loop.s" "$core")
    block=$(mcaCycles "$tmp/$sym.block.s" "$core")
    awk -v s="$sym" -v c="$core" -v m="$macs" -v cy="$loop" -v p="$peak" -v b="$block" 'BEGIN {
      rate = m / cy
      printf "| %s | %s | %d | %.2f | %.2f | %d | %.0f %% | %.1f |\n", s, c, m, cy, rate, p, 100 * rate / p, b }'
    [ $first = 1 ] || echo "," >> "$json"
    first=0
    printf '  {"kernel": "%s", "core": "%s", "macs_per_iter": %d, "cycles_per_iter": %s, "block_cycles": %s, "peak_macs_per_cycle": %d}' \
      "$sym" "$core" "$macs" "$loop" "$block" "$peak" >> "$json"
  done
done <<'KERNELS'
gemmNEON 256 3 cortex-a53=8 cortex-a72=8 cortex-a76=8
gemmDot 256 3 cortex-a76=32
gemmDot4x16 1024 3 cortex-a76=32
depthwiseNEON 32 2 cortex-a53=8 cortex-a72=8 cortex-a76=8
depthwise2NEON 64 2 cortex-a53=8 cortex-a72=8 cortex-a76=8
KERNELS

# The element-wise kernels (kernels/arm64/elementwise.go): their main loop
# per element. The unit is what one pass of the loop handles: elements
# (ADD, MUL, table lookup), channels of one tap (pools) or columns of one
# row (the mean's column sums).
printf '\n| kernel (main loop) | core | units/iter | cycles/iter | cycles per unit |\n'
printf '|---|---|---|---|---|\n'
while read -r sym units cores; do
  extract "$sym" 1
  for core in $cores; do
    loop=$(mcaCycles "$tmp/$sym.loop.s" "$core")
    awk -v s="$sym" -v c="$core" -v u="$units" -v cy="$loop" 'BEGIN {
      printf "| %s | %s | %d | %.2f | %.3f |\n", s, c, u, cy, cy / u }'
    echo "," >> "$json"
    printf '  {"kernel": "%s", "core": "%s", "units_per_iter": %d, "cycles_per_iter": %s}' \
      "$sym" "$core" "$units" "$loop" >> "$json"
  done
done <<'ELEMENTWISE'
mulNEON 16 cortex-a53 cortex-a72 cortex-a76
addNEON 16 cortex-a53 cortex-a72 cortex-a76
lutNEON 64 cortex-a53 cortex-a72 cortex-a76
maxPoolNEON 16 cortex-a53 cortex-a72 cortex-a76
avgPool32NEON 32 cortex-a53 cortex-a72 cortex-a76
meanSumNEON 16 cortex-a53 cortex-a72 cortex-a76
ELEMENTWISE
printf '\n]\n' >> "$json"
