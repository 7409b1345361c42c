#!/usr/bin/env bash
# Tests the AVX-VNNI variant on an AVX2 CPU that lacks AVX-VNNI (this
# project's CI machine, an AMD Zen 3): kernels/amd64 is assembled with
# -D=EDGEINFER_EMULATE_VNNI, which replaces each hand-encoded VEX VPDPBUSD
# of the AVX-VNNI tile by an exact AVX2 sequence (gemm_avx2_amd64.s,
# VPDPBUSD_EMU) and makes the avxvnni variant available. Everything else of
# the variant (uint8 packing, +128 compensation, k tails, the output
# stage) is the code a VNNI CPU runs; the kernel tests compare it with the
# Go twins and the model suite with purego, byte for byte.
#
# The one thing emulation cannot show is the instruction bytes, so the
# second step disassembles the real build's tile (llvm-objdump-14 decodes
# AVX-VNNI) and requires every VPDPBUSD to be the VEX form with the
# intended registers.
#
# AVX-512 VNNI cannot be emulated this way (every instruction of its tile
# is EVEX on zmm registers); scripts/test-avx512vnni.sh runs its tile in the
# bochs emulator instead.
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=github.com/edgeinfer/edgeinfer/kernels/amd64
emulate="-asmflags=$pkg=-D=EDGEINFER_EMULATE_VNNI"

echo "== avxvnni with VPDPBUSD emulated: kernel tests and the model suite against purego"
out=$(go test "$emulate" -count=1 -v -run 'TestGemm6x16VNNI|TestCrossArchGolden|TestSuiteVariants' \
  ./kernels/amd64/ ./runtime/)
echo "$out" | grep -E '^(ok|FAIL|--- )' | grep -v -- '--- PASS: TestSuiteVariants/' || true
for want in '--- PASS: TestGemm6x16VNNI' '--- PASS: TestCrossArchGolden/avxvnni' 'variants: \[avxvnni avx2 purego\]'; do
  if ! grep -q -- "$want" <<<"$out"; then echo "missing from the emulated run: $want"; exit 1; fi
done
go test "$emulate" -count=1 ./kernels/...
# avxvnni is then the best variant, so bench runs it and must say that it
# is emulated (kernels_emulated in --json; TestBenchJSON checks the field).
go test "$emulate" -count=1 -run 'TestBenchJSON' ./cmd/edgeinfer/

echo "== VEX VPDPBUSD encodings of the real (not emulated) AVX-VNNI tile"
if ! command -v llvm-objdump-14 >/dev/null; then echo "llvm-objdump-14 missing (apt-get install llvm-14)"; exit 1; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/amd64.test" ./kernels/amd64/
llvm-objdump-14 -d --no-show-raw-insn --disassemble-symbols="$pkg.gemm6x16VNNI.abi0" "$tmp/amd64.test" |
  grep -i dpbusd | sed -E 's/^ *[0-9a-f]+:[[:space:]]*//; s/[[:space:]]+/ /g; s/ $//' >"$tmp/got"
# Three k steps (the unrolled pair and the tail), each row m = 0..5
# accumulating channels 0-7 (weights Y12) in Y(2m) and 8-15 (Y13) in Y(2m+1).
for step in 1 2 3; do
  for d in $(seq 0 11); do echo "{vex} vpdpbusd %ymm$((12 + d % 2)), %ymm14, %ymm$d"; done
done >"$tmp/want"
if ! diff "$tmp/want" "$tmp/got"; then echo "gemm6x16VNNI's VPDPBUSD bytes are not the intended instructions"; exit 1; fi
echo "ok  36 VEX VPDPBUSD in gemm6x16VNNI, registers as intended"
