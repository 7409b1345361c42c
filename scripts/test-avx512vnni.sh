#!/usr/bin/env bash
# Tests the AVX-512 VNNI variant on a CPU without AVX-512 (this project's CI
# machine, an AMD Zen 3), in two halves that together cover what a run on
# such a CPU would:
#
# 1. The tile. The 8x32 zmm tile (gemm8x32VNNI512, the variant's only
#    AVX-512 code) runs in the bochs x86 emulator, whose "tigerlake" model
#    has AVX-512 F/BW/VL/VNNI, on bare metal (kernels/amd64/testdata/bochs/
#    guest.S), and its outputs and guard bands are compared byte for byte
#    with its Go twin's (TestGemm8x32VNNI512Bochs).
# 2. Everything around the tile. A -tags edgeinfer_avx512twin build runs the
#    avx512vnni variant with the tile's Go twin in place of the assembly:
#    8x32 tiling, uint8 packing, +128 compensation and the AVX2 kernels the
#    variant shares; the kernel tests compare it with the reference kernels
#    and the model suite with purego and the golden hashes, byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== the AVX-512 VNNI tile in bochs against its Go twin"
out=$(EDGEINFER_REQUIRE_BOCHS=1 go test -count=1 -v -run 'TestGemm8x32VNNI512Bochs' ./kernels/amd64/)
echo "$out" | grep -E '^(ok|FAIL|--- )|bochs ran' || true
grep -q -- '--- PASS: TestGemm8x32VNNI512Bochs' <<<"$out" || { echo "TestGemm8x32VNNI512Bochs did not pass"; exit 1; }

echo "== avx512vnni with the tile's twin: kernel tests and the model suite against purego"
twin="-tags=edgeinfer_avx512twin"
out=$(go test "$twin" -count=1 -v -run 'TestCrossArchGolden|TestSuiteVariants' ./runtime/)
echo "$out" | grep -E '^(ok|FAIL|--- )' | grep -v -- '--- PASS: TestSuiteVariants/' || true
for want in '--- PASS: TestCrossArchGolden/avx512vnni' 'variants: \[avx512vnni avx2 purego\]'; do
  if ! grep -q -- "$want" <<<"$out"; then echo "missing from the twin run: $want"; exit 1; fi
done
go test "$twin" -count=1 ./kernels/...
# avx512vnni is then the best variant, so bench runs it and must say that
# its tile is the twin (kernels_emulated; TestBenchJSON checks the field).
go test "$twin" -count=1 -run 'TestBenchJSON' ./cmd/edgeinfer/
