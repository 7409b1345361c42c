#!/usr/bin/env bash
# The camera pipeline's acceptance run (issue 7): N frames (default 10,000)
# of 640x480 yuv420 from ffmpeg's testsrc through `edgeinfer camera
# --source pipe:-`, classified by MobileNetV2-224 (int8, converted from the
# zoo with center-crop preprocessing), with latest-frame semantics.
#
#   benchmarks/camera/pipe.sh [FRAMES] [THREADS]
#   ALLOC_PROFILE=1 benchmarks/camera/pipe.sh   # also profile the window
#
# It checks and prints what the issue asks for:
#   - every frame ffmpeg wrote was captured, and captured = classified +
#     dropped (the dropped count is exact);
#   - the steady state allocates nothing: the process's malloc count
#     (runtime.ReadMemStats, exact) does not move from frame 100 to the
#     end, apart from what logging an event (a stall: the machine stopped
#     ffmpeg for seconds) allocates, which the summary counts separately.
#     The runtime's own bookkeeping grows lazily (threads started on
#     hand-offs, sudogs for blocked channel operations, per-P timer heaps),
#     which the pipeline settles at frame 100 (camera/settle.go); with
#     ALLOC_PROFILE=1 every allocation of the window is also recorded
#     (camera --alloc-profile) and listed with its stack;
#   - RSS at the start, after 100 frames and at the end;
#   - the per-stage latency table, with preprocessing as a share of
#     inference.
# Not part of CI: it needs the zoo (models/generate.sh) and takes a minute.
set -euo pipefail
cd "$(dirname "$0")/../.."
frames=${1:-10000}
threads=${2:-2}
work=benchmarks/work/camera
mkdir -p "$work"
profile=
[ -n "${ALLOC_PROFILE:-}" ] && profile=$work/steady-allocs.pprof
onnx=models/generated/mobilenet_v2/model.onnx
[ -f "$onnx" ] || models/generate.sh mobilenet_v2
go build -o "$work/edgeinfer" ./cmd/edgeinfer
model=$work/mobilenet_v2.einf
if [ ! -f "$model" ]; then
  "$work/edgeinfer" convert "$onnx" -o "$model" --quiet \
    --calib raw:models/generated/mobilenet_v2/calib.f32 --calib-count 16 \
    --scale 0.00392156862745098 --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225 \
    --color rgb --fit crop
fi
ffmpeg -nostdin -loglevel error -f lavfi -i testsrc=size=640x480:rate=30 -frames:v "$frames" \
    -pix_fmt yuv420p -f rawvideo - |
  "$work/edgeinfer" camera "$model" --source pipe:- --format yuv420 --size 640x480 --range limited \
    --threads "$threads" --top 3 --min-score 1.01 ${profile:+--alloc-profile "$profile"} \
    > "$work/results.jsonl" 2> "$work/summary.txt"
cat "$work/summary.txt"
if [ -n "$profile" ]; then
  echo "allocations recorded in the steady state (pprof -base $profile.base):"
  go tool pprof -sample_index=alloc_objects -traces -base "$profile.base" "$work/edgeinfer" "$profile" 2>/dev/null | sed -n '/^-----/,$p'
fi
lines=$(wc -l < "$work/results.jsonl")
read -r captured classified dropped < <(sed -nE 's/^frames: ([0-9]+) captured, ([0-9]+) classified .*, ([0-9]+) dropped.*/\1 \2 \3/p' "$work/summary.txt")
steady=$(sed -nE 's/^steady state: ([0-9]+) allocations.*/\1/p' "$work/summary.txt")
fail=0
[ "$captured" -eq "$frames" ] || { echo "FAIL: captured $captured of $frames frames"; fail=1; }
[ "$captured" -eq $((classified + dropped)) ] || { echo "FAIL: $captured captured != $classified classified + $dropped dropped"; fail=1; }
[ "$lines" -eq "$classified" ] || { echo "FAIL: $lines JSON lines for $classified classified frames"; fail=1; }
# The JSON lines' sequence numbers must skip exactly the dropped frames.
gaps=$(awk -F'[:,]' -v n="$frames" '{s=$2; d+=s-p-1; p=s} END {print d+n-p}' "$work/results.jsonl")
[ "$gaps" -eq "$dropped" ] || { echo "FAIL: sequence gaps $gaps != dropped $dropped"; fail=1; }
steadyFrames=$(sed -nE 's/^steady state: [0-9]+ allocations over ([0-9]+) frames.*/\1/p' "$work/summary.txt")
eventAllocs=$(sed -nE 's/^steady state: .*, ([0-9]+) logging [0-9]+ events.*/\1/p' "$work/summary.txt")
frameAllocs=$(( ${steady:-1} - ${eventAllocs:-0} ))
[ -n "$steady" ] && [ "$frameAllocs" -eq 0 ] || { echo "FAIL: steady-state allocations: ${steady:-not measured} over ${steadyFrames:-?} frames, ${eventAllocs:-?} of them logging events (want 0 for the frames)"; fail=1; }
[ $fail -eq 0 ] && echo "OK: $frames frames captured = $classified classified + $dropped dropped (= the sequence gaps); $frameAllocs allocations over $steadyFrames steady-state frames (+$eventAllocs logging events)"
exit $fail
