package amd64

// Int8 max pooling over NHWC (kernels.MaxPoolInt8 is the specification):
// the largest in-bounds input of each window, clamped to [ActMin, ActMax];
// a window with no in-bounds tap yields clamp(ZeroPoint). Padding taps are
// skipped, so a border pixel just runs the kernel over its in-bounds taps.
//
// A pixel's channels run in vector steps of the widest of 32, 16, 8 and 4
// bytes that fits C, the last step ending at channel C-1 and overlapping
// the one before. When the channels are exactly two steps (17-31 or
// 33-64), both run in one walk of the taps: ShuffleNetV2's 24-channel stem
// pool (two 16-byte steps per pixel) took 1.8-2.9x less time than in two
// walks, ResNet-18's 64-channel one 1.1-2x; the channel-inner Go loop over
// slices that served fewer than 32 channels before was 17-34x slower than
// two walks. Pools of 1-3 channels keep that loop.

import (
	"fmt"
	"math"
)

// PoolGeom mirrors kernels.PoolGeom.
type PoolGeom struct {
	N, InH, InW, C       int
	OutH, OutW           int
	KH, KW               int
	StrideH, StrideW     int
	DilationH, DilationW int
	PadTop, PadLeft      int
}

// poolMaxTaps bounds the window (and the load-time tap lists).
const poolMaxTaps = 64

// poolMinChannels is the fewest channels the max pool kernels take: the
// narrowest AVX2 step is 4 bytes (VMOVD), and no step may read past the
// last channel of a tap. Fewer channels (1-3) use maxPoolTail.
const poolMinChannels = 4

// MaxPoolInt8 is a max pool prepared for maxPoolAVX2 (read-only, shared).
type MaxPoolInt8 struct {
	g      PoolGeom
	consts PoolConsts
	// taps[rows-1][cols-1] lists the byte offsets, from its first tap, of a
	// window clipped to rows x cols in-bounds taps (built at load time so
	// that Run passes no stack memory to the kernel).
	taps  [][][]int64
	empty int8 // clamp(ZeroPoint), the output of a window without taps
}

// PoolConsts are the clamp bounds, read by the assembly (ActMin at 0,
// ActMax at 4; both in [-128, 127]).
type PoolConsts struct {
	ActMin, ActMax int32
}

// NewMaxPoolInt8 prepares a max pool. It fails for windows over 64 taps,
// negative padding, non-positive strides or dilations, and a clamp outside
// int8.
func NewMaxPoolInt8(g PoolGeom, zeroPoint, actMin, actMax int32) (*MaxPoolInt8, error) {
	switch {
	case g.KH*g.KW < 1 || g.KH*g.KW > poolMaxTaps:
		return nil, fmt.Errorf("amd64: max pool window %dx%d is not supported", g.KH, g.KW)
	case g.PadTop < 0 || g.PadLeft < 0 || g.StrideH < 1 || g.StrideW < 1 || g.DilationH < 1 || g.DilationW < 1:
		return nil, fmt.Errorf("amd64: max pool geometry %+v has a negative pad or a non-positive stride/dilation", g)
	case actMin < math.MinInt8 || actMax > math.MaxInt8 || actMin > actMax:
		return nil, fmt.Errorf("amd64: max pool clamp [%d, %d] is not inside int8", actMin, actMax)
	}
	p := &MaxPoolInt8{g: g, consts: PoolConsts{actMin, actMax}}
	p.empty = int8(min(max(zeroPoint, actMin), actMax))
	p.taps = make([][][]int64, g.KH)
	for rows := 1; rows <= g.KH; rows++ {
		p.taps[rows-1] = make([][]int64, g.KW)
		for cols := 1; cols <= g.KW; cols++ {
			var t []int64
			for dy := range rows {
				for dx := range cols {
					t = append(t, int64((dy*g.DilationH*g.InW+dx*g.DilationW)*g.C))
				}
			}
			p.taps[rows-1][cols-1] = t
		}
	}
	return p, nil
}

// Units is N*OutH, the reference kernel's work units (output rows).
func (p *MaxPoolInt8) Units() int { return p.g.N * p.g.OutH }

// maxPoolKernel is the kernel signature (see maxPoolAVX2).
type maxPoolKernel func(out, in *int8, count, inStep, outStep, channels int, taps *int64, ntaps int, c *PoolConsts)

// MaxPoolKernel is the kernel signature for RunKernel: for count pixels
// (in and out advancing by inStep and outStep bytes) and channels >= 4
// channels, the maximum over the ntaps byte offsets taps, clamped by c
// (maxPoolGeneric states it as Go).
type MaxPoolKernel = maxPoolKernel

// RunKernel computes output rows [lo, hi) with another architecture's
// kernel k: the driver is portable Go, so the arm64 kernels reuse it.
func (p *MaxPoolInt8) RunKernel(k MaxPoolKernel, in, out []int8, lo, hi int) {
	p.run(k, in, out, lo, hi)
}

// RunGeneric computes output rows [lo, hi) with the pure-Go kernel.
func (p *MaxPoolInt8) RunGeneric(in, out []int8, lo, hi int) { p.run(maxPoolGeneric, in, out, lo, hi) }

// poolValidTaps is kernels' validTaps: the taps [lo, hi) of a k-tap window
// starting at coordinate start with the given dilation that land in
// [0, size).
func poolValidTaps(start, dilation, k, size int) (lo, hi int) {
	if start < 0 {
		lo = (-start + dilation - 1) / dilation
	}
	hi = k
	if end := start + (k-1)*dilation; end >= size {
		hi = 0
		if start < size {
			hi = (size - start + dilation - 1) / dilation
		}
	}
	return min(lo, hi), hi
}

func (p *MaxPoolInt8) run(k maxPoolKernel, in, out []int8, lo, hi int) {
	g := &p.g
	c := g.C
	for u := lo; u < hi; u++ {
		n, oy := u/g.OutH, u%g.OutH
		iy0 := oy*g.StrideH - g.PadTop
		kyLo, kyHi := poolValidTaps(iy0, g.DilationH, g.KH, g.InH)
		outRow := out[u*g.OutW*c:][:g.OutW*c]
		for ox := 0; ox < g.OutW; {
			ix0 := ox*g.StrideW - g.PadLeft
			kxLo, kxHi := poolValidTaps(ix0, g.DilationW, g.KW, g.InW)
			o := outRow[ox*c:][:c]
			if kyLo == kyHi || kxLo == kxHi {
				for i := range o {
					o[i] = p.empty
				}
				ox++
				continue
			}
			// The in-bounds taps, relative to the first one's input pixel.
			base := ((n*g.InH+iy0+kyLo*g.DilationH)*g.InW + ix0 + kxLo*g.DilationW) * c
			taps := p.taps[kyHi-kyLo-1][kxHi-kxLo-1]
			// A full window runs with the following full windows of the row.
			count := 1
			if kyHi-kyLo == g.KH && kxHi-kxLo == g.KW {
				for ox+count < g.OutW {
					a, b := poolValidTaps(ix0+count*g.StrideW, g.DilationW, g.KW, g.InW)
					if a != 0 || b != g.KW {
						break
					}
					count++
				}
			}
			if c >= poolMinChannels {
				k(&o[0], &in[base], count, g.StrideW*c, c, c, &taps[0], len(taps), &p.consts)
			} else {
				for px := range count {
					maxPoolTail(outRow[(ox+px)*c:][:c], in, base+px*g.StrideW*c, taps, &p.consts)
				}
			}
			ox += count
		}
	}
}

// maxPoolTail computes one pixel (at least one tap), for pools of fewer than poolMinChannels channels. It runs taps
// outer and channels inner over slices, so the compiler drops the bounds
// checks of the inner loops.
func maxPoolTail(o, in []int8, base int, taps []int64, c *PoolConsts) {
	n := len(o)
	copy(o, in[base+int(taps[0]):][:n])
	for _, t := range taps[1:] {
		row := in[base+int(t):][:n]
		for i, v := range row {
			if v > o[i] {
				o[i] = v
			}
		}
	}
	lo, hi := int8(c.ActMin), int8(c.ActMax)
	for i, v := range o {
		o[i] = min(max(v, lo), hi)
	}
}
