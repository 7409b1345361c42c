package camera

import (
	"math"
	"testing"
)

// yuvToRGBFloat is the BT.601 conversion in float64, each channel rounded
// half up and clamped: the reference the fixed-point tables approximate.
func yuvToRGBFloat(y, u, v uint8, r YUVRange) (uint8, uint8, uint8) {
	yy, cb, cr := float64(y), float64(u)-128, float64(v)-128
	if r == LimitedRange {
		yy, cb, cr = (yy-16)*255/219, cb*255/224, cr*255/224
	}
	c := func(x float64) uint8 { return uint8(min(max(math.Floor(x+0.5), 0), 255)) }
	return c(yy + 1.402*cr), c(yy - 0.344136*cb - 0.714136*cr), c(yy + 1.772*cb)
}

func TestYUVTablesHandWorked(t *testing.T) {
	for _, c := range []struct {
		y, u, v uint8
		rng     YUVRange
		r, g, b uint8
	}{
		{128, 128, 128, FullRange, 128, 128, 128},
		{0, 128, 128, FullRange, 0, 0, 0},
		{255, 128, 128, FullRange, 255, 255, 255},
		// V=255: R = 255 + 1.402*127 clamps; G = 255 - 0.714136*127 = 164.30.
		{255, 128, 255, FullRange, 255, 164, 255},
		// U=0: B = 100 - 1.772*128 = -126.8 -> 0; G = 100 + 0.344136*128 = 144.05.
		{100, 0, 128, FullRange, 100, 144, 0},
		{16, 128, 128, LimitedRange, 0, 0, 0},
		{235, 128, 128, LimitedRange, 255, 255, 255},
		// Y=126: (126-16)*255/219 = 128.08 -> 128.
		{126, 128, 128, LimitedRange, 128, 128, 128},
		// V=240: R = 0 + 1.402*112*255/224 = 178.75 -> 179 at Y=16.
		{16, 128, 240, LimitedRange, 179, 0, 0},
	} {
		r, g, b := tablesFor(c.rng).rgb(c.y, c.u, c.v)
		if r != c.r || g != c.g || b != c.b {
			t.Errorf("%v range Y%d U%d V%d: got %d,%d,%d want %d,%d,%d", c.rng, c.y, c.u, c.v, r, g, b, c.r, c.g, c.b)
		}
	}
}

// Every Y, U, V triple converts within one step of the float64 formula,
// and all but a few (ties the 16-bit tables round the other way) exactly.
func TestYUVTablesExhaustive(t *testing.T) {
	for _, rng := range []YUVRange{FullRange, LimitedRange} {
		tab := tablesFor(rng)
		off := 0
		for y := range 256 {
			for u := range 256 {
				for v := range 256 {
					r, g, b := tab.rgb(uint8(y), uint8(u), uint8(v))
					wr, wg, wb := yuvToRGBFloat(uint8(y), uint8(u), uint8(v), rng)
					for _, d := range [3]int{int(r) - int(wr), int(g) - int(wg), int(b) - int(wb)} {
						if d != 0 {
							off++
							if d > 1 || d < -1 {
								t.Fatalf("%v Y%d U%d V%d: got %d,%d,%d want %d,%d,%d", rng, y, u, v, r, g, b, wr, wg, wb)
							}
						}
					}
				}
			}
		}
		t.Logf("%v range: %d of %d channel values one step off", rng, off, 3<<24)
		if off > 3<<24/1000 {
			t.Errorf("%v range: %d channel values off by one, want under 0.1%%", rng, off)
		}
	}
}
