//go:build gc && !purego

package amd64

// Peak-throughput loops that the depthwise benchmarks measure the kernel
// against (dw_peak_amd64.s); 128 MACs per iteration each.
const dwPeakMACsPerIter = 128

//go:noescape
func dwPeakMaddwd(iters int)

//go:noescape
func dwPeakPairs(iters int, x *int8, w *int32)
