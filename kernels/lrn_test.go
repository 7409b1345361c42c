package kernels

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// naiveLRN is ONNX LRN of one value in float64 with math.Pow; the window
// is written as the specification's floor and ceil of (size-1)/2.
func naiveLRN(x []float64, k, size int, alpha, beta, bias float64) float64 {
	half := float64(size-1) / 2
	lo := max(0, k-int(math.Floor(half)))
	hi := min(len(x)-1, k+int(math.Ceil(half)))
	sum := 0.0
	for i := lo; i <= hi; i++ {
		sum += x[i] * x[i]
	}
	return x[k] / math.Pow(bias+alpha/float64(size)*sum, beta)
}

type lrnCase struct {
	pixels, c, size   int
	alpha, beta, bias float32
	inScale, outScale float32
	inZP, outZP       int32
}

func (c lrnCase) String() string {
	return fmt.Sprintf("%d pixels x %d channels, size %d, alpha %v beta %v bias %v", c.pixels, c.c, c.size, c.alpha, c.beta, c.bias)
}

func lrnCases() []lrnCase {
	r := newRand(70)
	var cs []lrnCase
	for k := range 24 {
		cs = append(cs, lrnCase{
			pixels: 1 + r.IntN(12), c: 1 + r.IntN(40), size: []int{1, 2, 3, 4, 5, 7}[k%6],
			alpha: []float32{1e-4, 2e-4, 0.5, 0.05}[k%4], beta: []float32{0.75, 0.5, 1, 0.2}[(k/4)%4], bias: []float32{1, 2, 0.5}[k%3],
			inScale: float32(0.02 + 0.1*r.Float64()), outScale: float32(0.01 + 0.1*r.Float64()),
			inZP: int32(r.IntN(256) - 128), outZP: int32(r.IntN(256) - 128),
		})
	}
	return cs
}

func (c lrnCase) params() *LRNParams {
	return &LRNParams{Pixels: c.pixels, C: c.c, Size: c.size, Alpha: c.alpha, Beta: c.beta, Bias: c.bias,
		InScale: c.inScale, OutScale: c.outScale, InZeroPoint: c.inZP, OutZeroPoint: c.outZP}
}

func TestLRNFloat32(t *testing.T) {
	r := newRand(71)
	for _, c := range lrnCases() {
		p := c.params()
		in := randSpreadFloat32s(r, c.pixels*c.c, 6)
		got := checkUnitsFloat32(t, r, len(in), p.Units(), func(i int) int { return i / c.c }, func(out []float32, lo, hi int) { LRNFloat32(p, in, out, lo, hi) })
		x := make([]float64, c.c)
		for px := range c.pixels {
			for k := range x {
				x[k] = float64(in[px*c.c+k])
			}
			for k := range x {
				want := float32(naiveLRN(x, k, c.size, float64(c.alpha), float64(c.beta), float64(c.bias)))
				if i := px*c.c + k; ulpDiff32(got[i], want) > 1 {
					t.Fatalf("%v: pixel %d channel %d = %v, want %v", c, px, k, got[i], want)
				}
			}
		}
	}
}

func TestLRNInt8(t *testing.T) {
	r := newRand(72)
	for _, c := range lrnCases() {
		p := c.params()
		in := randInt8s(r, c.pixels*c.c, -128, 127)
		got := checkUnitsInt8(t, r, len(in), p.Units(), func(i int) int { return i / c.c }, func(out []int8, lo, hi int) { LRNInt8(p, in, out, lo, hi) })
		checkSpread(t, got, 8)
		x := make([]float64, c.c)
		for px := range c.pixels {
			for k := range x {
				x[k] = (float64(in[px*c.c+k]) - float64(c.inZP)) * float64(c.inScale)
			}
			for k := range x {
				v := naiveLRN(x, k, c.size, float64(c.alpha), float64(c.beta), float64(c.bias)) / float64(c.outScale)
				want := int8(math.Min(math.Max(roundHalfAway(v)+float64(c.outZP), -128), 127))
				if i := px*c.c + k; got[i] != want {
					t.Fatalf("%v: pixel %d channel %d = %d, want %d (%g steps)", c, px, k, got[i], want, v)
				}
			}
		}
	}
}

// TestLRNHandWorked: alpha = size makes alpha/size 1. Size 3 over
// [1 2 3] (bias 0, beta 1): windows {0,1}, {0,1,2}, {1,2} give 1/5, 2/14,
// 3/13. Size 4 over [1 1 1 1]: windows [k-1, k+2] give 1/3, 1/4, 1/3, 1/2.
// Beta 0.5, bias 1, size 1: 3/sqrt(1+9).
func TestLRNHandWorked(t *testing.T) {
	out := make([]float32, 4)
	LRNFloat32(&LRNParams{Pixels: 1, C: 3, Size: 3, Alpha: 3, Beta: 1, Bias: 0}, []float32{1, 2, 3}, out, 0, 1)
	if want := []float32{0.2, float32(2.0 / 14), float32(3.0 / 13)}; out[0] != want[0] || out[1] != want[1] || out[2] != want[2] {
		t.Errorf("size 3: got %v, want %v", out[:3], want)
	}
	LRNFloat32(&LRNParams{Pixels: 1, C: 4, Size: 4, Alpha: 4, Beta: 1, Bias: 0}, []float32{1, 1, 1, 1}, out, 0, 1)
	if want := []float32{float32(1.0 / 3), 0.25, float32(1.0 / 3), 0.5}; out[0] != want[0] || out[1] != want[1] || out[2] != want[2] || out[3] != want[3] {
		t.Errorf("size 4: got %v, want %v", out, want)
	}
	LRNFloat32(&LRNParams{Pixels: 1, C: 1, Size: 1, Alpha: 1, Beta: 0.5, Bias: 1}, []float32{3}, out, 0, 1)
	if want := float32(3 / math.Sqrt(10)); out[0] != want {
		t.Errorf("beta 0.5: got %v, want %v", out[0], want)
	}
	// int8 with scale 0.5 in, 0.25 out: x = (6-2)*0.5 = 2, 2/(1+4) = 0.4
	// is 1.6 steps -> 2, plus zero point -3.
	o8 := make([]int8, 1)
	LRNInt8(&LRNParams{Pixels: 1, C: 1, Size: 1, Alpha: 1, Beta: 1, Bias: 1, InScale: 0.5, OutScale: 0.25, InZeroPoint: 2, OutZeroPoint: -3}, []int8{6}, o8, 0, 1)
	if o8[0] != -1 {
		t.Errorf("int8: got %d, want -1", o8[0])
	}
}

// TestLRNONNXConformance runs the ONNX backend node tests of LRN (NCHW
// float data) through LRNFloat32.
func TestLRNONNXConformance(t *testing.T) {
	ran := 0
	for _, name := range []string{"test_lrn", "test_lrn_default"} {
		dir := filepath.Join(onnxNodeDir, name)
		if _, err := os.Stat(dir); err != nil {
			t.Skipf("ONNX node test data not installed (%v); apt install libonnx-testdata", err)
		}
		node, err := readONNXNode(filepath.Join(dir, "model.onnx"), "LRN")
		if err != nil {
			t.Fatal(err)
		}
		alpha, beta, bias := float32(1e-4), float32(0.75), float32(1) // the specification's defaults
		if a, ok := node.attrs["alpha"]; ok {
			alpha = a.f
		}
		if a, ok := node.attrs["beta"]; ok {
			beta = a.f
		}
		if a, ok := node.attrs["bias"]; ok {
			bias = a.f
		}
		size := int(node.attrs["size"].i)
		x, err := readONNXTensor(filepath.Join(dir, "test_data_set_0", "input_0.pb"))
		if err != nil {
			t.Fatal(err)
		}
		y, err := readONNXTensor(filepath.Join(dir, "test_data_set_0", "output_0.pb"))
		if err != nil {
			t.Fatal(err)
		}
		n, c, h, w := x.dims[0], x.dims[1], x.dims[2], x.dims[3]
		p := &LRNParams{Pixels: n * h * w, C: c, Size: size, Alpha: alpha, Beta: beta, Bias: bias}
		out := make([]float32, len(x.floats))
		LRNFloat32(p, nchwToNHWC(x.floats, n, c, h, w), out, 0, p.Units())
		got := nhwcToNCHW(out, n, c, h, w)
		for i, want := range y.floats {
			if math.Abs(float64(got[i]-want)) > 1e-5*math.Max(1, math.Abs(float64(want))) {
				t.Fatalf("%s (size %d alpha %v beta %v bias %v): output %d = %v, want %v", name, size, alpha, beta, bias, i, got[i], want)
			}
		}
		ran++
	}
	t.Logf("%d ONNX LRN node tests passed", ran)
}

func TestLRNAllocs(t *testing.T) {
	f, of, q, oq := make([]float32, 7*32), make([]float32, 7*32), make([]int8, 7*32), make([]int8, 7*32)
	p := &LRNParams{Pixels: 7, C: 32, Size: 5, Alpha: 1e-4, Beta: 0.75, Bias: 1, InScale: 0.1, OutScale: 0.1}
	checkNoAllocs(t, "LRNFloat32", func() { LRNFloat32(p, f, of, 0, 7) })
	checkNoAllocs(t, "LRNInt8", func() { LRNInt8(p, q, oq, 1, 7) })
}
