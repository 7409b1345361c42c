package amd64

// Int8 average pooling over NHWC (kernels.AvgPoolInt8 is the
// specification): the window's raw sum (padding taps count as ZeroPoint
// when CountIncludePad) divided by the tap count, rounding half away from
// zero, then clamped; a window with nothing to count yields
// clamp(ZeroPoint). The vector division is float32: with |sum| + count/2
// below 2^15 and count at most 64, float32(n)/float32(count) is never
// within rounding distance of the next integer (n/count is at least 1/64
// below it, 2^-20 relative, against float32's 2^-24), so truncating it is
// the exact integer quotient.
//
// Pools of 32 channels or more run 32 channels per step in int16
// (avgPool32AVX2): the sum fits (at most 64 taps of |x| <= 128 and a
// padding sum as large), and the division is a multiply-high by a magic
// number, exact for every dividend below 2^15 (Granlund and Montgomery:
// with l = ceil(log2 d) and m = ceil(2^(15+l)/d) < 2^16, floor(n*m /
// 2^(15+l)) = floor(n/d) for 0 <= n < 2^15), so 16 lanes take 7
// operations where the float path takes 8 for 8 lanes plus the widening.
// A window of one tap (d = 1, no magic number) keeps the float path.

import (
	"fmt"
	"math"
	"math/bits"
)

// AvgPoolInt8 is an average pool prepared for avgPoolAVX2 (read-only,
// shared by concurrent calls).
type AvgPoolInt8 struct {
	g               PoolGeom
	countIncludePad bool
	zeroPoint       int32
	actMin, actMax  int32
	// taps[rows-1][cols-1] as in MaxPoolInt8, and consts[rows-1][cols-1]
	// the constants of a window clipped to rows x cols (both built at load
	// time so that Run passes no stack memory to the kernel).
	taps   [][][]int64
	consts [][]AvgPoolConsts
}

// AvgPoolConsts are one call's constants, read by the assembly: Count at
// 0 (float32), Half at 4 (count/2), PadSum at 8, ActMin at 12, ActMax at
// 16, Magic at 20 and MagicShift at 24 (avgPoolMagic; Magic 0 for a count
// of 1).
type AvgPoolConsts struct {
	Count          float32
	Half, PadSum   int32
	ActMin, ActMax int32
	Magic          int32
	MagicShift     int64
}

// avgPoolMagic returns m and s with (n*m >> 16) >> s == n/d for every
// 0 <= n < 2^15 and 2 <= d <= 2^14: m = ceil(2^(15+l)/d) with
// l = ceil(log2 d), and s = l-1; m is 0 for d = 1.
func avgPoolMagic(d int32) (m int32, s int64) {
	if d < 2 {
		return 0, 0
	}
	l := int64(bits.Len32(uint32(d - 1)))
	return int32((int64(1)<<(15+l) + int64(d) - 1) / int64(d)), l - 1
}

// NewAvgPoolInt8 prepares an average pool; it fails where NewMaxPoolInt8
// does and for a zero point outside int8.
func NewAvgPoolInt8(g PoolGeom, countIncludePad bool, zeroPoint, actMin, actMax int32) (*AvgPoolInt8, error) {
	mp, err := NewMaxPoolInt8(g, zeroPoint, actMin, actMax)
	if err != nil {
		return nil, err
	}
	if zeroPoint < math.MinInt8 || zeroPoint > math.MaxInt8 {
		return nil, fmt.Errorf("amd64: average pool zero point %d outside int8", zeroPoint)
	}
	p := &AvgPoolInt8{g: g, countIncludePad: countIncludePad, zeroPoint: zeroPoint,
		actMin: actMin, actMax: actMax, taps: mp.taps}
	p.consts = make([][]AvgPoolConsts, g.KH)
	for rows := 1; rows <= g.KH; rows++ {
		p.consts[rows-1] = make([]AvgPoolConsts, g.KW)
		for cols := 1; cols <= g.KW; cols++ {
			count, padSum := p.count(int32(rows * cols))
			m, ms := avgPoolMagic(count)
			p.consts[rows-1][cols-1] = AvgPoolConsts{Count: float32(count), Half: count / 2, PadSum: padSum, ActMin: actMin, ActMax: actMax,
				Magic: m, MagicShift: ms}
		}
	}
	return p, nil
}

// count returns the divisor and the padding's contribution to the sum of
// a window with taps in-bounds taps.
func (p *AvgPoolInt8) count(taps int32) (count, padSum int32) {
	if !p.countIncludePad {
		return taps, 0
	}
	count = int32(p.g.KH * p.g.KW)
	return count, (count - taps) * p.zeroPoint
}

// Units is N*OutH, the reference kernel's work units (output rows).
func (p *AvgPoolInt8) Units() int { return p.g.N * p.g.OutH }

// avgPoolKernel is the kernel signature (see avgPoolAVX2).
type avgPoolKernel func(out, in *int8, count, inStep, outStep, chunks int, taps *int64, ntaps int, c *AvgPoolConsts)

// AvgPoolKernel is the signature of the kernels RunKernel takes: for count
// pixels (in and out advancing by inStep and outStep bytes) and chunks*32
// channels, avgPool32Generic's int16 sum and magic-number division.
type AvgPoolKernel = avgPoolKernel

// RunKernel computes output rows [lo, hi) with another architecture's
// 32-channel kernel k32 and the Go twins for what it does not take
// (fewer than 32 channels, one-tap windows): the driver is portable Go.
func (p *AvgPoolInt8) RunKernel(k32 AvgPoolKernel, in, out []int8, lo, hi int) {
	p.run(avgPoolGeneric, k32, in, out, lo, hi)
}

// RunGeneric computes output rows [lo, hi) with the pure-Go kernels.
func (p *AvgPoolInt8) RunGeneric(in, out []int8, lo, hi int) {
	p.run(avgPoolGeneric, avgPool32Generic, in, out, lo, hi)
}

// avgPoolChunk is the channels of one vector step (int32 lanes), and
// avgPool32Chunk those of the int16 kernel.
const (
	avgPoolChunk   = 8
	avgPool32Chunk = 32
)

// run computes output rows [lo, hi) with k32 (32 channels per step, the
// last step overlapping the one before when C is not a multiple of 32) for
// pools of 32 channels or more and windows of more than one tap, else
// with k and a scalar tail.
func (p *AvgPoolInt8) run(k, k32 avgPoolKernel, in, out []int8, lo, hi int) {
	g := &p.g
	c := g.C
	chunks := c / avgPoolChunk
	for u := lo; u < hi; u++ {
		n, oy := u/g.OutH, u%g.OutH
		iy0 := oy*g.StrideH - g.PadTop
		kyLo, kyHi := poolValidTaps(iy0, g.DilationH, g.KH, g.InH)
		outRow := out[u*g.OutW*c:][:g.OutW*c]
		for ox := 0; ox < g.OutW; {
			ix0 := ox*g.StrideW - g.PadLeft
			kxLo, kxHi := poolValidTaps(ix0, g.DilationW, g.KW, g.InW)
			rows, cols := kyHi-kyLo, kxHi-kxLo
			taps := int32(rows * cols)
			count, padSum := p.count(taps)
			o := outRow[ox*c:][:c]
			if count == 0 || taps == 0 {
				// Nothing to count, or only padding: the reference's
				// roundedAverage of padSum (zeroPoint when count is 0).
				v := int8(min(max(roundedAverageInt(padSum, count, p.zeroPoint), p.actMin), p.actMax))
				for i := range o {
					o[i] = v
				}
				ox++
				continue
			}
			base := ((n*g.InH+iy0+kyLo*g.DilationH)*g.InW + ix0 + kxLo*g.DilationW) * c
			list := p.taps[rows-1][cols-1]
			run := 1
			if rows == g.KH && cols == g.KW {
				for ox+run < g.OutW {
					a, b := poolValidTaps(ix0+run*g.StrideW, g.DilationW, g.KW, g.InW)
					if a != 0 || b != g.KW {
						break
					}
					run++
				}
			}
			kc := &p.consts[rows-1][cols-1]
			if c >= avgPool32Chunk && kc.Magic != 0 {
				k32(&o[0], &in[base], run, g.StrideW*c, c, c/avgPool32Chunk, &list[0], len(list), kc)
				if t := c - avgPool32Chunk; c%avgPool32Chunk != 0 {
					k32(&o[t], &in[base+t], run, g.StrideW*c, c, 1, &list[0], len(list), kc)
				}
				ox += run
				continue
			}
			if chunks > 0 {
				k(&o[0], &in[base], run, g.StrideW*c, c, chunks, &list[0], len(list), kc)
			}
			if t := chunks * avgPoolChunk; t < c {
				for px := range run {
					avgPoolTail(outRow[(ox+px)*c:][:c], in, base+px*g.StrideW*c, list, t, kc)
				}
			}
			ox += run
		}
	}
}

// roundedAverageInt is kernels' roundedAverage: sum/count rounded half away
// from zero, zeroPoint when count is 0.
func roundedAverageInt(sum, count, zeroPoint int32) int32 {
	switch {
	case count == 0:
		return zeroPoint
	case sum >= 0:
		return (sum + count/2) / count
	default:
		return (sum - count/2) / count
	}
}

// avgPoolTail computes channels [from, len(o)) of one pixel.
func avgPoolTail(o, in []int8, base int, taps []int64, from int, c *AvgPoolConsts) {
	count := int32(c.Count)
	for ch := from; ch < len(o); ch++ {
		s := c.PadSum
		for _, t := range taps {
			s += int32(in[base+int(t)+ch])
		}
		o[ch] = int8(min(max(roundedAverageInt(s, count, 0), c.ActMin), c.ActMax))
	}
}
