package runtime

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"unsafe"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
	"github.com/edgeinfer/edgeinfer/quant"
)

// int8Chain is conv 3x3 (per-channel, RELU6) -> depthwise 3x3 stride 2 ->
// max pool 2x2 -> add a per-channel constant -> HARD_SWISH -> mean over
// H, W -> reshape -> fully connected -> softmax, with its constants so the
// test can run the kernels by hand.
type int8Chain struct {
	model                  *format.Model
	w1, wd, wf             []int8
	b1, bd, bf             []int32
	w1Scales, wdScales     []float32
	addend                 []int8
	in, c1, d, p, a, h, mn *format.Tensor
	f, s                   *format.Tensor
}

func newInt8Chain(r *rand.Rand) *int8Chain {
	c := &int8Chain{}
	g := newGraph()
	x := g.i8("x", 0.05, 3, 1, 10, 10, 3)
	c.w1 = randInt8(r, 8*3*3*3, -127, 127)
	c.w1Scales = randFloat32(r, 8, 0.002, 0.01)
	c.b1 = randInt32(r, 8, -2000, 2000)
	w1 := g.tensor("conv1.w", format.Int8, []int{8, 3, 3, 3}, perChannel(c.w1Scales), int8Bytes(c.w1))
	b1 := g.tensor("conv1.b", format.Int32, []int{8}, perTensor(1e-4, 0), int32Bytes(c.b1))
	c1 := g.i8("conv1", 0.04, -20, 1, 10, 10, 8)
	g.op(format.OpConv2D, "conv1", &format.Conv2DOptions{StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1,
		PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1, Groups: 1, Act: format.Activation{Kind: format.ActRelu6}}, x, w1, b1, c1)

	c.wd = randInt8(r, 8*3*3, -127, 127)
	c.wdScales = randFloat32(r, 8, 0.005, 0.02)
	c.bd = randInt32(r, 8, -500, 500)
	wd := g.tensor("dw.w", format.Int8, []int{8, 3, 3, 1}, perChannel(c.wdScales), int8Bytes(c.wd))
	bd := g.tensor("dw.b", format.Int32, []int{8}, perTensor(1e-4, 0), int32Bytes(c.bd))
	d := g.i8("dw", 0.03, -10, 1, 5, 5, 8)
	g.op(format.OpConv2D, "dw", &format.Conv2DOptions{StrideH: 2, StrideW: 2, DilationH: 1, DilationW: 1,
		PadBottom: 1, PadRight: 1, Groups: 8}, c1, wd, bd, d)

	p := g.i8("pool", 0.03, -10, 1, 4, 4, 8)
	g.op(format.OpMaxPool2D, "pool", &format.Pool2DOptions{KernelH: 2, KernelW: 2, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1}, d, p)

	c.addend = randInt8(r, 8, -100, 100)
	k := g.tensor("addend", format.Int8, []int{8}, perTensor(0.02, 5), int8Bytes(c.addend))
	a := g.i8("add", 0.05, 0, 1, 4, 4, 8)
	g.op(format.OpAdd, "add", &format.ElementwiseOptions{}, p, k, a)

	h := g.i8("hswish", 0.05, -5, 1, 4, 4, 8)
	g.op(format.OpHardSwish, "hswish", nil, a, h)

	mn := g.i8("mean", 0.04, 0, 1, 1, 1, 8)
	g.op(format.OpMean, "mean", &format.ReduceOptions{Axes: []int{1, 2}, KeepDims: true}, h, mn)
	flat := g.i8("flat", 0.04, 0, 1, 8)
	g.op(format.OpReshape, "flat", nil, mn, flat)

	c.wf = randInt8(r, 5*8, -127, 127)
	c.bf = randInt32(r, 5, -300, 300)
	wf := g.tensor("fc.w", format.Int8, []int{5, 8}, perTensor(0.01, 0), int8Bytes(c.wf))
	bf := g.tensor("fc.b", format.Int32, []int{5}, perTensor(4e-4, 0), int32Bytes(c.bf))
	f := g.i8("fc", 0.1, 2, 1, 5)
	g.op(format.OpFullyConnected, "fc", &format.FullyConnectedOptions{}, flat, wf, bf, f)

	s := g.i8("softmax", 1.0/256, -128, 1, 5)
	g.op(format.OpSoftmax, "softmax", &format.SoftmaxOptions{Beta: 1, Axis: -1}, f, s)
	c.model = g.io([]int{x}, s)
	ts := c.model.Tensors
	c.in, c.c1, c.d, c.p, c.a, c.h, c.mn, c.f, c.s = &ts[x], &ts[c1], &ts[d], &ts[p], &ts[a], &ts[h], &ts[mn], &ts[f], &ts[s]
	return c
}

// reference runs the chain's kernels directly, with parameters filled in
// by hand from the quantization of each tensor.
func (c *int8Chain) reference(x []int8) []int8 {
	sc := func(t *format.Tensor) float32 { return t.Quant.Scale[0] }
	zp := func(t *format.Tensor) int32 { return t.Quant.ZeroPoint[0] }

	c1 := make([]int8, 10*10*8)
	m1, s1 := quant.ConvRequant(sc(c.in), c.w1Scales, sc(c.c1), 8)
	lo1, hi1 := quant.ActivationRange(0, 6, sc(c.c1), zp(c.c1))
	p1 := &kernels.Conv2DInt8Params{
		ConvGeom: kernels.ConvGeom{N: 1, InH: 10, InW: 10, InC: 3, OutH: 10, OutW: 10, OutC: 8, KH: 3, KW: 3,
			StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, PadTop: 1, PadLeft: 1, Groups: 1},
		InZeroPoint: zp(c.in),
		Requant:     kernels.Requant{Multiplier: m1, Shift: s1, OutZeroPoint: zp(c.c1), ActMin: lo1, ActMax: hi1},
	}
	kernels.Conv2DInt8(p1, x, c.w1, c.b1, c1, 0, p1.Units())

	d := make([]int8, 5*5*8)
	md, sd := quant.ConvRequant(sc(c.c1), c.wdScales, sc(c.d), 8)
	pd := &kernels.Conv2DInt8Params{
		ConvGeom: kernels.ConvGeom{N: 1, InH: 10, InW: 10, InC: 8, OutH: 5, OutW: 5, OutC: 8, KH: 3, KW: 3,
			StrideH: 2, StrideW: 2, DilationH: 1, DilationW: 1, Groups: 8},
		InZeroPoint: zp(c.c1),
		Requant:     kernels.Requant{Multiplier: md, Shift: sd, OutZeroPoint: zp(c.d), ActMin: -128, ActMax: 127},
	}
	kernels.Conv2DInt8(pd, c1, c.wd, c.bd, d, 0, pd.Units())

	p := make([]int8, 4*4*8)
	pp := &kernels.PoolInt8Params{
		PoolGeom: kernels.PoolGeom{N: 1, InH: 5, InW: 5, C: 8, OutH: 4, OutW: 4, KH: 2, KW: 2,
			StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1},
		ZeroPoint: zp(c.d), ActMin: -128, ActMax: 127,
	}
	kernels.MaxPoolInt8(pp, d, p, 0, pp.Units())

	a := make([]int8, 4*4*8)
	pa := &kernels.AddInt8Params{
		Broadcast: kernels.Broadcast{Rank: 2, OutShape: [kernels.MaxRank]int{16, 8},
			AStride: [kernels.MaxRank]int{8, 1}, BStride: [kernels.MaxRank]int{0, 1}},
		AOffset: -zp(c.p), BOffset: -5, OutZeroPoint: zp(c.a), ActMin: -128, ActMax: 127,
	}
	pa.AMultiplier, pa.AShift, pa.BMultiplier, pa.BShift, pa.OutMultiplier, pa.OutShift, pa.LeftShift = quant.AddParams(sc(c.p), 0.02, sc(c.a))
	kernels.AddInt8(pa, p, c.addend, a, 0, pa.Units())

	h := make([]int8, 4*4*8)
	table := quant.HardSwishLUT(sc(c.a), zp(c.a), sc(c.h), zp(c.h))
	ph := &kernels.LUTParams{Elements: len(h), Channels: 1, Table: table[:]}
	kernels.LUTInt8(ph, a, h, 0, ph.Units())

	mn := make([]int8, 8)
	mm, ms := quant.QuantizeMultiplier(float64(sc(c.h)) / (16 * float64(sc(c.mn))))
	pm := &kernels.MeanInt8Params{ReduceGeom: kernels.ReduceGeom{Outer: 1, Reduce: 16, Inner: 8},
		InZeroPoint: zp(c.h), OutZeroPoint: zp(c.mn), Multiplier: mm, Shift: int32(ms), ActMin: -128, ActMax: 127}
	kernels.MeanInt8(pm, h, mn, 0, pm.Units())

	f := make([]int8, 5)
	mf, sf := quant.ConvRequant(sc(c.mn), []float32{0.01}, sc(c.f), 5)
	pf := &kernels.FullyConnectedInt8Params{
		FullyConnectedGeom: kernels.FullyConnectedGeom{Batch: 1, K: 8, N: 5},
		InZeroPoint:        zp(c.mn),
		Requant:            kernels.Requant{Multiplier: mf, Shift: sf, OutZeroPoint: zp(c.f), ActMin: -128, ActMax: 127},
	}
	kernels.FullyConnectedInt8(pf, mn, c.wf, c.bf, f, 0, pf.Units())

	s := make([]int8, 5)
	ps := &kernels.SoftmaxInt8Params{Outer: 1, Axis: 5, Inner: 1, InScale: float64(sc(c.f)), Beta: 1,
		OutScale: float64(sc(c.s)), OutZeroPoint: zp(c.s)}
	ps.Exp = quant.SoftmaxExpTable(ps.InScale, ps.Beta)
	kernels.SoftmaxInt8(ps, f, s, 0, ps.Units())
	return s
}

func TestRunMatchesKernelsInt8(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	c := newInt8Chain(r)
	m := mustLoad(t, c.model)
	checkArena(t, m)
	for _, threads := range []int{1, 2, 3} {
		it := mustInterpreter(t, m, threads)
		for sample := range 3 {
			x := randInt8(r, 10*10*3, -128, 127)
			if err := it.SetInputInt8(0, x); err != nil {
				t.Fatal(err)
			}
			if err := it.Run(); err != nil {
				t.Fatal(err)
			}
			want := c.reference(x)
			if got := it.Output(0).Int8(); !slices.Equal(got, want) {
				t.Errorf("threads %d, sample %d: output %v, kernels give %v", threads, sample, got, want)
			}
		}
	}
}

func TestRunMatchesKernelsFloat32(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	g := newGraph()
	x := g.f32("x", 1, 6, 6, 4)
	w := randFloat32(r, 4*3*3*4, -0.5, 0.5)
	b := randFloat32(r, 4, -0.1, 0.1)
	wt := g.tensor("conv.w", format.Float32, []int{4, 3, 3, 4}, nil, float32Bytes(w))
	bt := g.tensor("conv.b", format.Float32, []int{4}, nil, float32Bytes(b))
	cv := g.f32("conv", 1, 6, 6, 4)
	convOpts := &format.Conv2DOptions{StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1,
		PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1, Groups: 1, Act: format.Activation{Kind: format.ActRelu}}
	g.op(format.OpConv2D, "conv", convOpts, x, wt, bt, cv)
	sig := g.f32("sigmoid", 1, 6, 6, 4)
	g.op(format.OpLogistic, "sigmoid", nil, cv, sig)
	mul := g.f32("gate", 1, 6, 6, 4)
	g.op(format.OpMul, "gate", &format.ElementwiseOptions{}, cv, sig, mul)
	cat := g.f32("concat", 1, 6, 6, 8)
	g.op(format.OpConcatenation, "concat", &format.ConcatOptions{Axis: 3}, mul, x, cat)
	tr := g.f32("transpose", 1, 8, 6, 6)
	g.op(format.OpTranspose, "transpose", &format.TransposeOptions{Perm: []int{0, 3, 1, 2}}, cat, tr)
	up := g.f32("resize", 1, 12, 12, 8)
	g.op(format.OpResize, "resize", &format.ResizeOptions{Mode: format.ResizeBilinear, Coordinate: format.CoordHalfPixel}, cat, up)
	sm := g.f32("softmax", 1, 12, 12, 8)
	g.op(format.OpSoftmax, "softmax", &format.SoftmaxOptions{Beta: 1, Axis: -1}, up, sm)
	m := mustLoad(t, g.io([]int{x}, tr, sm))
	checkArena(t, m)

	xv := randFloat32(r, 6*6*4, -1, 1)
	// The kernels by hand.
	cvW := make([]float32, 6*6*4)
	kernels.Conv2DFloat32(&kernels.Conv2DFloat32Params{
		ConvGeom: kernels.ConvGeom{N: 1, InH: 6, InW: 6, InC: 4, OutH: 6, OutW: 6, OutC: 4, KH: 3, KW: 3,
			StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, PadTop: 1, PadLeft: 1, Groups: 1},
		ActMin: 0, ActMax: float32(math.Inf(1)),
	}, xv, w, b, cvW, 0, 6)
	sigW := make([]float32, len(cvW))
	kernels.LogisticFloat32(&kernels.UnaryFloat32Params{Elements: len(cvW)}, cvW, sigW, 0, len(cvW))
	mulW := make([]float32, len(cvW))
	inf := float32(math.Inf(1))
	kernels.MulFloat32(&kernels.BinaryFloat32Params{
		Broadcast: kernels.Broadcast{Rank: 1, OutShape: [kernels.MaxRank]int{144}, AStride: [kernels.MaxRank]int{1}, BStride: [kernels.MaxRank]int{1}},
		ActMin:    -inf, ActMax: inf,
	}, cvW, sigW, mulW, 0, 144)
	catW := make([]float32, 6*6*8)
	kernels.Concat(&kernels.ConcatParams{Outer: 36, Chunk: []int{16, 16}},
		[][]byte{float32Bytes(mulW), float32Bytes(xv)}, asBytes(catW), 0, 36)
	trW := make([]float32, len(catW))
	lp := &kernels.LayoutParams{Rank: 4, ElemSize: 4, InShape: [kernels.MaxRank]int{1, 6, 6, 8},
		OutShape: [kernels.MaxRank]int{1, 8, 6, 6}, Perm: [kernels.MaxRank]int{0, 3, 1, 2}}
	kernels.Transpose(lp, asBytes(catW), asBytes(trW), 0, lp.Units())
	upW := make([]float32, 12*12*8)
	// Half-pixel 6 -> 12: source (x+0.5)/2 - 0.5 clamped to [0, 5]:
	// x=0 -> 0 (clamped from -0.25), x=1 -> 0.25, x=2 -> 0.75, ... x=11 -> 5 (clamped from 5.25).
	rp := &kernels.ResizeParams{N: 1, InH: 6, InW: 6, C: 8, OutH: 12, OutW: 12, ElemSize: 4}
	rp.Y0, rp.Y1, rp.WY, rp.FY = make([]int32, 12), make([]int32, 12), make([]int32, 12), make([]float32, 12)
	for i := range 12 {
		s := min(max((float64(i)+0.5)/2-0.5, 0), 5)
		rp.Y0[i] = int32(s)
		rp.Y1[i] = min(int32(s)+1, 5)
		rp.FY[i] = float32(s - math.Floor(s))
		rp.WY[i] = int32(math.Round((s - math.Floor(s)) * 1024))
	}
	rp.X0, rp.X1, rp.WX, rp.FX = rp.Y0, rp.Y1, rp.WY, rp.FY
	kernels.ResizeBilinearFloat32(rp, catW, upW, 0, rp.Units())
	smW := make([]float32, len(upW))
	kernels.SoftmaxFloat32(&kernels.SoftmaxFloat32Params{Outer: 144, Axis: 8, Inner: 1, Beta: 1}, upW, smW, 0, 144)

	for _, threads := range []int{1, 2, 3} {
		it := mustInterpreter(t, m, threads)
		if err := it.SetInputFloat32(0, xv, format.NHWC); err != nil {
			t.Fatal(err)
		}
		if err := it.Run(); err != nil {
			t.Fatal(err)
		}
		if got := it.Output(0).Float32(); !bitsEqual(got, trW) {
			t.Errorf("threads %d: transpose output differs from the kernels", threads)
		}
		if got := it.Output(1).Float32(); !bitsEqual(got, smW) {
			t.Errorf("threads %d: softmax output differs from the kernels", threads)
		}
	}
}

// asBytes views v's memory as bytes, so a byte kernel can write into it.
func asBytes(v []float32) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v))
}

func bitsEqual(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// runOutputs runs m at the given thread count on input x (int8) and
// returns a copy of every output's bytes.
func runOutputs(t *testing.T, m *Model, threads int, x []int8) [][]byte {
	t.Helper()
	it := mustInterpreter(t, m, threads)
	if err := it.SetInputInt8(0, x); err != nil {
		t.Fatal(err)
	}
	if err := it.Run(); err != nil {
		t.Fatal(err)
	}
	outs := make([][]byte, it.OutputCount())
	for i := range outs {
		outs[i] = slices.Clone(it.Output(i).Bytes())
	}
	return outs
}

func TestThreadsSameBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	m := mustLoad(t, mobileNetV2Like(r))
	x := randInt8(r, 32*32*8, -128, 127)
	want := runOutputs(t, m, 1, x)
	for _, threads := range []int{2, 3, 8} {
		it := mustInterpreter(t, m, threads)
		parallel := 0
		for _, s := range it.steps {
			if len(s.bounds) > 2 {
				parallel++
			}
		}
		if parallel == 0 {
			t.Fatalf("threads %d: no op was split, the test would prove nothing", threads)
		}
		got := runOutputs(t, m, threads, x)
		for i := range want {
			if !slices.Equal(got[i], want[i]) {
				t.Errorf("threads %d: output %d differs from one thread", threads, i)
			}
		}
	}
}

// TestArenaReuseKeepsResults runs the model as planned (buffers reused,
// ops in place) and with every activation made a graph output (nothing
// reused or overwritten); the results must be the same bytes.
func TestArenaReuseKeepsResults(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 11))
	fm := mobileNetV2Like(r)
	x := randInt8(r, 32*32*8, -128, 127)
	want := runOutputs(t, mustLoad(t, fm), 2, x)

	keep := *fm
	keep.Outputs = nil
	for i := range fm.Operators {
		keep.Outputs = append(keep.Outputs, fm.Operators[i].Outputs[0])
	}
	km := mustLoad(t, &keep)
	for _, op := range km.Ops() {
		if op.InPlace {
			t.Fatalf("op %d runs in place with every activation an output", op.Index)
		}
	}
	got := runOutputs(t, km, 2, x)
	last := got[len(got)-1]
	if !slices.Equal(last, want[0]) {
		t.Error("the planned arena changes the model's output")
	}
}

func TestRunNoAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 13))
	m := mustLoad(t, mobileNetV2Like(r))
	for _, threads := range []int{1, 2} {
		it := mustInterpreter(t, m, threads)
		if err := it.SetInputInt8(0, randInt8(r, 32*32*8, -128, 127)); err != nil {
			t.Fatal(err)
		}
		if allocs := testing.AllocsPerRun(20, func() { it.Run() }); allocs != 0 {
			t.Errorf("threads %d: Run allocates %v times per run, want 0", threads, allocs)
		}
	}
}

func TestInterpretersRunConcurrently(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 15))
	m := mustLoad(t, mobileNetV2Like(r))
	xs := [][]int8{randInt8(r, 32*32*8, -128, 127), randInt8(r, 32*32*8, -128, 127)}
	want := [][][]byte{runOutputs(t, m, 1, xs[0]), runOutputs(t, m, 1, xs[1])}
	its := []*Interpreter{mustInterpreter(t, m, 2), mustInterpreter(t, m, 1)}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for k, it := range its {
		wg.Go(func() {
			if errs[k] = it.SetInputInt8(0, xs[k]); errs[k] != nil {
				return
			}
			for range 5 {
				if errs[k] = it.Run(); errs[k] != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	for k, it := range its {
		if errs[k] != nil {
			t.Fatal(errs[k])
		}
		if !slices.Equal(it.Output(0).Bytes(), want[k][0]) {
			t.Errorf("interpreter %d: output differs from a lone run", k)
		}
	}
}

func TestClosed(t *testing.T) {
	m := mustLoad(t, mobileNetV2Like(rand.New(rand.NewPCG(1, 1))))
	it := mustInterpreter(t, m, 2)
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	if err := it.Run(); err == nil {
		t.Error("Run after Close: no error")
	}
	if err := it.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	it = mustInterpreter(t, m, 1)
	m.Close()
	if err := it.Run(); err == nil {
		t.Error("Run after the model's Close: no error")
	}
	if _, err := m.NewInterpreter(Options{}); err == nil {
		t.Error("NewInterpreter after the model's Close: no error")
	}
	if _, err := mustLoad(t, mobileNetV2Like(rand.New(rand.NewPCG(1, 1)))).NewInterpreter(Options{Threads: -1}); err == nil {
		t.Error("Threads -1: no error")
	}
}

func BenchmarkRun(b *testing.B) {
	m := mustLoad(b, mobileNetV2Like(rand.New(rand.NewPCG(1, 2))))
	b.Logf("model: %d MACs, arena %d bytes", m.MACs(), m.ArenaBytes())
	for _, threads := range []int{1, 2} {
		b.Run("threads="+strconv.Itoa(threads), func(b *testing.B) {
			it := mustInterpreter(b, m, threads)
			b.ReportAllocs()
			for b.Loop() {
				if err := it.Run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(m.MACs())*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
		})
	}
}
