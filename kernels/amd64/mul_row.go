package amd64

// The row-broadcast MUL of a squeeze-excite block: out[p][c] =
// requant((x[p][c] + FullOffset) * (y[c] + RowOffset)) for a feature map x
// of P pixels by C channels and a channel scale y of C values. The row is
// constant for a whole call, so its per-channel work is done once per call
// into per-lane multipliers (MulRowLanes), and every element then costs
// one widening, one multiply and the requantization of the depthwise
// pair-row kernels (dw_pair.go), 12 operations per 8 lanes instead of the
// same-shape kernel's 19:
//
//	A   = (x + FullOffset)*Y2 = 2*(x + FullOffset)*(y + RowOffset)     Y2 = 2*(y + RowOffset)
//	h'' = hi32(A*m + Ke)      Ke = 2^31 + (thr-1)*2^32
//	q   = (h'' - [h'' > CMP]) >> r
//	out = clamp(q)
//
// with thr and CMP as in dw_pair.go (the output zero point is in thr).
// Then h'' = h + thr - 1 with h = hi32(2*(x+FullOffset)*(y+RowOffset)*m
// + 2^31), REQUANT8_FAST's doubling high multiply, and q is h rounded
// half away from zero by 2^r plus the zero point. This needs no left
// shift and |h| + |thr| + 3 < 2^31 (NewMulRowInt8 checks both).
//
// |x + FullOffset| <= 255 and |Y2| <= 510 fit int16s, so the multiply is
// VPMADDWD of the sign-extended x + FullOffset (whose high word is 0 or -1)
// with the pair (Y2, 0): one micro-op where VPMULLD takes two on Intel
// cores. Keeping x's offset out of the lanes (one VPADDD per 8 lanes)
// leaves one 32-bit multiplier per lane to fill per call instead of that
// and a 64-bit constant per lane: as fast on long runs, faster on the
// short ones of the late stages (7x7x1152: 3.3 against 2.8 elements/ns).

import "fmt"

// MulRowMaxLanes is the number of lanes a MulRowLanes holds: the longest
// run one call of MulRowInt8AVX2 covers.
const MulRowMaxLanes = 2048

// MulRowInt8 holds a row-broadcast MUL's per-tensor constants. The
// assembly reads mult at 0, cmp at 4, right at 8, actMin at 12, actMax at
// 16, fullOff at 20 and round at 24.
type MulRowInt8 struct {
	mult    int32 // m
	cmp     int32 // CMP
	right   int32 // r
	actMin  int32
	actMax  int32
	fullOff int32  // the offset of x
	round   uint64 // Ke
	rowOff  int32  // the offset of y
}

// MulRowLanes holds the per-lane multipliers of up to MulRowMaxLanes
// lanes (MulRowInt8.Fill): lane i's Y2 in the low word of y2[i], 0 in the
// high word, as VPMADDWD reads them.
type MulRowLanes struct {
	y2 [MulRowMaxLanes]int32
}

// NewMulRowInt8 prepares a row-broadcast MUL (kernels.MulInt8Params'
// fields, with fullOff the offset of the full operand and rowOff that of
// the row). It fails when the form above does not apply: a left shift
// (shift > 0) or a rounding threshold too large for int32; the same-shape
// kernel then remains.
func NewMulRowInt8(fullOff, rowOff, mult, shift, zp, actMin, actMax int32) (*MulRowInt8, error) {
	if err := checkOffsets(fullOff, rowOff); err != nil {
		return nil, err
	}
	if err := checkRequant([]int32{mult}, []int32{shift}, zp, actMin, actMax); err != nil {
		return nil, err
	}
	if shift > 0 {
		return nil, fmt.Errorf("amd64: row MUL: left shift %d", shift)
	}
	r := int64(-shift)
	thr, cmp := int64(zp), int64(-1<<31)
	if r > 0 {
		thr = 1<<(r-1) + int64(zp)<<r
		cmp = thr - 2
	}
	// |(x+off)*(y+off)| <= 255*255, so |h| <= that times |m| / 2^31,
	// rounded, plus one.
	m := max(int64(mult), -int64(mult))
	if h := (255*255*m+1<<30)>>31 + 1; h+max(thr, -thr)+3 >= 1<<31 {
		return nil, fmt.Errorf("amd64: row MUL: rounding threshold %d does not fit", thr)
	}
	return &MulRowInt8{
		mult: mult, cmp: int32(cmp), right: int32(r), actMin: actMin, actMax: actMax,
		fullOff: fullOff, round: 1<<31 + uint64(thr-1)<<32, rowOff: rowOff,
	}, nil
}

// Fill writes the multipliers of lanes [0, n) of l for a run of the
// feature map that starts at channel first of the row (n <=
// MulRowMaxLanes, first < len(row)): lane i gets channel
// (first+i) % len(row).
func (k *MulRowInt8) Fill(l *MulRowLanes, row []int8, first, n int) {
	y2 := l.y2[:n]
	// One period of len(row) lanes, then doublings of it.
	p := min(n, len(row))
	for i, v := range row[first:][:min(p, len(row)-first)] {
		y2[i] = k.laneY2(v)
	}
	for i, v := range row[:p-min(p, len(row)-first)] {
		y2[len(row)-first+i] = k.laneY2(v)
	}
	for ; p < n; p *= 2 {
		copy(y2[p:], y2[:p])
	}
}

// laneY2 is the lane multiplier of row value v: 2*(v + RowOffset) in the
// low word.
func (k *MulRowInt8) laneY2(v int8) int32 {
	return int32(uint16(2 * (int32(v) + k.rowOff)))
}

// MulRowInt8Generic is the pure-Go twin of MulRowInt8AVX2: out[i] for
// i < len(out) from x[i] and lane i of l (len(x) >= len(out), len(out)
// <= the lanes filled; out may be x).
func MulRowInt8Generic(out, x []int8, l *MulRowLanes, k *MulRowInt8) {
	mulRowLanes(out, x, l, 0, k)
}

// mulRowLanes computes out[i] from x[i] and lane first+i, lane for lane
// as the assembly does.
func mulRowLanes(out, x []int8, l *MulRowLanes, first int, k *MulRowInt8) {
	x = x[:len(out)]
	y2 := l.y2[first:][:len(out)]
	for i := range out {
		a := (int32(x[i]) + k.fullOff) * int32(int16(y2[i]))         // VPADDD, VPMADDWD
		h := int32((uint64(int64(a)*int64(k.mult)) + k.round) >> 32) // VPMULDQ, VPADDQ, the high dword
		if h > k.cmp {
			h++
		}
		out[i] = int8(min(max(h>>uint(k.right), k.actMin), k.actMax))
	}
}
