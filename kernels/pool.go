package kernels

import "math"

// poolChunk is how many channels the integer average pool accumulates at a
// time, in an int32 array on the stack.
const poolChunk = 256

// MaxPoolInt8 computes output rows [lo, hi) of a max pool (see
// PoolInt8Params): the largest in-bounds input of each window, then the
// clamp. Padding is ignored; a window with no in-bounds tap yields
// clamp(ZeroPoint).
func MaxPoolInt8(p *PoolInt8Params, in, out []int8, lo, hi int) {
	g := &p.PoolGeom
	empty := clampActivationInt8(p.ZeroPoint, p.ActMin, p.ActMax)
	for u := lo; u < hi; u++ {
		n, oy := u/g.OutH, u%g.OutH
		iy0 := oy*g.StrideH - g.PadTop
		kyLo, kyHi := validTaps(iy0, g.DilationH, g.KH, g.InH)
		outRow := out[u*g.OutW*g.C:][:g.OutW*g.C]
		for ox := 0; ox < g.OutW; ox++ {
			ix0 := ox*g.StrideW - g.PadLeft
			kxLo, kxHi := validTaps(ix0, g.DilationW, g.KW, g.InW)
			o := outRow[ox*g.C:][:g.C]
			if kyLo == kyHi || kxLo == kxHi {
				fillInt8(o, empty)
				continue
			}
			// The output row is the running maximum.
			fillInt8(o, math.MinInt8)
			for ky := kyLo; ky < kyHi; ky++ {
				rowOff := ((n*g.InH + iy0 + ky*g.DilationH) * g.InW) * g.C
				for kx := kxLo; kx < kxHi; kx++ {
					x := in[rowOff+(ix0+kx*g.DilationW)*g.C:][:len(o)]
					for c, v := range x {
						o[c] = max(o[c], v)
					}
				}
			}
			for c, v := range o {
				o[c] = clampActivationInt8(int32(v), p.ActMin, p.ActMax)
			}
		}
	}
}

// AvgPoolInt8 computes output rows [lo, hi) of an average pool (see
// PoolInt8Params): the raw window sum (padding taps count as ZeroPoint when
// CountIncludePad) divided by the tap count, rounding half away from zero,
// then the clamp. A window with no tap to count yields clamp(ZeroPoint).
func AvgPoolInt8(p *PoolInt8Params, in, out []int8, lo, hi int) {
	g := &p.PoolGeom
	var acc [poolChunk]int32
	for u := lo; u < hi; u++ {
		n, oy := u/g.OutH, u%g.OutH
		iy0 := oy*g.StrideH - g.PadTop
		kyLo, kyHi := validTaps(iy0, g.DilationH, g.KH, g.InH)
		outRow := out[u*g.OutW*g.C:][:g.OutW*g.C]
		for ox := 0; ox < g.OutW; ox++ {
			ix0 := ox*g.StrideW - g.PadLeft
			kxLo, kxHi := validTaps(ix0, g.DilationW, g.KW, g.InW)
			o := outRow[ox*g.C:][:g.C]
			taps := int32((kyHi - kyLo) * (kxHi - kxLo))
			count, padSum := taps, int32(0)
			if g.CountIncludePad {
				count = int32(g.KH * g.KW)
				padSum = (count - taps) * p.ZeroPoint
			}
			for c0 := 0; c0 < g.C; c0 += poolChunk {
				a := acc[:min(poolChunk, g.C-c0)]
				for c := range a {
					a[c] = padSum
				}
				for ky := kyLo; ky < kyHi; ky++ {
					rowOff := ((n*g.InH+iy0+ky*g.DilationH)*g.InW)*g.C + c0
					for kx := kxLo; kx < kxHi; kx++ {
						x := in[rowOff+(ix0+kx*g.DilationW)*g.C:][:len(a)]
						for c, v := range x {
							a[c] += int32(v)
						}
					}
				}
				oc := o[c0:][:len(a)]
				for c, s := range a {
					oc[c] = clampActivationInt8(roundedAverage(s, count, p.ZeroPoint), p.ActMin, p.ActMax)
				}
			}
		}
	}
}

// roundedAverage is sum/count rounded half away from zero (TFLite's integer
// average pool), or zeroPoint when count is 0.
func roundedAverage(sum, count, zeroPoint int32) int32 {
	switch {
	case count == 0:
		return zeroPoint
	case sum >= 0:
		return (sum + count/2) / count
	default:
		return (sum - count/2) / count
	}
}

// clampActivationInt8 clamps v to [lo, hi] and narrows it to int8.
func clampActivationInt8(v, lo, hi int32) int8 {
	return int8(min(max(v, lo), hi))
}

func fillInt8(s []int8, v int8) {
	for i := range s {
		s[i] = v
	}
}

func fillFloat32(s []float32, v float32) {
	for i := range s {
		s[i] = v
	}
}

// MaxPoolFloat32 is the float32 twin of MaxPoolInt8. The maximum starts at
// -Inf and takes an input only when it is greater, so NaN inputs are
// ignored; a window with no in-bounds tap yields clamp(0).
func MaxPoolFloat32(p *PoolFloat32Params, in, out []float32, lo, hi int) {
	g := &p.PoolGeom
	empty := clampActivation(0, p.ActMin, p.ActMax)
	for u := lo; u < hi; u++ {
		n, oy := u/g.OutH, u%g.OutH
		iy0 := oy*g.StrideH - g.PadTop
		kyLo, kyHi := validTaps(iy0, g.DilationH, g.KH, g.InH)
		outRow := out[u*g.OutW*g.C:][:g.OutW*g.C]
		for ox := 0; ox < g.OutW; ox++ {
			ix0 := ox*g.StrideW - g.PadLeft
			kxLo, kxHi := validTaps(ix0, g.DilationW, g.KW, g.InW)
			o := outRow[ox*g.C:][:g.C]
			if kyLo == kyHi || kxLo == kxHi {
				fillFloat32(o, empty)
				continue
			}
			fillFloat32(o, float32(math.Inf(-1)))
			for ky := kyLo; ky < kyHi; ky++ {
				rowOff := ((n*g.InH + iy0 + ky*g.DilationH) * g.InW) * g.C
				for kx := kxLo; kx < kxHi; kx++ {
					x := in[rowOff+(ix0+kx*g.DilationW)*g.C:][:len(o)]
					for c, v := range x {
						if v > o[c] {
							o[c] = v
						}
					}
				}
			}
			for c, v := range o {
				o[c] = clampActivation(v, p.ActMin, p.ActMax)
			}
		}
	}
}

// AvgPoolFloat32 is the float32 twin of AvgPoolInt8: the in-bounds inputs
// are summed in float32 from +0 in (ky, kx) order, divided by the tap count
// (KH*KW when CountIncludePad, padding adding nothing), then clamped. A
// window with no tap to count yields clamp(0).
func AvgPoolFloat32(p *PoolFloat32Params, in, out []float32, lo, hi int) {
	g := &p.PoolGeom
	for u := lo; u < hi; u++ {
		n, oy := u/g.OutH, u%g.OutH
		iy0 := oy*g.StrideH - g.PadTop
		kyLo, kyHi := validTaps(iy0, g.DilationH, g.KH, g.InH)
		outRow := out[u*g.OutW*g.C:][:g.OutW*g.C]
		for ox := 0; ox < g.OutW; ox++ {
			ix0 := ox*g.StrideW - g.PadLeft
			kxLo, kxHi := validTaps(ix0, g.DilationW, g.KW, g.InW)
			o := outRow[ox*g.C:][:g.C]
			count := (kyHi - kyLo) * (kxHi - kxLo)
			if g.CountIncludePad {
				count = g.KH * g.KW
			}
			// The output row accumulates the sum.
			fillFloat32(o, 0)
			if count == 0 {
				fillFloat32(o, clampActivation(0, p.ActMin, p.ActMax))
				continue
			}
			for ky := kyLo; ky < kyHi; ky++ {
				rowOff := ((n*g.InH + iy0 + ky*g.DilationH) * g.InW) * g.C
				for kx := kxLo; kx < kxHi; kx++ {
					x := in[rowOff+(ix0+kx*g.DilationW)*g.C:][:len(o)]
					for c, v := range x {
						o[c] += v
					}
				}
			}
			div := float32(count)
			for c, v := range o {
				o[c] = clampActivation(v/div, p.ActMin, p.ActMax)
			}
		}
	}
}
