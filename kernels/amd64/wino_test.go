package amd64

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"testing"
)

// winoCase is one output row of tiles of a 3x3 stride-1 convolution by
// F(tm x tm, 3x3) (tm 2 or 4): an input of (tm+2) x (tm*tiles+2) pixels
// of ch channels read as tiles patches (no padding), 16 output channels.
type winoCase struct {
	tm, points    int
	tiles, ch, kp int
	zp            int32
	in            []int8   // 4 rows of (2*tiles+2) pixels
	filters       [][]int8 // [16][9*ch] in (ky, kx, ic) order
	blk           []byte
	q             *Output
	pair          bool
}

func randomWinoCase(rng *rand.Rand, tm, tiles, ch int, pair bool) *winoCase {
	c := &winoCase{tm: tm, points: (tm + 2) * (tm + 2), tiles: tiles, ch: ch, kp: (ch + 1) &^ 1, zp: int32(rng.IntN(256) - 128), pair: pair}
	c.in = make([]int8, (tm+2)*(tm*tiles+2)*ch)
	for i := range c.in {
		c.in[i] = int8(rng.IntN(256) - 128)
	}
	c.q = gemmRandomOutput(rng)
	c.blk = make([]byte, WinoBlockBytes(c.kp, c.points))
	copy(c.blk, gemmRandomBlock(rng, 16, 0, 2)) // TFLite-form header, random requantization
	if pair {
		clear(c.blk[:headerRows*16*4])
		c.q[3][1] = 1
	}
	c.filters = make([][]int8, 16)
	for n := range 16 {
		c.filters[n] = make([]int8, 9*ch)
		for i := range c.filters[n] {
			c.filters[n][i] = int8(rng.IntN(256) - 128)
			if rng.IntN(4) == 0 { // the extremes
				c.filters[n][i] = int8(-128 + 255*rng.IntN(2))
			}
		}
		bias := int32(rng.IntN(1<<20)) - 1<<19
		if pair {
			r := int32(rng.IntN(20))
			mult := int32(1<<30 + rng.IntN(1<<30))
			PutGemmPair(c.blk, n, bias, mult, -r, c.q[0][0])
		} else {
			binary.LittleEndian.PutUint32(c.blk[n*4:], uint32(bias))
		}
		for ic := range ch {
			var g [9]int8
			for k := range 9 {
				g[k] = c.filters[n][k*ch+ic]
			}
			if tm == 2 {
				u := WinoFilter(&g)
				PutWinoFilter(c.blk, c.kp, n, ic, u[:])
			} else {
				u := Wino4Filter(&g)
				PutWinoFilter(c.blk, c.kp, n, ic, u[:])
			}
		}
	}
	return c
}

// want computes the tiles' outputs directly: the reference accumulator
// bias + sum w*(x - zp) over the 3x3 window, requantized by the block's
// output stage, pixel (dy, ox) at out[(dy*(tm*tiles)+ox)*16+n].
func (c *winoCase) want() []int8 {
	w := c.tm*c.tiles + 2
	out := make([]int8, c.tm*c.tm*c.tiles*16)
	for dy := range c.tm {
		for ox := range c.tm * c.tiles {
			for n := range 16 {
				var s int64
				for ky := range 3 {
					for kx := range 3 {
						for ic := range c.ch {
							x := int64(c.in[((dy+ky)*w+ox+kx)*c.ch+ic]) - int64(c.zp)
							s += x * int64(c.filters[n][(ky*3+kx)*c.ch+ic])
						}
					}
				}
				var o int8
				if c.pair {
					o = requantizePair(int32(2*s), c.blk, n, c.q)
				} else {
					o = requantize(int32(s)+header(c.blk, 16, 0, n), c.blk, 16, n, c.q)
				}
				out[(dy*c.tm*c.tiles+ox)*16+n] = o
			}
		}
	}
	return out
}

// run runs the three twins as the driver does (input transform, the point
// GEMMs, output transform) on the tiles at the end of a panel.
func (c *winoCase) run() []int8 {
	row := WinoTiles - c.tiles
	v := make([]int16, c.points*WinoTiles*c.kp)
	w := c.tm*c.tiles + 2
	m := make([]int32, WinoMSize(c.points))
	got := make([]int8, c.tm*c.tm*c.tiles*16)
	if c.tm == 2 {
		WinoInputGo(v, c.kp, row, c.in, w*c.ch, c.ch, c.ch, c.zp, c.tiles)
		WinoGemm6x16Go(v, len(v), c.kp, c.points, 1, c.blk, m)
		WinoOutputGo(m, row, c.blk, c.q, got, 2*c.tiles*16, 16, c.tiles)
	} else {
		Wino4InputGo(v, c.kp, row, c.in, w*c.ch, c.ch, c.ch, c.zp, c.tiles)
		WinoGemm6x16Go(v, len(v), c.kp, c.points, 1, c.blk, m)
		Wino4OutputGo(m, row, c.blk, c.q, got, 4*c.tiles*16, 16, c.tiles)
	}
	return got
}

// TestWinoTwinsMatchDirectConvolution runs the twins of F(2x2, 3x3) and
// F(4x4, 3x3) and compares them with the convolution computed directly in
// int64.
func TestWinoTwinsMatchDirectConvolution(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, tm := range []int{2, 4} {
		for trial := range 60 {
			tiles := 1 + trial%WinoTiles
			ch := []int{1, 2, 3, 7, 16, 17, 33, 64}[trial%8]
			c := randomWinoCase(rng, tm, tiles, ch, trial%2 == 1)
			got, want := c.run(), c.want()
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("F(%d,3) trial %d (tiles %d, ch %d, pair %v): output %d (pixel %d channel %d) = %d, want %d",
						tm, trial, tiles, ch, c.pair, i, i/16, i%16, got[i], want[i])
				}
			}
		}
	}
}

// TestWino4ExactAtItsBound runs F(4x4, 3x3) at the largest sums its
// exactness argument allows: 64 channels of weights -128 against inputs
// 255 away from the zero point (|sum| = 9*64*128*255 < 2^25).
func TestWino4ExactAtItsBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(53, 54))
	for _, pair := range []bool{false, true} {
		c := randomWinoCase(rng, 4, 3, 64, pair)
		c.zp = 127
		for i := range c.in {
			c.in[i] = -128
		}
		for n := range 16 {
			for i := range c.filters[n] {
				c.filters[n][i] = -128
			}
			for ic := range c.ch {
				var g [9]int8
				for k := range g {
					g[k] = -128
				}
				u := Wino4Filter(&g)
				PutWinoFilter(c.blk, c.kp, n, ic, u[:])
			}
		}
		if got, want := c.run(), c.want(); !slices.Equal(got, want) {
			t.Fatalf("pair %v: twins %v, direct %v", pair, got, want)
		}
	}
}

// TestWinoFilterRange checks the transformed weights' bound on the
// extreme filters: |U| <= 9*128 (int16, and VPMADDWD's pair sums of
// |V| <= 1020 times it cannot overflow).
func TestWinoFilterRange(t *testing.T) {
	for _, v := range []int8{-128, 127} {
		var g [9]int8
		for i := range g {
			g[i] = v
		}
		u := WinoFilter(&g)
		if got, want := u[4*1+1], int16(9*int32(v)); got != want {
			t.Fatalf("U[1][1] of all-%d = %d, want %d", v, got, want)
		}
		for _, x := range u {
			if x > 9*128 || x < -9*128 {
				t.Fatalf("U out of range: %v", u)
			}
		}
	}
}
