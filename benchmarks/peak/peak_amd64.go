//go:build gc && !purego

package peak

import "golang.org/x/sys/cpu"

//go:noescape
func maddwdLoop(n int)

//go:noescape
func maddubswLoop(n int)

//go:noescape
func dpbusdYmmLoop(n int)

//go:noescape
func dpbusdZmmLoop(n int)

//go:noescape
func fmaLoop(n int)

// Supported reports whether this CPU and build run sequence s.
func Supported(s Sequence) bool {
	x := &cpu.X86
	switch s {
	case VPMADDWD, VPMADDUBSW:
		return x.HasAVX2
	case VPDPBUSDYmm:
		return x.HasAVX2 && x.HasAVXVNNI
	case VPDPBUSDZmm:
		return x.HasAVX512F && x.HasAVX512VNNI
	case FMA:
		return x.HasAVX2 && x.HasFMA
	}
	return false
}

func run(s Sequence, n int) {
	switch s {
	case VPMADDWD:
		maddwdLoop(n)
	case VPMADDUBSW:
		maddubswLoop(n)
	case VPDPBUSDYmm:
		dpbusdYmmLoop(n)
	case VPDPBUSDZmm:
		dpbusdZmmLoop(n)
	case FMA:
		fmaLoop(n)
	}
}
