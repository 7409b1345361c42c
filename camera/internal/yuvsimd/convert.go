// Package yuvsimd samples YUV frames into 8-bit RGB rows: the camera
// preprocessor's hot loop. For each output pixel it converts the four
// source pixels of its bilinear taps from YUV to RGB and interpolates them,
// one output row per call, with a pure-Go kernel (the definition) and
// assembly twins that write the same bytes.
package yuvsimd

// Coeffs is a YUV to RGB conversion (BT.601) in 21-bit fixed point, with
// the rounding half and the -128 chroma offset folded into per-channel
// offsets. A pixel converts as
//
//	yt := int32(y) * k.y
//	r := clamp8((yt + int32(v)*k.rv + k.rOff) >> 21)
//	g := clamp8((yt - int32(u)*k.gu - int32(v)*k.gv + k.gOff) >> 21)
//	b := clamp8((yt + int32(u)*k.bu + k.bOff) >> 21)
//
// with clamp8(x) = min(max(x, 0), 255). The sums stay within ±1.2e9 (every
// triple tested), so int32 lanes hold them exactly.
type Coeffs struct {
	yuvTerms
	vec [8][8]int32 // the eight terms, broadcast, for the assembly
	tab yuvTables   // the terms' products, for the Go kernel
}

// yuvTables hold the products of the conversion per sample value, offsets
// included, so that the Go kernel adds table entries instead of
// multiplying: R = y[Y] + rv[V], G = y[Y] + gu[U] + gv[V], B = y[Y] +
// bu[U], the same int32 sums as the definition's.
type yuvTables struct {
	y, rv, gu, gv, bu [256]int32
}

type yuvTerms struct {
	y, rv, gu, gv, bu int32
	rOff, gOff, bOff  int32
}

// CoeffBits is the fixed-point precision of Coeffs.
const CoeffBits = 21

// The BT.601 matrix as JFIF states it, R = Y + 1.402 V', G = Y - 0.344136
// U' - 0.714136 V', B = Y + 1.772 U' (U', V' = U-128, V-128), with each
// coefficient rounded to CoeffBits: round(1.402 * 2^21) = 2940207 and so on.
// Limited (video) range scales Y-16 by 255/219 and U', V' by 255/224
// before the matrix: round(255/219 * 2^21) = 2441889, round(1.402 * 255/224
// * 2^21) = 3347111, and so on.
//
// The rounding half carries a bias, 64 (full) and 32 (limited) of 2^21:
// the rounded coefficients move a value by up to 2^-15, which would round
// exact ties of the decimal matrix (1.772*125 = 221.5) down where float64
// rounds them up. These biases minimize the disagreements with the float64
// formula over all 2^24 triples: 181 (full) and 146 (limited) of 50M
// channel values, each one step (without bias: 9267 and 478).
var (
	FullRange    = newCoeffs(1<<CoeffBits, 0, 2940207, 721706, 1497652, 3716153, 64)
	LimitedRange = newCoeffs(2441889, 16, 3347111, 821584, 1704916, 4230442, 32)
)

// newCoeffs folds the luma offset y0, the chroma offset 128 and the
// rounding half plus bias into the offsets.
func newCoeffs(y, y0, rv, gu, gv, bu, bias int32) *Coeffs {
	const half = 1 << (CoeffBits - 1)
	yOff := half + bias - y0*y
	k := &Coeffs{yuvTerms: yuvTerms{y: y, rv: rv, gu: gu, gv: gv, bu: bu,
		rOff: yOff - 128*rv, gOff: yOff + 128*(gu+gv), bOff: yOff - 128*bu}}
	for i := range int32(256) {
		k.tab.y[i], k.tab.rv[i] = i*k.y, i*k.rv+k.rOff
		k.tab.gu[i], k.tab.gv[i], k.tab.bu[i] = k.gOff-i*k.gu, -i*k.gv, i*k.bu+k.bOff
	}
	for i, t := range [8]int32{k.y, k.rv, k.gu, k.gv, k.bu, k.rOff, k.gOff, k.bOff} {
		for j := range k.vec[i] {
			k.vec[i][j] = t
		}
	}
	return k
}

// RGB converts one Y, U, V sample triple.
func (k *Coeffs) RGB(y, u, v uint8) (r, g, b uint8) { return k.tab.rgb(y, u, v) }

func (t *yuvTables) rgb(y, u, v uint8) (r, g, b uint8) {
	yt := t.y[y]
	return clamp8((yt + t.rv[v]) >> CoeffBits), clamp8((yt + t.gu[u] + t.gv[v]) >> CoeffBits), clamp8((yt + t.bu[u]) >> CoeffBits)
}

// clamp8 is min(max(x, 0), 255) for x in [-1024, 1023] (the sums shifted
// right 21 lie in [-573, 573]) as a table load: clamping random pixels
// with compares mispredicts often enough to triple the Go kernel's time.
func clamp8(x int32) uint8 { return clampTab[x&clampMask] }

// clampTab[x & clampMask] is x clamped to 0..255; masking a negative x
// wraps it into the table's upper half.
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
