//go:build gc && !purego

package amd64

// dwConvAVX2 is the depthwise microkernel (dw_amd64.s): for count pixels
// (in and out advancing by inStep and outStep bytes), blocks blocks of 16
// channels, pairs tap pairs at the byte offsets taps[0:2*pairs] from each
// pixel's window origin, constants packed as DepthwiseInt8.packed.
//
//go:noescape
func dwConvAVX2(out, in *int8, count, inStep, outStep int, packed *int32, blocks int, taps *int64, pairs int, c *RequantConsts)

// RunAVX2 computes output rows [lo, hi) with the AVX2 microkernel. scratch
// needs ScratchBytes bytes (with less, border pixels use the reference
// formula). The CPU must have AVX2.
func (d *DepthwiseInt8) RunAVX2(in, out []int8, scratch []byte, lo, hi int) {
	d.run(dwConvAVX2, in, out, scratch, lo, hi)
}
