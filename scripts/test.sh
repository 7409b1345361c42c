#!/usr/bin/env bash
# The project's test command (README.md). On a fresh Debian machine it first
# installs the packages the tests read (as root), then runs every package's
# tests (`go test ./...`) and the pure-Go (-tags purego) build of the kernels
# and runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
go test -count=1 ./...
go test -count=1 -tags purego ./kernels/... ./runtime/...
