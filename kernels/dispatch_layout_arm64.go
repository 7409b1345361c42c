//go:build gc && !purego

package kernels

import "github.com/edgeinfer/edgeinfer/kernels/arm64"

// NEON and DotProd interleave the channel shuffle's bytes with ZIP1/ZIP2.
func init() {
	for _, v := range []Variant{NEON, DotProd} {
		interleaveKernels[v] = arm64.InterleaveBytes
	}
}
