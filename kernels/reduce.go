package kernels

import "math"

// reduceChunk is how many inner positions the means accumulate at a time,
// in an array on the stack, so the loop over Inner stays contiguous.
const reduceChunk = 256

// MeanInt8 computes outer slices [lo, hi) of the quantized mean (see
// MeanInt8Params). The int32 sum of q - InZeroPoint over Reduce wraps like
// Go's int32 (it cannot overflow for Reduce < 2^23).
func MeanInt8(p *MeanInt8Params, in, out []int8, lo, hi int) {
	red, inner := p.Reduce, p.Inner
	// sum(q - zp) = sum(q) - Reduce*zp, also modulo 2^32.
	offset := -int32(red) * p.InZeroPoint
	if inner == 1 {
		for o := lo; o < hi; o++ {
			acc := offset
			for _, v := range in[o*red:][:red] {
				acc += int32(v)
			}
			out[o] = requantizeAcc(acc, p.Multiplier, p.Shift, p.OutZeroPoint, p.ActMin, p.ActMax)
		}
		return
	}
	var buf [reduceChunk]int32
	for o := lo; o < hi; o++ {
		slab := in[o*red*inner:][:red*inner]
		dst := out[o*inner:][:inner]
		for i0 := 0; i0 < inner; i0 += reduceChunk {
			acc := buf[:min(reduceChunk, inner-i0)]
			for i := range acc {
				acc[i] = offset
			}
			for r := 0; r < red; r++ {
				for i, v := range slab[r*inner+i0:][:len(acc)] {
					acc[i] += int32(v)
				}
			}
			d := dst[i0:][:len(acc)]
			for i, a := range acc {
				d[i] = requantizeAcc(a, p.Multiplier, p.Shift, p.OutZeroPoint, p.ActMin, p.ActMax)
			}
		}
	}
}

// ReduceMaxInt8 computes outer slices [lo, hi) of the maximum over Reduce
// (see ReduceMaxInt8Params). An empty reduction yields -128.
func ReduceMaxInt8(p *ReduceMaxInt8Params, in, out []int8, lo, hi int) {
	red, inner := p.Reduce, p.Inner
	for o := lo; o < hi; o++ {
		slab := in[o*red*inner:][:red*inner]
		dst := out[o*inner:][:inner]
		fillInt8(dst, math.MinInt8)
		for r := 0; r < red; r++ {
			for i, v := range slab[r*inner:][:inner] {
				if v > dst[i] {
					dst[i] = v
				}
			}
		}
	}
}

// MeanFloat32 computes outer slices [lo, hi) of the mean over Reduce: a
// float64 sum in index order, divided by Reduce in float64, rounded once to
// float32.
func MeanFloat32(p *ReduceFloat32Params, in, out []float32, lo, hi int) {
	red, inner := p.Reduce, p.Inner
	div := float64(red)
	var buf [reduceChunk]float64
	for o := lo; o < hi; o++ {
		slab := in[o*red*inner:][:red*inner]
		dst := out[o*inner:][:inner]
		for i0 := 0; i0 < inner; i0 += reduceChunk {
			acc := buf[:min(reduceChunk, inner-i0)]
			for i := range acc {
				acc[i] = 0
			}
			for r := 0; r < red; r++ {
				for i, v := range slab[r*inner+i0:][:len(acc)] {
					acc[i] += float64(v)
				}
			}
			d := dst[i0:][:len(acc)]
			for i, a := range acc {
				d[i] = float32(a / div)
			}
		}
	}
}

// ReduceMaxFloat32 computes outer slices [lo, hi) of the maximum over
// Reduce. The maximum starts at -Inf and takes a value only when it is
// greater, so NaN inputs are ignored (like MaxPoolFloat32).
func ReduceMaxFloat32(p *ReduceFloat32Params, in, out []float32, lo, hi int) {
	red, inner := p.Reduce, p.Inner
	for o := lo; o < hi; o++ {
		slab := in[o*red*inner:][:red*inner]
		dst := out[o*inner:][:inner]
		fillFloat32(dst, float32(math.Inf(-1)))
		for r := 0; r < red; r++ {
			for i, v := range slab[r*inner:][:inner] {
				if v > dst[i] {
					dst[i] = v
				}
			}
		}
	}
}
