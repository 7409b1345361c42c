package amd64

// The row-broadcast MUL of a squeeze-excite block: out[p][c] =
// requant((x[p][c] + FullOffset) * (y[c] + RowOffset)) for a feature map x
// of P pixels by C channels and a channel scale y of C values. The row is
// constant for a whole call, so its per-channel work is done once per call
// into per-lane constants (MulRowLanes) and every element then costs one
// widening, one multiply and the requantization of the depthwise pair-row
// kernels (dw_pair.go), 11 operations per 8 lanes instead of the
// same-shape kernel's 19:
//
//	A   = x*Y2 = 2*(x + FullOffset)*(y + RowOffset) - FullOffset*Y2     Y2 = 2*(y + RowOffset)
//	h'' = hi32(A*m + Ke)      Ke = FullOffset*Y2*m + 2^31 + (thr-1)*2^32
//	q   = (h'' - [h'' > CMP]) >> r
//	out = clamp(q)
//
// with thr and CMP as in dw_pair.go (the output zero point is in thr).
// Then h'' = h + thr - 1 with h = hi32(2*(x+FullOffset)*(y+RowOffset)*m
// + 2^31), REQUANT8_FAST's doubling high multiply, and q is h rounded
// half away from zero by 2^r plus the zero point. This needs no left
// shift and |h| + |thr| + 3 < 2^31 (NewMulRowInt8 checks both).
//
// |Y2| <= 510 fits an int16, so the multiply is VPMADDWD of the
// sign-extended x (whose high word is 0 or -1) with the pair (Y2, 0): one
// micro-op where VPMULLD takes two.

import "fmt"

// MulRowMaxLanes is the number of lanes a MulRowLanes holds: the longest
// run one call of MulRowInt8AVX2 covers.
const MulRowMaxLanes = 2048

// MulRowInt8 holds a row-broadcast MUL's per-tensor constants. The
// assembly reads mult at 0, cmp at 4, right at 8, actMin at 12 and actMax
// at 16.
type MulRowInt8 struct {
	mult   int32 // m
	cmp    int32 // CMP
	right  int32 // r
	actMin int32
	actMax int32
	// fullOff and rowOff are the offsets of x and y.
	fullOff, rowOff int32
	round           uint64 // 2^31 + (thr-1)*2^32, the row-independent part of Ke
}

// MulRowLanes holds the per-lane constants of up to MulRowMaxLanes lanes
// (MulRowInt8.Fill). The assembly reads lane i's Y2 (low word, high word 0)
// at 4*i, the Ke of even lane 2q at 8192+8*q and of odd lane 2q+1 at
// 16384+8*q: per 8 lanes the 32 bytes of Y2 that VPMADDWD reads and the
// two registers of Ke that the even and the odd products (VPMULDQ) get.
type MulRowLanes struct {
	y2            [MulRowMaxLanes]int32
	keEven, keOdd [MulRowMaxLanes / 2]uint64
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
		fullOff: fullOff, rowOff: rowOff,
		round: 1<<31 + uint64(thr-1)<<32,
	}, nil
}

// Fill writes the constants of lanes [0, n) of l for a run of the feature
// map that starts at channel first of the row (n <= MulRowMaxLanes, first
// < len(row)): lane i gets channel (first+i) % len(row).
func (k *MulRowInt8) Fill(l *MulRowLanes, row []int8, first, n int) {
	c := len(row)
	// The lanes repeat every 2c: then even lanes fall on even lanes.
	direct := min(n, 2*c)
	ch := first
	for i := range direct {
		y2 := 2 * (int32(row[ch]) + k.rowOff)
		l.y2[i] = int32(uint16(y2))
		ke := uint64(int64(k.fullOff)*int64(y2)*int64(k.mult)) + k.round
		if i%2 == 0 {
			l.keEven[i/2] = ke
		} else {
			l.keOdd[i/2] = ke
		}
		if ch++; ch == c {
			ch = 0
		}
	}
	for p := direct; p < n; p *= 2 {
		copy(l.y2[p:n], l.y2[:p])
		copy(l.keEven[p/2:(n+1)/2], l.keEven[:p/2])
		copy(l.keOdd[p/2:n/2], l.keOdd[:p/2])
	}
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
	for i := range out {
		j := first + i
		a := int32(x[i]) * int32(int16(l.y2[j])) // VPMADDWD
		ke := l.keEven[j/2]
		if j%2 == 1 {
			ke = l.keOdd[j/2]
		}
		h := int32((uint64(int64(a)*int64(k.mult)) + ke) >> 32) // VPMULDQ, VPADDQ, the high dword
		if h > k.cmp {
			h++
		}
		out[i] = int8(min(max(h>>uint(k.right), k.actMin), k.actMax))
	}
}
