package camera

// YUV to RGB with the BT.601 matrix, in 16.16 fixed point through tables
// built once per range: R = Y' + Rv*V', G = Y' - Gu*U' - Gv*V',
// B = Y' + Bu*U', where for full range (JFIF) Y' = Y and U', V' = U-128,
// V-128, and for limited range Y' = (Y-16)*255/219 and U', V' are scaled
// by 255/224 as well.

const yuvFracBits = 16

// yuvTables holds the per-sample terms of the conversion, scaled by
// 1<<yuvFracBits, with the rounding half folded into Y.
type yuvTables struct {
	y          [256]int32
	rv, gu, gv [256]int32
	bu         [256]int32
}

// BT.601 chroma coefficients (ITU-R BT.601, as JFIF states them).
const (
	bt601Rv = 1.402
	bt601Gu = 0.344136
	bt601Gv = 0.714136
	bt601Bu = 1.772
)

var fullRangeTables, limitedRangeTables = newYUVTables(FullRange), newYUVTables(LimitedRange)

func tablesFor(r YUVRange) *yuvTables {
	if r == LimitedRange {
		return limitedRangeTables
	}
	return fullRangeTables
}

func newYUVTables(r YUVRange) *yuvTables {
	t := new(yuvTables)
	const one = 1 << yuvFracBits
	yScale, yOffset, cScale := 1.0, 0.0, 1.0
	if r == LimitedRange {
		yScale, yOffset, cScale = 255.0/219, 16, 255.0/224
	}
	fix := func(v float64) int32 { // round half away from zero
		if v < 0 {
			return -int32(-v*one + 0.5)
		}
		return int32(v*one + 0.5)
	}
	for i := range 256 {
		c := (float64(i) - 128) * cScale
		t.y[i] = fix((float64(i)-yOffset)*yScale) + one/2
		t.rv[i] = fix(bt601Rv * c)
		t.gu[i] = fix(bt601Gu * c)
		t.gv[i] = fix(bt601Gv * c)
		t.bu[i] = fix(bt601Bu * c)
	}
	return t
}

// rgb converts one Y, U, V sample triple. It is small enough to inline:
// five table loads, and the clamp is a load from clampTab.
func (t *yuvTables) rgb(y, u, v uint8) (r, g, b uint8) {
	yy := t.y[y]
	return clampTab[(yy+t.rv[v])>>yuvFracBits&clampMask], clampTab[(yy-t.gu[u]-t.gv[v])>>yuvFracBits&clampMask], clampTab[(yy+t.bu[u])>>yuvFracBits&clampMask]
}

// clampTab[x & clampMask] is x clamped to 0..255 for x in [-1024, 1023]:
// converted values lie in [-278, 535] (limited range stretches the most),
// and masking a negative x wraps it into the table's upper half.
const clampMask = 2047

var clampTab = func() (t [clampMask + 1]uint8) {
	for i := range t {
		x := i
		if i > clampMask/2 {
			x = i - (clampMask + 1) // a negative x, wrapped
		}
		t[i] = uint8(min(max(x, 0), 255))
	}
	return t
}()
