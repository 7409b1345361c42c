#!/usr/bin/env bash
# Cross-builds static edgeinfer binaries for every board (boards/profiles.json
# names them), prints their sizes, and fails when one does not build or the
# linux/arm64 binary exceeds its size budget.
#
#   scripts/cross-build.sh [-o OUTDIR] [NAME...]
#
# NAME is arm64, armv6, armv7 or amd64 (default: all); OUTDIR defaults to
# dist/. The binaries are OUTDIR/edgeinfer-linux-NAME.
#
# Every binary is CGO_ENABLED=0 (so statically linked, no libc needed on the
# board), -trimpath (no build paths inside) and -ldflags='-s -w' (no symbol
# table or DWARF: the size a board downloads).
set -euo pipefail
cd "$(dirname "$0")/.."
out=dist
if [ "${1:-}" = -o ]; then
  out=$2
  shift 2
fi
mkdir -p "$out"

# The linux/arm64 binary must stay within 15 MB (issue 5), read strictly as
# 15,000,000 bytes.
arm64_budget=15000000

# targets: NAME GOARCH GOARM (- for none). Binaries are edgeinfer-linux-NAME.
targets=(
  " arm64 arm64 - "
  " armv6 arm 6 "
  " armv7 arm 7 "
  " amd64 amd64 - "
)

printf '%-28s %12s  %s\n' binary bytes MiB
built=()
for t in "${targets[@]}"; do
  read -r name goarch goarm <<<"$t"
  if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then
    continue
  fi
  bin="$out/edgeinfer-linux-$name"
  env=(CGO_ENABLED=0 GOOS=linux GOARCH="$goarch")
  [ "$goarm" != - ] && env+=(GOARM="$goarm")
  env "${env[@]}" go build -trimpath -ldflags='-s -w' -o "$bin" ./cmd/edgeinfer
  built+=("$bin")
  size=$(stat -c %s "$bin")
  awk -v b="$(basename "$bin")" -v s="$size" 'BEGIN { printf "%-28s %12d  %.2f\n", b, s, s / 1048576 }'
  if [ "$name" = arm64 ] && [ "$size" -gt "$arm64_budget" ]; then
    echo "cross-build: $bin is $size bytes, over the $arm64_budget-byte budget" >&2
    exit 1
  fi
done

if [ ${#built[@]} -eq 0 ]; then
  echo "cross-build: no target named $* (have arm64 armv6 armv7 amd64)" >&2
  exit 2
fi

# Static means no program interpreter (PT_INTERP) in the ELF headers.
if command -v readelf >/dev/null; then
  for bin in "${built[@]}"; do
    if readelf -l "$bin" | grep -q 'Requesting program interpreter'; then
      echo "cross-build: $bin is dynamically linked" >&2
      exit 1
    fi
  done
  echo "static: ${#built[@]} binaries without a program interpreter"
fi
