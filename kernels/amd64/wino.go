package amd64

import "encoding/binary"

// Winograd F(2x2, 3x3) in exact integer arithmetic, for 3x3 stride-1
// convolutions (kernels/wino.go drives it). A tile is 2x2 output pixels;
// it reads a 4x4 input patch d (x - InZeroPoint, the padding 0) and
//
//	V = Bt d Bt'      Bt = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
//	U = G2 g G2'      G2 = [2 0 0; 1 1 1; 1 -1 1; 0 0 2]  (g the 3x3 filter)
//	M = sum over input channels of U .* V                   (16 GEMMs)
//	Y = At M At'      At = [1 1 1 0; 0 1 -1 -1]
//
// G2 is twice the textbook G, so every U is an integer and Y is exactly
// 4 times the 2x2 block of sum w*(x - zp): the reference accumulator
// minus its bias. All of it is integer addition and multiplication, so
// computed with int32 wrap-around it is that value modulo 2^32, and the
// caller keeps |4*sum| < 2^31 (input channels bounded), which makes it
// exact; Y>>2 plus the bias is then the reference's accumulator bit for
// bit, and Y>>1 is the pair form's doubled accumulator. Sizes: |d| <= 255,
// |V| <= 4*255, |U| <= 9*128, so V and U are int16 and VPMADDWD's pair
// sums cannot overflow.
//
// The 16 points of a tile are numbered p = 4*j + i for row i and column
// j of V, U and M (column-major, the order the input transform produces
// them in).
//
// Layouts:
//   - V of a panel of WinoTiles tiles: one 6-row A panel of the AVX2 GEMM
//     tile per point, v[(p*WinoTiles+r)*kp + c] for tile r of the panel,
//     input channel c (kp = InC rounded up to even; the column past InC
//     is never read against a nonzero weight).
//   - A packed block of 16 output channels (WinoBlockBytes): the GEMM
//     tiles' 448-byte header (row 0 the bias, or the pair form's
//     constants: gemm_generic.go, gemm_pair.go), then for each point p
//     kp/2 groups of 16 channels x 2 int16 weights, as the GEMM tiles'.
//   - M of a panel: m[(p*WinoTiles+r)*16 + n] int32 for output channel n
//     of the block.

// WinoTiles is the number of tiles in a panel: the rows of the 6 x 16
// GEMM tile.
const WinoTiles = 6

// WinoPoints is the number of points of a transformed tile.
const WinoPoints = 16

// WinoMSize is the size in int32 of a panel's M with points points.
func WinoMSize(points int) int { return points * WinoTiles * 16 }

// WinoBlockBytes is the size of one packed block of 16 output channels
// over kp (even) input channels with points points (WinoPoints or
// Wino4Points).
func WinoBlockBytes(kp, points int) int { return headerRows*16*4 + points*16*kp*2 }

// WinoFilter returns U = G2 g G2' of one output channel's 3x3 filter g
// (row-major) over one input channel, in point order (u[4*j+i] = U[i][j]).
func WinoFilter(g *[9]int8) (u [WinoPoints]int16) {
	winoTransformFilter(g, [][3]int32{{2, 0, 0}, {1, 1, 1}, {1, -1, 1}, {0, 0, 2}}, u[:])
	return u
}

// winoTransformFilter writes U = G g G' (G n x 3, n = len(gm)) of the 3x3
// filter g into u in point order: u[n*j+i] = U[i][j].
func winoTransformFilter(g *[9]int8, gm [][3]int32, u []int16) {
	n := len(gm)
	t := make([][3]int32, n) // G g
	for i := range n {
		for c := range 3 {
			for k := range 3 {
				t[i][c] += gm[i][k] * int32(g[3*k+c])
			}
		}
	}
	for i := range n {
		for j := range n {
			var s int32
			for k := range 3 {
				s += t[i][k] * gm[j][k]
			}
			u[n*j+i] = int16(s)
		}
	}
}

// PutWinoFilter stores u (WinoFilter's or Wino4Filter's points) as output
// channel j of the packed block blk over input channel ic (kp even). The
// pair form does not double them as the GEMM tiles' does: Y is 4 (576)
// times the sum already, and the output transform takes the doubled sum
// from it.
func PutWinoFilter(blk []byte, kp, j, ic int, u []int16) {
	wts := blk[headerRows*16*4:]
	for p, v := range u {
		pos := p*16*kp + (ic/2*16+j)*2 + ic%2
		binary.LittleEndian.PutUint16(wts[2*pos:], uint16(v))
	}
}

// WinoInputGo is the twin of WinoInput: it writes V for tiles
// consecutive tiles of one tile row into panel rows row, row+1, ... of v
// (WinoTiles rows of kp int16 per point, kp even). Tile t's patch is
// src[t*2*pixStride + i*rowStride + j*pixStride + c] for patch row i,
// column j and input channel c < ch; d = x - zp.
func WinoInputGo(v []int16, kp, row int, src []int8, rowStride, pixStride, ch int, zp int32, tiles int) {
	for t := range tiles {
		base := t * 2 * pixStride
		for c := range ch {
			var d [4][4]int32
			for i := range 4 {
				for j := range 4 {
					d[i][j] = int32(src[base+i*rowStride+j*pixStride+c]) - zp
				}
			}
			var r [4][4]int32 // Bt d
			for j := range 4 {
				r[0][j] = d[0][j] - d[2][j]
				r[1][j] = d[1][j] + d[2][j]
				r[2][j] = d[2][j] - d[1][j]
				r[3][j] = d[1][j] - d[3][j]
			}
			for i := range 4 { // (Bt d) Bt'
				vi := [4]int32{r[i][0] - r[i][2], r[i][1] + r[i][2], r[i][2] - r[i][1], r[i][1] - r[i][3]}
				for j, x := range vi {
					v[((4*j+i)*WinoTiles+row+t)*kp+c] = int16(x)
				}
			}
		}
	}
}

// WinoGemm6x16Go is the twin of WinoGemm6x16: for each of panels panels
// q (its V at v[q*vStride:], its M at m[q*WinoMSize(points):]) and every
// point p < points, M[(p*6+r)*16+n] = sum over k < kp of
// V[(p*6+r)*kp+k] * weight(p, n, k) of the packed block blk, from zero,
// with int32 wrap-around. (The assembly runs the panels inside the point
// loop, so a point's weights are read from memory once for all of them.)
func WinoGemm6x16Go(v []int16, vStride, kp, points, panels int, blk []byte, m []int32) {
	wts := blk[headerRows*16*4:][:points*16*kp*2]
	for q := range panels {
		vq, mq := v[q*vStride:], m[q*WinoMSize(points):]
		for p := range points {
			for r := range WinoTiles {
				a := vq[(p*WinoTiles+r)*kp:][:kp]
				for n := range 16 {
					var acc int32
					for k, x := range a {
						pos := p*16*kp + (k/2*16+n)*2 + k%2
						acc += int32(x) * int32(int16(binary.LittleEndian.Uint16(wts[2*pos:])))
					}
					mq[(p*WinoTiles+r)*16+n] = acc
				}
			}
		}
	}
}

// WinoOutputGo is the twin of WinoOutput: for tiles consecutive tiles
// r = t0, t0+1, ... of the panel whose M is m, Y = At M At' of each of
// the block's 16 channels is requantized through the block header blk
// (Y>>1 in the pair form that q flags, else (Y>>2) + bias) and tile t's
// pixel (dy, dx) stored at dst[t*2*pixStride + dy*rowStride +
// dx*pixStride:][:16].
func WinoOutputGo(m []int32, t0 int, blk []byte, q *Output, dst []int8, rowStride, pixStride, tiles int) {
	for t := range tiles {
		r := t0 + t
		for n := range 16 {
			var a, b [4]int32 // At M, columns j
			for j := range 4 {
				at := func(i int) int32 { return m[((4*j+i)*WinoTiles+r)*16+n] }
				a[j] = at(0) + at(1) + at(2)
				b[j] = at(1) - at(2) - at(3)
			}
			y := [2][2]int32{{a[0] + a[1] + a[2], a[1] - a[2] - a[3]}, {b[0] + b[1] + b[2], b[1] - b[2] - b[3]}}
			for dy := range 2 {
				for dx := range 2 {
					var o int8
					if q[3][1] != 0 {
						o = requantizePair(y[dy][dx]>>1, blk, n, q)
					} else {
						o = requantize(y[dy][dx]>>2+header(blk, 16, 0, n), blk, 16, n, q)
					}
					dst[t*2*pixStride+dy*rowStride+dx*pixStride+n] = o
				}
			}
		}
	}
}
