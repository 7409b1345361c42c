package yuvsimd

import (
	"bytes"
	"math/rand"
	"testing"
)

// testRow is a random two-row source (planar with chroma subsampled by
// 1<<sx, or NV12) and random columns reading it.
type testRow struct {
	rows Rows
	cols Columns
}

func newTestRow(rng *rand.Rand, srcW, n, pad int, nv12 bool, sx uint, extremes bool) *testRow {
	fill := func(b []byte) {
		rng.Read(b)
		if extremes {
			for i := range b {
				b[i] = 255 * (b[i] & 1)
			}
		}
	}
	stride := srcW + pad
	luma := make([]byte, 2*stride-pad+pad*rng.Intn(2)) // the last row may end the plane
	fill(luma)
	tr := &testRow{}
	tr.rows.Y0, tr.rows.Y1 = luma, luma[stride:]
	cw := (srcW + 1) >> sx
	vOff := int32(0)
	if nv12 {
		cw, vOff = 2*((srcW+1)/2), 1
	}
	chroma := func() []byte {
		cs := cw + pad
		p := make([]byte, 2*cs-pad+pad*rng.Intn(2))
		fill(p)
		return p
	}
	u := chroma()
	tr.rows.U0, tr.rows.U1 = u, u[cw+pad:]
	tr.rows.V0, tr.rows.V1 = tr.rows.U0, tr.rows.U1
	if !nv12 {
		v := chroma()
		tr.rows.V0, tr.rows.V1 = v, v[cw+pad:]
	}
	if rng.Intn(4) == 0 { // both taps on one row, as at the bottom edge
		tr.rows.Y1, tr.rows.U1, tr.rows.V1 = tr.rows.Y0, tr.rows.U0, tr.rows.V0
	}
	switch rng.Intn(4) {
	case 0:
		tr.rows.WY = 0
	case 1:
		tr.rows.WY = 1<<WeightBits - 1
	default:
		tr.rows.WY = int32(rng.Intn(1 << WeightBits))
	}
	for range n {
		a := rng.Intn(srcW)
		b, w := min(a+1, srcW-1), int32(rng.Intn(1<<WeightBits))
		if rng.Intn(5) == 0 { // nearest, or a weight that rounded to a pixel
			b, w = a, 0
		}
		c0, c1 := int32(a>>sx), int32(b>>sx)
		if nv12 {
			c0, c1 = int32(a&^1), int32(b&^1)
		}
		tr.cols.Append(int32(a), int32(b), c0, c1, vOff, w)
	}
	return tr
}

// Every assembly kernel writes the Go kernel's bytes, for random row
// lengths (tails of 0-7 columns), taps, weights (with 0 and 2^16-1),
// planar and NV12 chroma, both ranges and both channel orders, with and
// without a LUT (random tables), and writes
// nothing outside its 3*n bytes.
func TestSampleRowMatchesGo(t *testing.T) {
	kn := Best()
	if kn == Go {
		t.Skip("this build or CPU has no assembly kernel")
	}
	rng := rand.New(rand.NewSource(1))
	const guard = 40
	asmRows := 0
	for trial := range 2000 {
		srcW, n, pad := 1+rng.Intn(100), 1+rng.Intn(70), rng.Intn(5)
		nv12, sx := rng.Intn(2) == 0, uint(rng.Intn(2))
		tr := newTestRow(rng, srcW, n, pad, nv12, sx, trial%10 == 0)
		k, bgr := FullRange, rng.Intn(2) == 0
		if rng.Intn(2) == 0 {
			k = LimitedRange
		}
		var lut *LUT
		if rng.Intn(2) == 0 {
			var tabs [3][256]byte
			for i := range tabs {
				rng.Read(tabs[i][:])
			}
			lut = NewLUT(&tabs[0], &tabs[1], &tabs[2])
		}
		want := make([]byte, 3*n)
		sampleRowGo(want, &tr.cols, 0, n, &tr.rows, k, bgr, lut)
		buf := make([]byte, 3*n+2*guard)
		for i := range buf {
			buf[i] = 0xA5
		}
		kn.SampleRow(buf[guard:guard+3*n], &tr.cols, &tr.rows, k, bgr, lut)
		if n >= 8 && tr.cols.readable(&tr.rows) {
			asmRows++
		}
		if got := buf[guard : guard+3*n]; !bytes.Equal(got, want) {
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("trial %d (%d columns of %d, nv12 %v, sx %d, bgr %v): byte %d (column %d) is %d, Go writes %d",
						trial, n, srcW, nv12, sx, bgr, i, i/3, got[i], want[i])
				}
			}
		}
		for i, g := range [2][]byte{buf[:guard], buf[guard+3*n:]} {
			if bytes.Count(g, []byte{0xA5}) != guard {
				t.Fatalf("trial %d: %s wrote outside its %d bytes (guard %d: % x)", trial, kn, 3*n, i, g)
			}
		}
	}
	if asmRows < 600 { // the others end their planes too close for 4-byte reads
		t.Errorf("only %d of 2000 rows ran the assembly", asmRows)
	}
}

// Lerp2 is the float64 bilinear interpolation, rounded half up, wherever
// that is not within 2^-20 of a tie (where the 2^-32 steps decide).
func TestLerp2Float(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for range 100000 {
		var p [4]uint8
		for i := range p {
			p[i] = uint8(rng.Intn(256))
		}
		wx, wy := int32(rng.Intn(1<<WeightBits)), int32(rng.Intn(1<<WeightBits))
		x, y := float64(wx)/(1<<WeightBits), float64(wy)/(1<<WeightBits)
		f := (float64(p[0])*(1-x)+float64(p[1])*x)*(1-y) + (float64(p[2])*(1-x)+float64(p[3])*x)*y
		if fr := f - float64(int(f)); fr > 0.5-1e-6 && fr < 0.5+1e-6 {
			continue
		}
		if got, want := Lerp2(p[0], p[1], p[2], p[3], wx, wy), uint8(f+0.5); got != want {
			t.Fatalf("Lerp2(%v, %d, %d) = %d, float64 %.6f", p, wx, wy, got, f)
		}
	}
}
