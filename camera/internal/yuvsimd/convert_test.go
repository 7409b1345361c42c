package yuvsimd

import (
	"math"
	"testing"
)

// The integer coefficients are the BT.601 (JFIF) matrix, and for limited
// range its 255/219 and 255/224 stretches, rounded to CoeffBits.
func TestCoeffsDerivation(t *testing.T) {
	const one = 1 << CoeffBits
	fix := func(v float64) int32 { return int32(math.Round(v * one)) }
	for _, c := range []struct {
		name   string
		k      *Coeffs
		ys, cs float64
		y0     int32
		bias   int32
	}{{"full", FullRange, 1, 1, 0, 64}, {"limited", LimitedRange, 255.0 / 219, 255.0 / 224, 16, 32}} {
		want := newCoeffs(fix(c.ys), c.y0, fix(1.402*c.cs), fix(0.344136*c.cs), fix(0.714136*c.cs), fix(1.772*c.cs), c.bias)
		if *c.k != *want {
			t.Errorf("%s range: coefficients %+v, want %+v", c.name, *c.k, *want)
		}
	}
}

// rgbFloat is the BT.601 conversion in float64, each channel rounded half
// up and clamped.
func rgbFloat(y, u, v uint8, limited bool) (uint8, uint8, uint8) {
	yy, cb, cr := float64(y), float64(u)-128, float64(v)-128
	if limited {
		yy, cb, cr = float64((yy-16)*255)/219, float64(cb*255)/224, float64(cr*255)/224
	}
	c := func(x float64) uint8 { return uint8(min(max(math.Floor(x+0.5), 0), 255)) }
	// float64() rounds each product, so that no platform fuses it into an
	// FMA (which rounds exact decimal ties, 1.772*125 = 221.5, either way).
	return c(yy + float64(1.402*cr)), c(yy - float64(0.344136*cb) - float64(0.714136*cr)), c(yy + float64(1.772*cb))
}

func TestRGBHandWorked(t *testing.T) {
	for _, c := range []struct {
		y, u, v uint8
		k       *Coeffs
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
		r, g, b := c.k.RGB(c.y, c.u, c.v)
		if r != c.r || g != c.g || b != c.b {
			t.Errorf("Y%d U%d V%d: got %d,%d,%d want %d,%d,%d", c.y, c.u, c.v, r, g, b, c.r, c.g, c.b)
		}
	}
}

// Every Y, U, V triple converts as the Coeffs doc defines it (RGB's
// tables hold its products) and within one step of the float64 formula,
// all but the few the Coeffs doc counts exactly, and the fixed-point sums
// stay within ±1.2e9 (int32 lanes are exact).
func TestRGBExhaustive(t *testing.T) {
	for _, c := range []struct {
		name    string
		k       *Coeffs
		limited bool
	}{{"full", FullRange, false}, {"limited", LimitedRange, true}} {
		k := c.k
		off := 0
		for y := range 256 {
			for u := range 256 {
				for v := range 256 {
					yt := int64(y) * int64(k.y)
					sums := [3]int64{yt + int64(v)*int64(k.rv) + int64(k.rOff),
						yt - int64(u)*int64(k.gu) - int64(v)*int64(k.gv) + int64(k.gOff),
						yt + int64(u)*int64(k.bu) + int64(k.bOff)}
					var def [3]uint8 // the definition, in int64
					for i, s := range sums {
						if s < -1.2e9 || s > 1.2e9 {
							t.Fatalf("%s Y%d U%d V%d: sum %d outside ±1.2e9", c.name, y, u, v, s)
						}
						def[i] = uint8(min(max(s>>CoeffBits, 0), 255))
					}
					r, g, b := k.RGB(uint8(y), uint8(u), uint8(v))
					if [3]uint8{r, g, b} != def {
						t.Fatalf("%s Y%d U%d V%d: RGB %d,%d,%d, the definition %v", c.name, y, u, v, r, g, b, def)
					}
					wr, wg, wb := rgbFloat(uint8(y), uint8(u), uint8(v), c.limited)
					for _, d := range [3]int{int(r) - int(wr), int(g) - int(wg), int(b) - int(wb)} {
						if d != 0 {
							off++
							if d > 1 || d < -1 {
								t.Fatalf("%s Y%d U%d V%d: got %d,%d,%d want %d,%d,%d", c.name, y, u, v, r, g, b, wr, wg, wb)
							}
						}
					}
				}
			}
		}
		t.Logf("%s range: %d of %d channel values one step off", c.name, off, 3<<24)
		if off > 200 {
			t.Errorf("%s range: %d channel values off by one, want at most 200", c.name, off)
		}
	}
}
