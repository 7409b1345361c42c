package amd64

// Winograd F(4x4, 3x3) in exact integer arithmetic: 36 multiplies per 16
// outputs and input/output channel pair, against F(2x2, 3x3)'s 64
// (wino.go has the general argument). The interpolation points 0, ±1,
// ±2, ∞ give the textbook matrices
//
//	Bt = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
//	G  = diag(1/4, 1/6, 1/6, 1/24, 1/24, 1) * G'
//	G' = [1 0 0; -1 -1 -1; -1 1 -1; 1 2 4; 1 -2 4; 0 0 1]
//	At = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
//
// The weights are transformed with the integer G' (|U| <= 7*7*128), and
// the output transform undoes G's row scales s = (4, 6, 6, 24, 24, 1)
// with A^ = diag(24/s) A, all integers:
//
//	At^ = [6 4 4 1 1 0; 0 4 -4 2 -2 0; 0 4 4 4 4 0; 0 4 -4 8 -8 24]
//	Y = At^ M At^' = 576 * (the 4x4 block of sum w*(x - zp))
//
// in int32 wrap-around arithmetic. 576 = 9 * 64 and 9 is invertible
// modulo 2^32 (inverse 0x38E38E39), so Y * 9^-1 is 64 * sum modulo
// 2^32, exact while |sum| < 2^25: the caller checks max|x - zp| * sum|w|
// per output channel. (Y * 9^-1) >> 6 is then the sum, >> 5 the pair
// form's doubled sum. |V| <= 100*255 = 25500 fits int16, so the 36 point
// GEMMs are WinoGemm6x16's with points = Wino4Points.
//
// Points are numbered p = 6*j + i for row i and column j of V, U and M.
// V, the packed blocks and M are laid out like F(2x2, 3x3)'s with 36
// points (WinoBlockBytes(kp, Wino4Points), WinoMSize(Wino4Points)).

// Wino4Points is the number of points of an F(4x4, 3x3) tile.
const Wino4Points = 36

// wino4Inv9 is the inverse of 9 modulo 2^32.
const wino4Inv9 = 0x38E38E39

// Wino4Filter returns U = G' g G'^T of one output channel's 3x3 filter g
// (row-major) over one input channel, in point order (u[6*j+i] = U[i][j]).
func Wino4Filter(g *[9]int8) (u [Wino4Points]int16) {
	winoTransformFilter(g, [][3]int32{{1, 0, 0}, {-1, -1, -1}, {-1, 1, -1}, {1, 2, 4}, {1, -2, 4}, {0, 0, 1}}, u[:])
	return u
}

// wino4Bt is Bt.
var wino4Bt = [6][6]int32{
	{4, 0, -5, 0, 1, 0},
	{0, -4, -4, 1, 1, 0},
	{0, 4, -4, -1, 1, 0},
	{0, -2, -1, 2, 1, 0},
	{0, 2, -1, -2, 1, 0},
	{0, 4, 0, -5, 0, 1},
}

// wino4At is At^.
var wino4At = [4][6]int32{
	{6, 4, 4, 1, 1, 0},
	{0, 4, -4, 2, -2, 0},
	{0, 4, 4, 4, 4, 0},
	{0, 4, -4, 8, -8, 24},
}

// Wino4InputGo is the twin of Wino4Input: it writes V for tiles
// consecutive tiles of one tile row into panel rows row, row+1, ... of v
// (WinoTiles rows of kp int16 per point, kp even). Tile t's 6x6 patch is
// src[t*4*pixStride + i*rowStride + j*pixStride + c] for patch row i,
// column j and input channel c < ch; d = x - zp, V = Bt d Bt'.
func Wino4InputGo(v []int16, kp, row int, src []int8, rowStride, pixStride, ch int, zp int32, tiles int) {
	for t := range tiles {
		base := t * 4 * pixStride
		for c := range ch {
			var d, r [6][6]int32
			for i := range 6 {
				for j := range 6 {
					d[i][j] = int32(src[base+i*rowStride+j*pixStride+c]) - zp
				}
			}
			for i := range 6 { // Bt d
				for j := range 6 {
					for k := range 6 {
						r[i][j] += wino4Bt[i][k] * d[k][j]
					}
				}
			}
			for i := range 6 { // (Bt d) Bt'
				for j := range 6 {
					var x int32
					for k := range 6 {
						x += r[i][k] * wino4Bt[j][k]
					}
					v[((6*j+i)*WinoTiles+row+t)*kp+c] = int16(x)
				}
			}
		}
	}
}

// Wino4OutputGo is the twin of Wino4Output: for tiles consecutive tiles
// r = t0, t0+1, ... of the panel whose M is m, Y = At^ M At^' of each of
// the block's 16 channels, s = Y * 9^-1 (64 times the sum), requantized
// through the block header blk (s>>5 in the pair form that q flags,
// else (s>>6) + bias) and tile t's pixel (dy, dx) stored at
// dst[t*4*pixStride + dy*rowStride + dx*pixStride:][:16].
func Wino4OutputGo(m []int32, t0 int, blk []byte, q *Output, dst []int8, rowStride, pixStride, tiles int) {
	for t := range tiles {
		r := t0 + t
		for n := range 16 {
			var mt [6][6]int32
			for i := range 6 {
				for j := range 6 {
					mt[i][j] = m[((6*j+i)*WinoTiles+r)*16+n]
				}
			}
			var a [4][6]int32 // At^ M
			for k := range 4 {
				for j := range 6 {
					for i := range 6 {
						a[k][j] += wino4At[k][i] * mt[i][j]
					}
				}
			}
			for dy := range 4 {
				for dx := range 4 {
					var y int32
					for j := range 6 {
						y += a[dy][j] * wino4At[dx][j]
					}
					s := int32(uint32(y) * wino4Inv9)
					var o int8
					if q[3][1] != 0 {
						o = requantizePair(s>>5, blk, n, q)
					} else {
						o = requantize(s>>6+header(blk, 16, 0, n), blk, 16, n, q)
					}
					dst[t*4*pixStride+dy*rowStride+dx*pixStride+n] = o
				}
			}
		}
	}
}
