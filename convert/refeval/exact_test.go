package refeval

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// The fast kernels (depthwise2D, and the matrix product's vector kernels
// where the CPU has them) must give the same bits as the plain definition
// the converter's results were fixed with: each output starts at +0, adds
// the float32-rounded products in kernel/depth order (0 read in padding),
// then the bias. Everything the converter computes, and so every model
// file, depends on these bits.

// plainSgemm is C = A·B with one rounded product added at a time, k in
// order.
func plainSgemm(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	for i := range m {
		for j := range n {
			var acc float32
			for p := range k {
				acc += float32(a[i*lda+p] * b[p*ldb+j])
			}
			c[i*ldc+j] = acc
		}
	}
}

// plainConv is conv through im2col and plainSgemm.
func plainConv(op *graph.Conv, x, w, b, y *graph.Value) {
	c, m := x.Shape[1], w.Shape[0]
	inSp, outSp, kSp := x.Shape[2:], y.Shape[2:], w.Shape[2:]
	inSize, outSize, kSize := prod(inSp), prod(outSp), prod(kSp)
	cg, mg := c/op.Group, m/op.Group
	rows := cg * kSize
	cols := make([]float32, rows*outSize)
	taps := convTaps(op, inSp, outSp, kSp)
	for img := range x.Shape[0] {
		for g := range op.Group {
			xg := x.F[(img*c+g*cg)*inSize : (img*c+(g+1)*cg)*inSize]
			im2col(cols, xg, cg, inSp, outSp, kSp, taps)
			yg := y.F[(img*m+g*mg)*outSize : (img*m+(g+1)*mg)*outSize]
			plainSgemm(mg, outSize, rows, w.F[g*mg*rows:], rows, cols, outSize, yg, outSize)
			if b != nil {
				for j := range mg {
					for i := range outSize {
						yg[j*outSize+i] += b.F[g*mg+j]
					}
				}
			}
		}
	}
}

// specialValues sprinkles -0, tiny, huge and (when nonFinite) ±Inf and NaN
// values over v.
func specialValues(r *rand.Rand, v []float32, nonFinite bool) {
	specials := []float32{float32(math.Copysign(0, -1)), 0, 1e-40, -3e38, 3e38}
	if nonFinite {
		specials = append(specials, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()))
	}
	for range max(1, len(v)/50) {
		v[r.IntN(len(v))] = specials[r.IntN(len(specials))]
	}
}

func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
			t.Fatalf("%s: element %d is %v (%#x), want %v (%#x)", what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

func TestDepthwiseExact(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	cases := []struct {
		name string
		x, w []int
		op   graph.Conv
	}{
		{"3x3 pad1", []int{2, 6, 9, 8}, []int{6, 1, 3, 3}, graph.Conv{Strides: []int{1, 1}, Dilations: []int{1, 1}, PadsBegin: []int{1, 1}, PadsEnd: []int{1, 1}, Group: 6}},
		{"3x3 stride2", []int{1, 4, 11, 10}, []int{4, 1, 3, 3}, graph.Conv{Strides: []int{2, 2}, Dilations: []int{1, 1}, PadsBegin: []int{1, 1}, PadsEnd: []int{1, 1}, Group: 4}},
		{"5x3 dilated asymmetric x3", []int{1, 3, 12, 9}, []int{9, 1, 5, 3}, graph.Conv{Strides: []int{1, 2}, Dilations: []int{2, 1}, PadsBegin: []int{3, 0}, PadsEnd: []int{1, 2}, Group: 3}},
	}
	for _, c := range cases {
		for _, nonFinite := range []bool{false, true} {
			x, w, b := randValue(r, c.x...), randValue(r, c.w...), randValue(r, c.w[0])
			specialValues(r, x.F, nonFinite)
			specialValues(r, w.F, nonFinite)
			op := c.op
			outShape := []int{c.x[0], c.w[0], 0, 0}
			for d := range 2 {
				k := (c.w[2+d]-1)*op.Dilations[d] + 1
				outShape[2+d] = (c.x[2+d]+op.PadsBegin[d]+op.PadsEnd[d]-k)/op.Strides[d] + 1
			}
			for _, bias := range []*graph.Value{nil, b} {
				got, want := graph.NewValue(graph.Float32, outShape), graph.NewValue(graph.Float32, outShape)
				conv(&op, x, w, bias, got, &scratch{})
				plainConv(&op, x, w, bias, want)
				sameBits(t, c.name, got.F, want.F)
			}
		}
	}
}

func TestSgemmExact(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, c := range []struct{ m, n, k int }{{1, 1, 1}, {4, 16, 1}, {5, 17, 3}, {8, 33, 130}, {13, 300, 257}, {7, 515, 129}, {32, 49, 96}} {
		a, b := randValue(r, c.m, c.k+3), randValue(r, c.k, c.n+5)
		specialValues(r, a.F, true)
		specialValues(r, b.F, false)
		for _, threads := range []int{1, 3} {
			// The scalar loops alone, then with the vector kernel where
			// the CPU has one.
			vector := vectorKernel
			vectorKernel = false
			got := make([]float32, c.m*(c.n+2))
			sgemm(threads, c.m, c.n, c.k, a.F, c.k+3, b.F, c.n+5, got, c.n+2)
			vectorKernel = vector
			ldc := c.n + 2
			want := make([]float32, c.m*ldc)
			plainSgemm(c.m, c.n, c.k, a.F, c.k+3, b.F, c.n+5, want, ldc)
			sameBits(t, "sgemm (scalar)", got, want)
			got = make([]float32, c.m*ldc)
			sgemm(threads, c.m, c.n, c.k, a.F, c.k+3, b.F, c.n+5, got, ldc)
			sameBits(t, "sgemm", got, want)
		}
	}
}

func randValue(r *rand.Rand, shape ...int) *graph.Value {
	v := graph.NewValue(graph.Float32, shape)
	for i := range v.F {
		v.F[i] = float32(r.NormFloat64())
	}
	return v
}

// Relu and Clip keep NaN and -0 as the ONNX definition (max, then min)
// computed with branches does, including Clip with Min > Max.
func TestClipExact(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	x := randValue(r, 1000).F
	specialValues(r, x, true)
	x[0], x[1] = float32(math.Copysign(0, -1)), 0
	definition := func(v, lo, hi float32) float32 {
		if v < lo {
			v = lo
		}
		if v > hi {
			v = hi
		}
		return v
	}
	for _, c := range []struct {
		op     graph.Op
		lo, hi float32
	}{
		{&graph.Relu{}, 0, float32(math.Inf(1))},
		{&graph.Clip{Min: 0, Max: 6}, 0, 6},
		{&graph.Clip{Min: -1, Max: 0.5}, -1, 0.5},
		{&graph.Clip{Min: 2, Max: 1}, 2, 1},
	} {
		got, want := make([]float32, len(x)), make([]float32, len(x))
		unary(c.op, x, got)
		for i, v := range x {
			want[i] = definition(v, c.lo, c.hi)
		}
		sameBits(t, c.op.Type().String(), got, want)
	}
}
