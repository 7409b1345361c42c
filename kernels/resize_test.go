package kernels

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
)

var (
	coordModes   = []format.CoordinateMode{format.CoordHalfPixel, format.CoordAsymmetric, format.CoordAlignCorners, format.CoordPytorchHalfPixel}
	nearestModes = []format.NearestMode{format.NearestRoundPreferFloor, format.NearestRoundPreferCeil, format.NearestFloor, format.NearestCeil}
)

// exactSource is the ONNX Resize coordinate transform of output index x
// (scale = out/in) as an exact fraction num/den, den > 0.
func exactSource(x, in, out int, coord format.CoordinateMode) (num, den int64) {
	X, In, Out := int64(x), int64(in), int64(out)
	switch coord {
	case format.CoordAsymmetric: // x/scale
		return X * In, Out
	case format.CoordAlignCorners: // x*(in-1)/(out-1)
		if out == 1 {
			return 0, 1
		}
		return X * (In - 1), Out - 1
	case format.CoordPytorchHalfPixel:
		if out == 1 {
			return 0, 1
		}
	}
	return (2*X+1)*In - Out, 2 * Out // (x+0.5)/scale - 0.5
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

func ceilDiv(a, b int64) int64 { return -floorDiv(-a, b) }

// exactNearest rounds the exact source coordinate with ONNX's
// nearest_mode (round_prefer_floor is ceil(s - 1/2), round_prefer_ceil
// floor(s + 1/2)) and clamps it to the input.
func exactNearest(x, in, out int, coord format.CoordinateMode, mode format.NearestMode) int32 {
	num, den := exactSource(x, in, out, coord)
	var i int64
	switch mode {
	case format.NearestRoundPreferFloor:
		i = ceilDiv(2*num-den, 2*den)
	case format.NearestRoundPreferCeil:
		i = floorDiv(2*num+den, 2*den)
	case format.NearestFloor:
		i = floorDiv(num, den)
	case format.NearestCeil:
		i = ceilDiv(num, den)
	}
	return int32(min(max(i, 0), int64(in-1)))
}

// exactLinear returns the two source indices of output x for linear
// resizing, the exact weight of the second and its Q10 rounding (half up).
func exactLinear(x, in, out int, coord format.CoordinateMode) (i0, i1 int32, frac float64, q10 int32) {
	num, den := exactSource(x, in, out, coord)
	num = min(max(num, 0), int64(in-1)*den)
	lo := floorDiv(num, den)
	rem := num - lo*den
	return int32(lo), int32(min(lo+1, int64(in-1))), float64(rem) / float64(den), int32(floorDiv(2048*rem+den, 2*den))
}

// TestNewResizeParamsTables compares the tables with the specification's
// formulas evaluated exactly (in rationals) for every mode and
// input/output lengths 1 to 24. (The ONNX Python reference divides by the
// rounded scale out/in instead, which can move an exact integer
// coordinate: 7 -> 9 half_pixel x = 4 is exactly 3, the reference gets
// 2.9999999999999996 and floors it to 2.)
func TestNewResizeParamsTables(t *testing.T) {
	for in := 1; in <= 24; in++ {
		for out := 1; out <= 24; out++ {
			for _, coord := range coordModes {
				for _, nm := range nearestModes {
					p, err := NewResizeParams(1, in, 1, 1, out, 1, 1, format.ResizeNearest, coord, nm)
					if err != nil {
						t.Fatal(err)
					}
					for x := range out {
						if want := exactNearest(x, in, out, coord, nm); p.Y0[x] != want {
							t.Fatalf("nearest %d->%d coord %d mode %d: source of %d = %d, want %d", in, out, coord, nm, x, p.Y0[x], want)
						}
					}
				}
				p, err := NewResizeParams(1, 1, in, 1, 1, out, 1, format.ResizeBilinear, coord, 0)
				if err != nil {
					t.Fatal(err)
				}
				for x := range out {
					i0, i1, frac, q10 := exactLinear(x, in, out, coord)
					if p.X0[x] != i0 || p.X1[x] != i1 || p.WX[x] != q10 || p.FX[x] != float32(frac) {
						t.Fatalf("bilinear %d->%d coord %d: x %d has sources %d, %d weights %d, %v; want %d, %d, %v", in, out, coord, x,
							p.X0[x], p.X1[x], p.WX[x], p.FX[x], i0, i1, frac)
					}
				}
			}
		}
	}
}

func TestNewResizeParamsWorked(t *testing.T) {
	for _, c := range []struct {
		in, out    int
		coord      format.CoordinateMode
		i0, i1, wq []int32
	}{
		// half_pixel 2->4: -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
		{2, 4, format.CoordHalfPixel, []int32{0, 0, 0, 1}, []int32{1, 1, 1, 1}, []int32{0, 256, 768, 0}},
		// align_corners 3->5: 0, 0.5, 1, 1.5, 2.
		{3, 5, format.CoordAlignCorners, []int32{0, 0, 1, 1, 2}, []int32{1, 1, 2, 2, 2}, []int32{0, 512, 0, 512, 0}},
		// asymmetric 4->3: 0, 4/3, 8/3 (341.33 and 682.67 in Q10).
		{4, 3, format.CoordAsymmetric, []int32{0, 1, 2}, []int32{1, 2, 3}, []int32{0, 341, 683}},
		// pytorch_half_pixel to one pixel: 0; half_pixel to one: 1.5.
		{4, 1, format.CoordPytorchHalfPixel, []int32{0}, []int32{1}, []int32{0}},
		{4, 1, format.CoordHalfPixel, []int32{1}, []int32{2}, []int32{512}},
	} {
		p, err := NewResizeParams(1, c.in, c.in, 1, c.out, c.out, 1, format.ResizeBilinear, c.coord, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.Y0, c.i0) || !slices.Equal(p.Y1, c.i1) || !slices.Equal(p.WY, c.wq) || !slices.Equal(p.X0, c.i0) {
			t.Errorf("bilinear %d->%d coord %d: %v %v %v, want %v %v %v", c.in, c.out, c.coord, p.Y0, p.Y1, p.WY, c.i0, c.i1, c.wq)
		}
	}
	for _, c := range []struct {
		in, out int
		coord   format.CoordinateMode
		mode    format.NearestMode
		want    []int32
	}{
		// half_pixel 4->8: -0.25, 0.25, 0.75, ..., 3.25.
		{4, 8, format.CoordHalfPixel, format.NearestRoundPreferFloor, []int32{0, 0, 1, 1, 2, 2, 3, 3}},
		// asymmetric 2->4: 0, 0.5, 1, 1.5: the ties go down, up, down, up.
		{2, 4, format.CoordAsymmetric, format.NearestRoundPreferFloor, []int32{0, 0, 1, 1}},
		{2, 4, format.CoordAsymmetric, format.NearestRoundPreferCeil, []int32{0, 1, 1, 1}},
		{2, 4, format.CoordAsymmetric, format.NearestFloor, []int32{0, 0, 1, 1}},
		{2, 4, format.CoordAsymmetric, format.NearestCeil, []int32{0, 1, 1, 1}},
		// half_pixel 5->2: 0.75, 3.25.
		{5, 2, format.CoordHalfPixel, format.NearestRoundPreferFloor, []int32{1, 3}},
		// align_corners 3->4: 0, 2/3, 4/3, 2.
		{3, 4, format.CoordAlignCorners, format.NearestFloor, []int32{0, 0, 1, 2}},
	} {
		p, err := NewResizeParams(1, c.in, 1, 1, c.out, 1, 4, format.ResizeNearest, c.coord, c.mode)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.Y0, c.want) {
			t.Errorf("nearest %d->%d coord %d mode %d: %v, want %v", c.in, c.out, c.coord, c.mode, p.Y0, c.want)
		}
	}
}

func TestNewResizeParamsErrors(t *testing.T) {
	for _, c := range []struct {
		dims    [7]int
		mode    format.ResizeMode
		coord   format.CoordinateMode
		nearest format.NearestMode
		want    string
	}{
		{[7]int{1, 0, 2, 3, 4, 4, 1}, format.ResizeBilinear, 0, 0, "positive"},
		{[7]int{1, 2, 2, 3, 4, 0, 1}, format.ResizeBilinear, 0, 0, "positive"},
		{[7]int{1, 2, 2, 3, 4, 4, 0}, format.ResizeNearest, 0, 0, "positive"},
		{[7]int{1, 2, 2, 3, 4, 4, 1}, 7, 0, 0, "resize mode 7"},
		{[7]int{1, 2, 2, 3, 4, 4, 1}, format.ResizeBilinear, 9, 0, "coordinate mode 9"},
		{[7]int{1, 2, 2, 3, 4, 4, 1}, format.ResizeNearest, 0, 4, "nearest mode 4"},
	} {
		d := c.dims
		_, err := NewResizeParams(d[0], d[1], d[2], d[3], d[4], d[5], d[6], c.mode, c.coord, c.nearest)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one containing %q", c.dims, err, c.want)
		}
	}
}

// resizeCase is a random resize geometry.
type resizeCase struct{ n, inH, inW, c, outH, outW int }

func resizeCases() []resizeCase {
	cs := []resizeCase{{1, 2, 2, 1, 4, 4}, {2, 5, 3, 3, 5, 3}, {1, 7, 9, 4, 3, 4}, {1, 1, 1, 2, 3, 5}, {1, 4, 4, 16, 1, 1}, {3, 3, 5, 5, 8, 7}}
	r := newRand(60)
	for range 12 {
		cs = append(cs, resizeCase{1 + r.IntN(3), 1 + r.IntN(9), 1 + r.IntN(9), 1 + r.IntN(6), 1 + r.IntN(12), 1 + r.IntN(12)})
	}
	return cs
}

func TestResizeNearest(t *testing.T) {
	r := newRand(61)
	for k, c := range resizeCases() {
		es := layoutElemSizes[k%len(layoutElemSizes)]
		coord, nm := coordModes[k%4], nearestModes[(k/4)%4]
		p, err := NewResizeParams(c.n, c.inH, c.inW, c.c, c.outH, c.outW, es, format.ResizeNearest, coord, nm)
		if err != nil {
			t.Fatal(err)
		}
		in := randBytes(r, c.n*c.inH*c.inW*c.c*es)
		pix := c.c * es
		want := make([]byte, c.n*c.outH*c.outW*pix)
		for n := range c.n {
			for y := range c.outH {
				sy := exactNearest(y, c.inH, c.outH, coord, nm)
				for x := range c.outW {
					sx := exactNearest(x, c.inW, c.outW, coord, nm)
					copy(want[((n*c.outH+y)*c.outW+x)*pix:][:pix], in[((n*c.inH+int(sy))*c.inW+int(sx))*pix:])
				}
			}
		}
		rowBytes := c.outW * pix
		got := checkUnitsBytes(t, r, len(want), p.Units(), func(i int) int { return i / rowBytes },
			func(out []byte, lo, hi int) { ResizeNearest(&p, in, out, lo, hi) })
		if !slices.Equal(got, want) {
			t.Fatalf("%+v %d-byte coord %d mode %d: got %v, want %v", c, es, coord, nm, got, want)
		}
	}
}

// bilinearTaps returns, for output (y, x), the four source pixel offsets
// (in pixels) and the exact real weights, from the specification's
// coordinates.
func bilinearTaps(c resizeCase, coord format.CoordinateMode, n, y, x int) (pix [4]int, w [4]float64) {
	axis := func(o, in, out int) (int, int, float64) {
		i0, i1, frac, _ := exactLinear(o, in, out, coord)
		return int(i0), int(i1), frac
	}
	y0, y1, fy := axis(y, c.inH, c.outH)
	x0, x1, fx := axis(x, c.inW, c.outW)
	at := func(yy, xx int) int { return (n*c.inH+yy)*c.inW + xx }
	return [4]int{at(y0, x0), at(y0, x1), at(y1, x0), at(y1, x1)},
		[4]float64{(1 - fy) * (1 - fx), (1 - fy) * fx, fy * (1 - fx), fy * fx}
}

func TestResizeBilinearInt8(t *testing.T) {
	r := newRand(62)
	for k, c := range resizeCases() {
		coord := coordModes[k%4]
		p, err := NewResizeParams(c.n, c.inH, c.inW, c.c, c.outH, c.outW, 1, format.ResizeBilinear, coord, 0)
		if err != nil {
			t.Fatal(err)
		}
		in := randInt8s(r, c.n*c.inH*c.inW*c.c, -128, 127)
		rowLen := c.outW * c.c
		got := checkUnitsInt8(t, r, c.n*c.outH*rowLen, p.Units(), func(i int) int { return i / rowLen },
			func(out []int8, lo, hi int) { ResizeBilinearInt8(&p, in, out, lo, hi) })
		for n := range c.n {
			for y := range c.outH {
				for x := range c.outW {
					pix, w := bilinearTaps(c, coord, n, y, x)
					// The Q10 weights from the tables, summed in int64.
					wy, wx := int64(p.WY[y]), int64(p.WX[x])
					wq := [4]int64{(1024 - wy) * (1024 - wx), (1024 - wy) * wx, wy * (1024 - wx), wy * wx}
					for ch := range c.c {
						var acc int64
						real := 0.0
						for k := range 4 {
							q := int64(in[pix[k]*c.c+ch])
							acc += q * wq[k]
							real += float64(q) * w[k]
						}
						i := ((n*c.outH+y)*c.outW+x)*c.c + ch
						if want := int8((acc + 1<<19) >> 20); got[i] != want {
							t.Fatalf("%+v coord %d: out (%d,%d,%d,%d) = %d, want %d", c, coord, n, y, x, ch, got[i], want)
						}
						// Q10 weights err by at most 1/2048 per axis (255/2048
						// of value each), then the result rounds.
						if math.Abs(float64(got[i])-real) > 0.5+2*255.0/2048+1e-9 {
							t.Fatalf("%+v coord %d: out (%d,%d,%d,%d) = %d, real interpolation %g", c, coord, n, y, x, ch, got[i], real)
						}
					}
				}
			}
		}
	}
}

func TestResizeBilinearFloat32(t *testing.T) {
	r := newRand(63)
	for k, c := range resizeCases() {
		coord := coordModes[k%4]
		p, err := NewResizeParams(c.n, c.inH, c.inW, c.c, c.outH, c.outW, 4, format.ResizeBilinear, coord, 0)
		if err != nil {
			t.Fatal(err)
		}
		in := randSpreadFloat32s(r, c.n*c.inH*c.inW*c.c, 10)
		rowLen := c.outW * c.c
		got := checkUnitsFloat32(t, r, c.n*c.outH*rowLen, p.Units(), func(i int) int { return i / rowLen },
			func(out []float32, lo, hi int) { ResizeBilinearFloat32(&p, in, out, lo, hi) })
		f32 := func(v float64) float64 { return float64(float32(v)) }
		for n := range c.n {
			for y := range c.outH {
				for x := range c.outW {
					pix, w := bilinearTaps(c, coord, n, y, x)
					fy, fx := float64(p.FY[y]), float64(p.FX[x])
					for ch := range c.c {
						q := func(k int) float64 { return float64(in[pix[k]*c.c+ch]) }
						// The documented float32 evaluation, each operation
						// rounded once.
						gx, gy := f32(1-fx), f32(1-fy)
						top := f32(f32(q(0)*gx) + f32(q(1)*fx))
						bottom := f32(f32(q(2)*gx) + f32(q(3)*fx))
						want := float32(f32(top*gy) + f32(bottom*fy))
						i := ((n*c.outH+y)*c.outW+x)*c.c + ch
						if !sameFloat32(got[i], want) {
							t.Fatalf("%+v coord %d: out (%d,%d,%d,%d) = %v, want %v", c, coord, n, y, x, ch, got[i], want)
						}
						real, mag := 0.0, 0.0
						for k := range 4 {
							real += q(k) * w[k]
							mag += math.Abs(q(k))
						}
						if math.Abs(float64(got[i])-real) > 1e-6*mag+1e-30 {
							t.Fatalf("%+v coord %d: out (%d,%d,%d,%d) = %v, real interpolation %g", c, coord, n, y, x, ch, got[i], real)
						}
					}
				}
			}
		}
	}
}

// TestResizeBilinearHandWorked is the ONNX specification's
// resize_upsample_scales_linear example: [[1 2] [3 4]] doubled with
// half_pixel, in float32 and (times 4, so every value is an integer) int8.
func TestResizeBilinearHandWorked(t *testing.T) {
	p, err := NewResizeParams(1, 2, 2, 1, 4, 4, 4, format.ResizeBilinear, format.CoordHalfPixel, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4}
	out := make([]float32, 16)
	ResizeBilinearFloat32(&p, []float32{1, 2, 3, 4}, out, 0, p.Units())
	if !slices.Equal(out, want) {
		t.Errorf("float32: got %v, want %v", out, want)
	}
	out8 := make([]int8, 16)
	ResizeBilinearInt8(&p, []int8{4, 8, 12, 16}, out8, 0, p.Units())
	for i, v := range want {
		if out8[i] != int8(4*v) {
			t.Errorf("int8: got %v, want 4 times %v", out8, want)
			break
		}
	}
	// A 1/3 weight rounds: align_corners 2->4 has sources 0, 1/3, 2/3, 1,
	// Q10 weights 341 and 683: 0*683/1024 + 100*341/1024 = 33.3 -> 33.
	p, _ = NewResizeParams(1, 1, 2, 1, 1, 4, 1, format.ResizeBilinear, format.CoordAlignCorners, 0)
	ResizeBilinearInt8(&p, []int8{0, 100}, out8[:4], 0, 1)
	if want := []int8{0, 33, 67, 100}; !slices.Equal(out8[:4], want) {
		t.Errorf("align_corners thirds: got %v, want %v", out8[:4], want)
	}
}

// TestResizeONNXConformance runs the ONNX backend node tests of Resize and
// Upsample whose semantics the format can hold (nearest or linear with the
// four coordinate modes, and an output size whose ratio to the input is
// the scale the test uses), through the float32 kernels.
func TestResizeONNXConformance(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(onnxNodeDir, "test_resize_*"))
	dirs = append(dirs, filepath.Join(onnxNodeDir, "test_upsample_nearest"))
	if _, err := os.Stat(dirs[len(dirs)-1]); err != nil {
		t.Skipf("ONNX node test data not installed (%v); apt install libonnx-testdata", err)
	}
	coordNames := map[string]format.CoordinateMode{"half_pixel": format.CoordHalfPixel, "asymmetric": format.CoordAsymmetric,
		"align_corners": format.CoordAlignCorners, "pytorch_half_pixel": format.CoordPytorchHalfPixel}
	nearestNames := map[string]format.NearestMode{"round_prefer_floor": format.NearestRoundPreferFloor,
		"round_prefer_ceil": format.NearestRoundPreferCeil, "floor": format.NearestFloor, "ceil": format.NearestCeil}
	ran := 0
	for _, dir := range dirs {
		name := filepath.Base(dir)
		node, err := readONNXNode(filepath.Join(dir, "model.onnx"), "Resize", "Upsample")
		if err != nil {
			t.Fatal(err)
		}
		mode, coord, nearest := "nearest", "half_pixel", "round_prefer_floor"
		if a, ok := node.attrs["mode"]; ok {
			mode = a.s
		}
		if a, ok := node.attrs["coordinate_transformation_mode"]; ok {
			coord = a.s
		}
		if a, ok := node.attrs["nearest_mode"]; ok {
			nearest = a.s
		}
		if node.op == "Upsample" { // Upsample's nearest is in[floor(x/scale)]
			coord, nearest = "asymmetric", "floor"
		}
		c, okCoord := coordNames[coord]
		nm, okNearest := nearestNames[nearest]
		if (mode != "nearest" && mode != "linear") || !okCoord || !okNearest || node.attrs["antialias"].i != 0 {
			t.Logf("%s: %s/%s/%s is not representable, skipped", name, mode, coord, nearest)
			continue
		}
		set := filepath.Join(dir, "test_data_set_0")
		x, err := readONNXTensor(filepath.Join(set, "input_0.pb"))
		if err != nil {
			t.Fatal(err)
		}
		y, err := readONNXTensor(filepath.Join(set, "output_0.pb"))
		if err != nil {
			t.Fatal(err)
		}
		if len(x.dims) != 4 || len(y.dims) != 4 || x.dims[0] != y.dims[0] || x.dims[1] != y.dims[1] {
			t.Logf("%s: %v -> %v is not a spatial NCHW resize, skipped", name, x.dims, y.dims)
			continue
		}
		// The scales, when given, must be out/in: the kernels map
		// coordinates with the output size.
		scales := node.attrs["scales"].floats
		for k := 1; k < 4; k++ {
			if s, err := readONNXTensor(filepath.Join(set, fmt.Sprintf("input_%d.pb", k))); err == nil && s.dtype == 1 {
				scales = s.floats
			}
		}
		exact := true
		for d, s := range scales {
			exact = exact && float64(s) == float64(y.dims[d])/float64(x.dims[d])
		}
		if !exact {
			t.Logf("%s: scales %v differ from the size ratio of %v -> %v, skipped", name, scales, x.dims, y.dims)
			continue
		}
		n, ch, inH, inW, outH, outW := x.dims[0], x.dims[1], x.dims[2], x.dims[3], y.dims[2], y.dims[3]
		rm := format.ResizeNearest
		if mode == "linear" {
			rm = format.ResizeBilinear
		}
		p, err := NewResizeParams(n, inH, inW, ch, outH, outW, 4, rm, c, nm)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		in := nchwToNHWC(x.floats, n, ch, inH, inW)
		out := make([]float32, n*outH*outW*ch)
		if rm == format.ResizeNearest {
			inB, outB := make([]byte, 4*len(in)), make([]byte, 4*len(out))
			for i, v := range in {
				binary.LittleEndian.PutUint32(inB[4*i:], math.Float32bits(v))
			}
			ResizeNearest(&p, inB, outB, 0, p.Units())
			for i := range out {
				out[i] = math.Float32frombits(binary.LittleEndian.Uint32(outB[4*i:]))
			}
		} else {
			ResizeBilinearFloat32(&p, in, out, 0, p.Units())
		}
		got := nhwcToNCHW(out, n, ch, outH, outW)
		for i, want := range y.floats {
			if math.Abs(float64(got[i]-want)) > 1e-5*math.Max(1, math.Abs(float64(want))) {
				t.Errorf("%s: output %d = %v, want %v", name, i, got[i], want)
				break
			}
		}
		ran++
	}
	if ran < 8 {
		t.Errorf("only %d ONNX resize tests ran", ran)
	}
	t.Logf("%d ONNX resize node tests passed", ran)
}

func TestResizeAllocs(t *testing.T) {
	in, out := make([]byte, 2*9*7*3*4), make([]byte, 2*13*5*3*4)
	i8, o8 := make([]int8, 2*9*7*3), make([]int8, 2*13*5*3)
	f, of := make([]float32, 2*9*7*3), make([]float32, 2*13*5*3)
	pn, _ := NewResizeParams(2, 9, 7, 3, 13, 5, 4, format.ResizeNearest, format.CoordHalfPixel, format.NearestRoundPreferFloor)
	pb, _ := NewResizeParams(2, 9, 7, 3, 13, 5, 1, format.ResizeBilinear, format.CoordAlignCorners, 0)
	checkNoAllocs(t, "ResizeNearest", func() { ResizeNearest(&pn, in, out, 1, pn.Units()) })
	checkNoAllocs(t, "ResizeBilinearInt8", func() { ResizeBilinearInt8(&pb, i8, o8, 0, pb.Units()) })
	checkNoAllocs(t, "ResizeBilinearFloat32", func() { ResizeBilinearFloat32(&pb, f, of, 2, pb.Units()) })
}

func BenchmarkResizeBilinearInt8(b *testing.B) {
	p, _ := NewResizeParams(1, 28, 28, 32, 56, 56, 1, format.ResizeBilinear, format.CoordHalfPixel, 0)
	in, out := make([]int8, 28*28*32), make([]int8, 56*56*32)
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		ResizeBilinearInt8(&p, in, out, 0, p.Units())
	}
}
