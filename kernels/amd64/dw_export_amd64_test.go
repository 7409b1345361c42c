//go:build gc && !purego

package amd64

// RunAVX2TapKernels is RunAVX2 with the pair-row and pointwise paths and the 3x3
// stride-2 kernel switched off, so the tests keep checking the tap
// kernels on the shapes those take and the benchmarks compare them in one
// run. It must not run concurrently with other calls on d.
func RunAVX2TapKernels(d *DepthwiseInt8, in, out []int8, scratch []byte, lo, hi int) {
	pair, s2, pw := d.pair, d.packedS2, d.pw
	d.pair, d.packedS2, d.pw = nil, nil, nil
	d.RunAVX2(in, out, scratch, lo, hi)
	d.pair, d.packedS2, d.pw = pair, s2, pw
}
