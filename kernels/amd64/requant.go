package amd64

// Vectorized requantization int32 -> int8 with per-channel multiplier and
// shift, bit-exact with quant.MultiplyByQuantizedMultiplier (TFLite /
// gemmlowp double rounding) followed by the output zero point and the
// activation clamp.
//
// For the GEMM helper and anyone else: RequantizeRowAVX2 (requant_amd64.s)
// requantizes a row of int32 accumulators whose element i belongs to channel
// i, with the constants of a RequantTable built once at load time by
// NewRequantTable. The depthwise kernel (dw_amd64.s) uses the same group
// layout and the same instruction sequence (the REQUANT8 macro in
// requant_amd64.h), with its groups stored in the lane order of its
// accumulators.
//
// One group holds the constants of 8 lanes, rqGroupLen int32s:
//
//	[0:8]   mult    Q31 multiplier per lane
//	[8:16]  multOdd the multipliers of lanes 1,3,5,7 at positions 0,2,4,6 (VPMULDQ reads even lanes)
//	[16:24] left    max(shift, 0): saturating left shift
//	[24:32] right   max(-shift, 0): rounding right shift
//	[32:40] rmask   2^right - 1
//	[40:48] rhalf   rmask >> 1
//
// and RequantConsts the per-tensor values. The lane computation (the
// vector code does it on 8 lanes at once, requantLane is the scalar twin):
//
//	s = left ? sat(x << left) : x                        only when AnyLeft
//	p = int64(s) * mult; h = int32((p + 2^30) >> 31)     SaturatingRoundingDoublingHighMul
//	q = (h >> right) + ((h & rmask) + (h >> 31) > rhalf) RoundingDivideByPOT, ties away from zero
//	out = clamp(sat8(sat16(sat16(q) + ZeroPoint)), ActMin, ActMax)
//
// (h & rmask) + (h>>31) > rhalf is gemmlowp's remainder > mask/2 + [h < 0]
// without overflow. SaturatingRoundingDoublingHighMul's one overflow
// (s == mult == MinInt32) cannot happen: NewRequantTable rejects a MinInt32
// multiplier. The saturations (VPACKSSDW, VPADDSW, VPACKSSWB) only change
// values that are outside int8 anyway, so the output is exactly the
// reference's clamp(q + ZeroPoint, ActMin, ActMax).

import (
	"fmt"
	"math"
)

// rqGroupLen is the number of int32 constants of one group of 8 lanes.
const rqGroupLen = 48

// RequantConsts are the per-tensor requantization constants. The layout is
// read by the assembly: ActMin at 0, ActMax at 4, ZeroPoint at 8, AnyLeft
// at 12 (the first three are in [-128, 127]).
type RequantConsts struct {
	ActMin, ActMax int32
	ZeroPoint      int32
	AnyLeft        int32 // 1 when some lane has a left shift (shift > 0)
}

// RequantTable is the load-time form of a per-channel requantization for
// rows of N channels.
type RequantTable struct {
	N      int
	Groups []int32 // ceil(N/8) groups of rqGroupLen, lane j of group g is channel 8g+j
	Consts RequantConsts
}

// checkRequant validates what the vector code assumes: shifts in
// [-31, 30] (quant.MultiplyByQuantizedMultiplier's precondition), no
// MinInt32 multiplier (quant.QuantizeMultiplier never makes one), and a
// zero point and activation range inside int8.
func checkRequant(mult, shift []int32, zp, actMin, actMax int32) error {
	if len(mult) != len(shift) {
		return fmt.Errorf("amd64: %d multipliers but %d shifts", len(mult), len(shift))
	}
	for c, s := range shift {
		if s < -31 || s > 30 {
			return fmt.Errorf("amd64: channel %d: shift %d outside [-31, 30]", c, s)
		}
		if mult[c] == math.MinInt32 {
			return fmt.Errorf("amd64: channel %d: multiplier MinInt32", c)
		}
	}
	if actMin < math.MinInt8 || actMax > math.MaxInt8 || actMin > actMax || zp < math.MinInt8 || zp > math.MaxInt8 {
		return fmt.Errorf("amd64: activation range [%d, %d] or zero point %d is not inside [-128, 127]", actMin, actMax, zp)
	}
	return nil
}

func newRequantConsts(shift []int32, zp, actMin, actMax int32) RequantConsts {
	c := RequantConsts{ActMin: actMin, ActMax: actMax, ZeroPoint: zp}
	for _, s := range shift {
		if s > 0 {
			c.AnyLeft = 1
		}
	}
	return c
}

// putRequantGroup writes the constants of channel ch into lane j of group g.
func putRequantGroup(g []int32, j int, mult, shift int32) {
	g = g[:rqGroupLen]
	g[j] = mult
	if j%2 == 1 {
		g[8+j-1] = mult
	}
	left, right := max(shift, 0), max(-shift, 0)
	g[16+j] = left
	g[24+j] = right
	g[32+j] = int32(int64(1)<<uint(right) - 1)
	g[40+j] = g[32+j] >> 1
}

// NewRequantTable prepares per-channel requantization of rows of
// len(mult) channels: out = clamp(MBQM(acc, mult[c], shift[c]) + zp,
// actMin, actMax). Padding lanes of the last group requantize to zp-clamped
// garbage that is never stored.
func NewRequantTable(mult, shift []int32, zp, actMin, actMax int32) (*RequantTable, error) {
	if err := checkRequant(mult, shift, zp, actMin, actMax); err != nil {
		return nil, err
	}
	n := len(mult)
	t := &RequantTable{N: n, Groups: make([]int32, (n+7)/8*rqGroupLen)}
	for c := range n {
		putRequantGroup(t.Groups[c/8*rqGroupLen:], c%8, mult[c], shift[c])
	}
	t.Consts = newRequantConsts(shift, zp, actMin, actMax)
	return t, nil
}

// requantLane is the scalar twin of one lane of LEFT8, REQUANT8 and
// PACK8/PACK16.
func requantLane(x int32, g []int32, j int, c *RequantConsts) int8 {
	q := multiplyLane(x, g, j, c.AnyLeft)
	v := sat(sat(q, math.MinInt16, math.MaxInt16)+c.ZeroPoint, math.MinInt16, math.MaxInt16) // VPACKSSDW, VPADDSW
	v = sat(v, math.MinInt8, math.MaxInt8)                                                   // VPACKSSWB
	return int8(min(max(v, c.ActMin), c.ActMax))                                             // VPMAXSB, VPMINSB
}

// sat clamps v to [lo, hi].
func sat(v, lo, hi int32) int32 { return min(max(v, lo), hi) }

// RequantizeRowGeneric is the pure-Go twin of RequantizeRowAVX2:
// dst[i] = requant(acc[i]) with channel i's constants, for i < len(dst).
// len(acc) >= len(dst) and len(dst) <= t.N.
func RequantizeRowGeneric(dst []int8, acc []int32, t *RequantTable) {
	acc = acc[:len(dst)]
	for i, a := range acc {
		dst[i] = requantLane(a, t.Groups[i/8*rqGroupLen:][:rqGroupLen], i%8, &t.Consts)
	}
}
