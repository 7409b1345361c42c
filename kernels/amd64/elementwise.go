package amd64

// Elementwise int8 MUL and ADD over same-shape runs (TFLite's int8 MUL and
// ADD; kernels.MulInt8 and kernels.AddInt8 are the specification):
//
//	mul: out = requant((a + AOffset) * (b + BOffset))
//	add: out = requant(MBQM((a + AOffset) << LeftShift, AMult, AShift) + MBQM((b + BOffset) << LeftShift, BMult, BShift))
//
// with requant the per-tensor requantization of requant.go. The vector
// routines (elementwise_amd64.s) handle 8 elements per step; the tails and
// the pure-Go twins use the scalar lane code of requant.go.

import "fmt"

// MulInt8Consts are MUL's constants. The assembly reads Out at 0 (one
// requantization group, every lane the same), Consts at 192, AOffset at
// 208 and BOffset at 212.
type MulInt8Consts struct {
	Out              [rqGroupLen]int32
	Consts           RequantConsts
	AOffset, BOffset int32
}

// NewMulInt8Consts prepares MUL with per-tensor multiplier and shift.
func NewMulInt8Consts(aOff, bOff, mult, shift, zp, actMin, actMax int32) (*MulInt8Consts, error) {
	if err := checkOffsets(aOff, bOff); err != nil {
		return nil, err
	}
	k := &MulInt8Consts{AOffset: aOff, BOffset: bOff}
	if err := fillTensorGroup(&k.Out, &k.Consts, mult, shift, zp, actMin, actMax); err != nil {
		return nil, err
	}
	return k, nil
}

// checkOffsets requires input offsets that are negated int8 zero points,
// so x + offset stays within [-255, 255].
func checkOffsets(offs ...int32) error {
	for _, o := range offs {
		if o < -127 || o > 128 {
			return fmt.Errorf("amd64: input offset %d is not a negated int8 zero point", o)
		}
	}
	return nil
}

// fillTensorGroup writes one per-tensor requantization into every lane of
// g and its per-tensor constants into c.
func fillTensorGroup(g *[rqGroupLen]int32, c *RequantConsts, mult, shift, zp, actMin, actMax int32) error {
	m, s := []int32{mult}, []int32{shift}
	if err := checkRequant(m, s, zp, actMin, actMax); err != nil {
		return err
	}
	for j := range 8 {
		putRequantGroup(g[:], j, mult, shift)
	}
	*c = newRequantConsts(s, zp, actMin, actMax)
	return nil
}

// MulInt8Generic is the pure-Go twin of MulInt8AVX2: out[i] for
// i < len(out) from a[i] and b[i].
func MulInt8Generic(out, a, b []int8, k *MulInt8Consts) {
	a, b = a[:len(out)], b[:len(out)]
	for i := range out {
		out[i] = requantLane((int32(a[i])+k.AOffset)*(int32(b[i])+k.BOffset), k.Out[:], 0, &k.Consts)
	}
}

// AddInt8Consts are ADD's constants. The assembly reads A at 0, B at 192,
// Out at 384 (requantization groups, every lane the same), ACon at 576,
// BCon at 592, OutCon at 608, AOffset at 624, BOffset at 628, LeftShift
// at 632, Fast at 636. ACon and BCon's ActMin/ActMax/ZeroPoint are unused
// (the rescaled operands stay int32).
type AddInt8Consts struct {
	A, B, Out          [rqGroupLen]int32
	ACon, BCon, OutCon RequantConsts
	AOffset, BOffset   int32
	LeftShift          int32
	// Fast is 1 when no requantization has a left shift and LeftShift <=
	// 21: then every value requantized is below 2^30 in magnitude
	// (|(x+off) << 21| <= 255*2^21, a rescale only shrinks it, the sum of two
	// is below 255*2^22 < 2^30) and REQUANT8_FAST applies.
	Fast int32
	// Pair is the pair form of the same ADD (elementwise_add_pair.go), nil
	// when it does not apply; AddInt8AVX2 prefers it.
	Pair *AddInt8Pair
}

// NewAddInt8Consts prepares ADD (kernels.AddInt8Params' fields).
func NewAddInt8Consts(aOff, bOff, aMult, aShift, bMult, bShift, leftShift, outMult, outShift, zp, actMin, actMax int32) (*AddInt8Consts, error) {
	if err := checkOffsets(aOff, bOff); err != nil {
		return nil, err
	}
	if leftShift < 0 || leftShift > 23 {
		return nil, fmt.Errorf("amd64: ADD left shift %d outside [0, 23]", leftShift)
	}
	k := &AddInt8Consts{AOffset: aOff, BOffset: bOff, LeftShift: leftShift}
	if err := fillTensorGroup(&k.A, &k.ACon, aMult, aShift, 0, -128, 127); err != nil {
		return nil, err
	}
	if err := fillTensorGroup(&k.B, &k.BCon, bMult, bShift, 0, -128, 127); err != nil {
		return nil, err
	}
	if err := fillTensorGroup(&k.Out, &k.OutCon, outMult, outShift, zp, actMin, actMax); err != nil {
		return nil, err
	}
	if k.ACon.AnyLeft == 0 && k.BCon.AnyLeft == 0 && k.OutCon.AnyLeft == 0 && leftShift <= 21 {
		k.Fast = 1
	}
	k.Pair = newAddInt8Pair(k, aMult, aShift, bMult, bShift, outMult, outShift, zp, actMin, actMax)
	return k, nil
}

// multiplyLane is the int32 part of requantLane (LEFT8 and REQUANT8):
// MultiplyByQuantizedMultiplier with the lane's constants.
func multiplyLane(x int32, g []int32, j int, anyLeft int32) int32 {
	if anyLeft != 0 {
		if l := g[16+j]; l > 0 {
			s := x << uint(l)
			if s>>uint(l) != x {
				s = int32(uint32(x>>31) ^ 0x7fffffff)
			}
			x = s
		}
	}
	h := int32((int64(x)*int64(g[j]) + 1<<30) >> 31)
	q := h >> uint(g[24+j])
	if (h&g[32+j])+(h>>31) > g[40+j] {
		q++
	}
	return q
}

// AddInt8Generic is the pure-Go twin of AddInt8AVX2.
func AddInt8Generic(out, a, b []int8, k *AddInt8Consts) {
	a, b = a[:len(out)], b[:len(out)]
	for i := range out {
		x := multiplyLane((int32(a[i])+k.AOffset)<<uint(k.LeftShift), k.A[:], 0, k.ACon.AnyLeft)
		y := multiplyLane((int32(b[i])+k.BOffset)<<uint(k.LeftShift), k.B[:], 0, k.BCon.AnyLeft)
		out[i] = requantLane(x+y, k.Out[:], 0, &k.OutCon)
	}
}
