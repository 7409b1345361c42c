//go:build !amd64 || !gc || purego

package peak

// Supported reports whether this CPU and build run sequence s: none of
// the x86 sequences here.
func Supported(s Sequence) bool { return false }

func run(s Sequence, n int) {}
