package arm64

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestDepthwise compares Run of every variant with the reference formula:
// channel tails, odd and even tap counts, padding taps that read the
// zero-point buffer, output strides wider than C, guard bands.
func TestDepthwise(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	variants(t, func(t *testing.T, v Variant) {
		for _, c := range []int{1, 8, 15, 16, 17, 32, 40, 144} {
			for _, taps := range []int{1, 2, 9, 25} {
				name := fmt.Sprintf("c%d_taps%d", c, taps)
				w := randWeights(r, c*taps)
				bias := make([]int32, c)
				for i := range bias {
					bias[i] = int32(r.IntN(1<<18) - 1<<17)
				}
				mult, shift := quantChannels(r, c)
				zp, o := randOut(r)
				p := PackDepthwise(w, c, taps, bias, zp, mult, shift)
				zero := make([]int8, c)
				for i := range zero {
					zero[i] = int8(zp)
				}
				const inPixels = 7
				in := randInt8(r, inPixels*c)
				for _, pixels := range []int{1, 2, 5} { // pixel pairs and an odd last pixel
					cStride := c + r.IntN(3)
					ind := make([]*int8, pixels*2*p.Pairs)
					isPad := make([]bool, len(ind))
					for i := range ind {
						ind[i] = &zero[0]
						isPad[i] = true
						if i%(2*p.Pairs) < taps && r.IntN(4) != 0 {
							ind[i] = &in[r.IntN(inPixels)*c]
							isPad[i] = false
						}
					}
					out, check := guarded((pixels-1)*cStride + c)
					p.Run(v, ind, pixels, &out[0], cStride, o)
					check(t, name)
					for px := 0; px < pixels; px++ {
						for ch := 0; ch < c; ch++ {
							var ws, xs []int8
							for tp := 0; tp < taps; tp++ {
								ws = append(ws, w[ch*taps+tp])
								xs = append(xs, zero[ch])
								if !isPad[px*2*p.Pairs+tp] {
									xs[tp] = *ptrAdd(ind[px*2*p.Pairs+tp], ch)
								}
							}
							want := reference(bias[ch], ws, xs, zp, mult[ch], shift[ch], o)
							if got := out[px*cStride+ch]; got != want {
								t.Fatalf("%s pixel %d of %d, channel %d: got %d, want %d", name, px, pixels, ch, got, want)
							}
						}
					}
				}
			}
		}
	})
}
