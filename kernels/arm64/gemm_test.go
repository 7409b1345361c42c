package arm64

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestGEMM compares Run4 of every variant with the reference formula over
// random shapes: column tails, depth tails, several taps, rows that repeat
// row 0, garbage beyond each row's depth, extreme weights and zero points,
// and guard bands around the output.
func TestGEMM(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	type shape struct{ n, taps, depth int }
	var shapes []shape
	for _, n := range []int{1, 3, 4, 5, 8, 13, 32} {
		for _, taps := range []int{1, 2, 9} {
			for _, depth := range []int{1, 3, 15, 16, 17, 40, 64} {
				shapes = append(shapes, shape{n, taps, depth})
			}
		}
	}
	shapes = append(shapes, shape{96, 1, 960}, shape{1001, 1, 37}, shape{24, 1, 144})
	variants(t, func(t *testing.T, v Variant) {
		for _, s := range shapes {
			name := fmt.Sprintf("n%d_taps%d_depth%d", s.n, s.taps, s.depth)
			k := s.taps * s.depth
			w := randWeights(r, s.n*k)
			bias := make([]int32, s.n)
			for i := range bias {
				bias[i] = int32(r.IntN(1<<20) - 1<<19)
			}
			mult, shift := quantChannels(r, s.n)
			zp, o := randOut(r)
			p := PackGEMM(w, s.n, s.taps, s.depth, bias, zp, mult, shift)
			rows := 1 + r.IntN(4)
			// Each (row, tap) input is its own buffer, readable to KBlocks*16
			// bytes with random bytes beyond depth.
			ind := make([]*int8, 4*s.taps)
			x := make([][]int8, 4*s.taps)
			for tp := 0; tp < s.taps; tp++ {
				for row := 0; row < 4; row++ {
					if row < rows {
						x[4*tp+row] = randInt8(r, p.KBlocks*GEMMDepth)
					} else {
						x[4*tp+row] = x[4*tp]
					}
					ind[4*tp+row] = &x[4*tp+row][0]
				}
			}
			out, check := guarded(rows * s.n)
			var c [4]*int8
			for row := range c {
				c[row] = &out[min(row, rows-1)*s.n]
				if row >= rows {
					c[row] = c[0]
				}
			}
			p.Run4(v, ind, &c, o)
			check(t, name)
			for row := 0; row < rows; row++ {
				xr := make([]int8, 0, k)
				for tp := 0; tp < s.taps; tp++ {
					xr = append(xr, x[4*tp+row][:s.depth]...)
				}
				for oc := 0; oc < s.n; oc++ {
					want := reference(bias[oc], w[oc*k:][:k], xr, zp, mult[oc], shift[oc], o)
					if got := out[row*s.n+oc]; got != want {
						t.Fatalf("%s row %d of %d, channel %d: got %d, want %d", name, row, rows, oc, got, want)
					}
				}
			}
		}
	})
}

func TestGEMMNilBias(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const n, depth = 6, 20
	w := randWeights(r, n*depth)
	mult, shift := quantChannels(r, n)
	p := PackGEMM(w, n, 1, depth, nil, -7, mult, shift)
	x := randInt8(r, p.KBlocks*GEMMDepth)
	variants(t, func(t *testing.T, v Variant) {
		out := make([]int8, n)
		c := [4]*int8{&out[0], &out[0], &out[0], &out[0]}
		p.Run4(v, []*int8{&x[0], &x[0], &x[0], &x[0]}, &c, Out{1, -128, 127})
		for oc := range out {
			if want := reference(0, w[oc*depth:][:depth], x[:depth], -7, mult[oc], shift[oc], Out{1, -128, 127}); out[oc] != want {
				t.Errorf("channel %d: got %d, want %d", oc, out[oc], want)
			}
		}
	})
}

// TestGEMMInterleaved checks the header-then-weights block layout of
// package kernels (a 96-byte header whose first 64 bytes are the
// requantization group) over several blocks per call.
func TestGEMMInterleaved(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	const header = 96
	variants(t, func(t *testing.T, v Variant) {
		for _, s := range [][2]int{{1, 16}, {3, 32}, {5, 48}, {8, 160}} {
			nBlocks, kp := s[0], s[1]
			n := nBlocks * GEMMCols
			w := randWeights(r, n*kp)
			bias := make([]int32, n)
			for i := range bias {
				bias[i] = int32(r.IntN(1<<16) - 1<<15)
			}
			mult, shift := quantChannels(r, n)
			zp, o := randOut(r)
			p := PackGEMM(w, n, 1, kp, bias, zp, mult, shift)
			blockBytes := header + kp*GEMMCols
			blocks := make([]byte, nBlocks*blockBytes)
			for b := 0; b < nBlocks; b++ {
				blk := blocks[b*blockBytes:]
				for i, g := range p.Params[b*paramsPerGroup:][:paramsPerGroup] {
					binary.LittleEndian.PutUint32(blk[4*i:], uint32(g))
				}
				for i := range blk[paramsBytes:header] {
					blk[paramsBytes+i] = 0xee // the rest of the header is not read
				}
				for i, x := range p.Weights[b*kp*GEMMCols:][:kp*GEMMCols] {
					blk[header+i] = byte(x)
				}
			}
			x := make([][]int8, 4)
			var rows [4]*int8
			for i := range x {
				x[i] = randInt8(r, kp)
				rows[i] = &x[i][0]
			}
			out, check := guarded(4 * n)
			c := [4]*int8{&out[0], &out[n], &out[2*n], &out[3*n]}
			GEMMInterleaved(v, &rows, kp/GEMMDepth, blocks, header, nBlocks, &c, o)
			check(t, "GEMMInterleaved")
			for row := range x {
				for oc := 0; oc < n; oc++ {
					want := reference(bias[oc], w[oc*kp:][:kp], x[row], zp, mult[oc], shift[oc], o)
					if got := out[row*n+oc]; got != want {
						t.Fatalf("blocks %d kp %d row %d channel %d: got %d, want %d", nBlocks, kp, row, oc, got, want)
					}
				}
			}
		}
	})
}
