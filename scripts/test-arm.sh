#!/usr/bin/env bash
# Tests the arm64 kernels and the arm builds under qemu-user (no board
# needed): the assembly variants of kernels/arm64 under the CPU models of
# the Raspberry Pis (Cortex-A53: Pi 3 / Zero 2 W, A72: Pi 4, A76: Pi 5),
# each run checking that the variant it expects was selected, then the
# pure-Go builds (arm64 -tags purego, and GOARCH=arm GOARM=7). The
# cross-architecture golden test (runtime TestCrossArchGolden, which runs
# every variant the CPU has: dotprod, neon and purego on cortex-a76) runs in
# every configuration, and natively for GOARCH=386. Test binaries are built once per configuration and
# run under each CPU model. qemu is 10-30x slower than native, so the heavy
# reference-kernel and corruption tests run once, not per CPU.
#
# Needs qemu-user-static (scripts/install-deps.sh); llvm-mc-14 (llvm-14) is
# optional and enables the check that the generated assembly is current.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT

step() { echo "== $* ($(date +%s))"; }
timed() { local t0=$SECONDS; "$@"; echo "   ${SECONDS}s total, step $((SECONDS - t0))s: $*"; }

if command -v llvm-mc-14 >/dev/null; then
  step "kernels/arm64: regenerate the assembly and diff"
  (cd kernels/arm64 && go run ./_gen)
  if [ -n "$(git status --porcelain -- kernels/arm64)" ]; then
    git status --porcelain -- kernels/arm64
    echo "kernels/arm64/*.s differ from _gen's output"; exit 1
  fi
fi
if command -v llvm-mc >/dev/null; then
  step "camera/internal/yuvsimd: regenerate the NEON assembly and diff"
  (cd camera/internal/yuvsimd && python3 _gen/neon.py > kernel_arm64.s)
  if [ -n "$(git status --porcelain -- camera/internal/yuvsimd)" ]; then
    git status --porcelain -- camera/internal/yuvsimd
    echo "camera/internal/yuvsimd/kernel_arm64.s differs from _gen/neon.py's output"; exit 1
  fi
fi

step "go vet for arm64 and arm (assembly argument frames, build tags)"
GOARCH=arm64 go vet ./kernels/ ./kernels/arm64/ ./runtime/
GOARCH=arm GOARM=7 go vet ./kernels/ ./kernels/arm64/ ./runtime/

# build GOARCH TAGS NAME PKG: compile PKG's tests into $bin/NAME.test.
build() {
  GOARCH=$1 GOARM=7 go test -c -tags "$2" -o "$bin/$3.test" "./$4"
}
# run QEMU CPU NAME DIR ARGS...: run a test binary in its package directory.
run() {
  local qemu=$1 cpu=$2 name=$3 dir=$4; shift 4
  (cd "$root/$dir" && QEMU_CPU=$cpu timed "$qemu" "$bin/$name.test" -test.count=1 "$@")
}

step "build arm64 test binaries"
timed build arm64 "" arm64 kernels/arm64
timed build arm64 "" kernels kernels
timed build arm64 "" runtime runtime

q=qemu-aarch64-static
# Cortex-A53 and A72 run the same (neon) code; the A53 pass is shorter.
perCPU='TestCrossArchGolden|TestSuiteVariants|TestRunNoAllocs|TestThreadsSameBytes'
for cpu in cortex-a53:neon:TestCrossArchGolden cortex-a72:neon:$perCPU cortex-a76:dotprod:$perCPU; do
  IFS=: read -r name want tests <<< "$cpu"
  step "arm64 $name (expects $want)"
  export EDGEINFER_EXPECT_VARIANT=$want
  run $q "$name" arm64 kernels/arm64
  run $q "$name" kernels kernels -test.run 'Arm64'
  run $q "$name" runtime runtime -test.run "$tests"
  unset EDGEINFER_EXPECT_VARIANT
done
step "arm64 cortex-a72: every kernels test, the rest of runtime's"
run $q cortex-a72 kernels kernels -test.skip 'Arm64'
# TestCrossArchConverter runs here: the converter writes no fused
# multiply-add (convert/refeval's package doc), so arm64 converts the
# committed ONNX models to the committed amd64 model files byte for byte.
run $q cortex-a72 runtime runtime -test.skip "$perCPU|TestCorruptedModels"
step "arm64 cortex-a72: the converter's golden conversions (every calibration method)"
timed build arm64 "" convert convert
run $q cortex-a72 convert convert -test.run 'TestCrossArchConversions'

step "arm64 cortex-a72: the camera's NEON YUV row kernel against its Go twin, and preprocessing"
timed build arm64 "" yuvsimd camera/internal/yuvsimd
timed build arm64 "" camera camera
run $q cortex-a72 yuvsimd camera/internal/yuvsimd
run $q cortex-a72 camera camera -test.run 'Preprocess|YUV|Pipeline'

step "arm64 -tags purego"
timed build arm64 purego arm64-purego kernels/arm64
timed build arm64 purego runtime-purego runtime
run $q cortex-a72 arm64-purego kernels/arm64
run $q cortex-a72 runtime-purego runtime -test.run 'TestCrossArchGolden|TestSuite$'

step "arm (GOARM=7), pure Go"
timed build arm "" arm-arm64 kernels/arm64
timed build arm "" arm-runtime runtime
run qemu-arm-static cortex-a15 arm-arm64 kernels/arm64
run qemu-arm-static cortex-a15 arm-runtime runtime -test.run 'TestCrossArchGolden'
step "386, pure Go (native)"
(t0=$SECONDS; GOARCH=386 go test -count=1 -run 'TestCrossArchGolden' ./runtime/ ./kernels/arm64/; echo "   step $((SECONDS - t0))s")
step "done"
