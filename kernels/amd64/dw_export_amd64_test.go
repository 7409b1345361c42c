//go:build gc && !purego

package amd64

// RunAVX2TapKernels is RunAVX2 with the pair-row path switched off, so the
// tests keep checking the tap kernels on the shapes the pair rows take and
// the benchmarks compare the two in one run. It must not run concurrently
// with other calls on d.
func RunAVX2TapKernels(d *DepthwiseInt8, in, out []int8, scratch []byte, lo, hi int) {
	pair := d.pair
	d.pair = nil
	d.RunAVX2(in, out, scratch, lo, hi)
	d.pair = pair
}
