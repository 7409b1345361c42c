//go:build gc && !purego

package kernels

import "github.com/edgeinfer/edgeinfer/kernels/amd64"

// Every amd64 variant interleaves the channel shuffle's bytes with AVX2
// (VPUNPCKL/HBW).
func init() {
	for _, v := range []Variant{AVX2, AVXVNNI, AVX512VNNI} {
		interleaveKernels[v] = amd64.InterleaveBytes
	}
}
