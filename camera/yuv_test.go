package camera

import (
	"math"
	"testing"
)

// yuvToRGBFloat is the BT.601 conversion in float64, each channel rounded
// half up and clamped: the reference the fixed-point conversion
// approximates (camera/internal/yuvsimd tests it over every triple).
func yuvToRGBFloat(y, u, v uint8, r YUVRange) (uint8, uint8, uint8) {
	yy, cb, cr := float64(y), float64(u)-128, float64(v)-128
	if r == LimitedRange {
		yy, cb, cr = float64((yy-16)*255)/219, float64(cb*255)/224, float64(cr*255)/224
	}
	c := func(x float64) uint8 { return uint8(min(max(math.Floor(x+0.5), 0), 255)) }
	// float64() rounds each product, so that no platform fuses it into an
	// FMA (which rounds exact decimal ties, 1.772*125 = 221.5, either way).
	return c(yy + float64(1.402*cr)), c(yy - float64(0.344136*cb) - float64(0.714136*cr)), c(yy + float64(1.772*cb))
}

// Each range converts with its own coefficients: hand-worked values that
// tell full and limited range apart.
func TestYUVRanges(t *testing.T) {
	for _, c := range []struct {
		y, u, v uint8
		rng     YUVRange
		r, g, b uint8
	}{
		{16, 128, 128, FullRange, 16, 16, 16},
		{16, 128, 128, LimitedRange, 0, 0, 0},
		{235, 128, 128, FullRange, 235, 235, 235},
		{235, 128, 128, LimitedRange, 255, 255, 255},
		// Y=126: (126-16)*255/219 = 128.08 -> 128.
		{126, 128, 128, LimitedRange, 128, 128, 128},
		// V=240: R = 16 + 1.402*112 = 173.02 (full); 1.402*112*255/224 = 178.75 -> 179 at Y=16 (limited).
		{16, 128, 240, FullRange, 173, 0, 16},
		{16, 128, 240, LimitedRange, 179, 0, 0},
	} {
		r, g, b := coeffsFor(c.rng).RGB(c.y, c.u, c.v)
		if r != c.r || g != c.g || b != c.b {
			t.Errorf("%v range Y%d U%d V%d: got %d,%d,%d want %d,%d,%d", c.rng, c.y, c.u, c.v, r, g, b, c.r, c.g, c.b)
		}
	}
}
