# Entry points for building, cross-compiling and benchmarking edgeinfer. The
# scripts they call are the real definitions (CI calls the same scripts), so
# every target is also a documented one-liner without make.

.PHONY: build test cross linux-arm64 linux-armv6 linux-armv7 linux-amd64 bench bench-quick

# The host binary, ./edgeinfer.
build:
	CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o edgeinfer ./cmd/edgeinfer

# The test suite, as CI runs it.
test:
	./scripts/test.sh

# Static binaries for every board into dist/, with their sizes:
# dist/edgeinfer-linux-{arm64,armv6,armv7,amd64}. boards/profiles.json says
# which board takes which (`edgeinfer boards`).
cross:
	./scripts/cross-build.sh

# One board's binary: Pi Zero 2 W, 3B+, 4B, CM4 and 5 with a 64-bit OS.
linux-arm64:
	./scripts/cross-build.sh arm64
# Pi 1, Zero and Zero W (ARMv6).
linux-armv6:
	./scripts/cross-build.sh armv6
# Any Pi with a 32-bit OS (ARMv7).
linux-armv7:
	./scripts/cross-build.sh armv7
linux-amd64:
	./scripts/cross-build.sh amd64

# The end-to-end benchmark against ONNX Runtime: benchmarks/results/x86.md
# and x86.png (tens of minutes; see benchmarks/README.md).
bench:
	./benchmarks/run.sh

# The same pipeline on fewer models and runs, to check that it works.
bench-quick:
	./benchmarks/run.sh --quick
