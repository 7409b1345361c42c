package arm64

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// TestGEMMDot4x16 checks the lane-indexed SDOT kernel and its twin on
// package kernels' NR = 16, KR = 4 blocks (a 384-byte header, of which the
// kernel reads the first four rows) over K tails of 4, 8 and 12 and several
// blocks per call.
func TestGEMMDot4x16(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	const header = 6 * Dot4x16Cols * 4
	for _, v := range []Variant{Go, Dot} {
		if !Supported(v) {
			continue
		}
		t.Run(v.String(), func(t *testing.T) {
			for _, s := range [][2]int{{1, 4}, {1, 8}, {2, 12}, {1, 16}, {3, 20}, {2, 32}, {1, 44}, {4, 160}} {
				nBlocks, kp := s[0], s[1]
				n := nBlocks * Dot4x16Cols
				w := randWeights(r, n*kp)
				bias := make([]int32, n)
				for i := range bias {
					bias[i] = int32(r.IntN(1<<16) - 1<<15)
				}
				mult, shift := quantChannels(r, n)
				zp, o := randOut(r)
				blockBytes := header + kp*Dot4x16Cols
				blocks := make([]byte, nBlocks*blockBytes)
				for b := 0; b < nBlocks; b++ {
					blk := blocks[b*blockBytes:][:blockBytes]
					for i := range blk[:header] {
						blk[i] = 0xee
					}
					for col := 0; col < Dot4x16Cols; col++ {
						oc := b*Dot4x16Cols + col
						var g [paramsPerGroup]int32
						setParams(g[:], 0, foldedBias(bias, oc, w[oc*kp:][:kp], zp), mult[oc], shift[oc])
						for h := 0; h < 4; h++ {
							binary.LittleEndian.PutUint32(blk[(h*Dot4x16Cols+col)*4:], uint32(g[4*h]))
						}
						for k := 0; k < kp; k++ {
							blk[header+(k/4*Dot4x16Cols+col)*4+k%4] = byte(w[oc*kp+k])
						}
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
				GEMMDot4x16(v, &rows, kp, blocks, header, nBlocks, &c, o)
				check(t, "GEMMDot4x16")
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
}
