package runtime

import (
	"slices"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
)

// convTableGraph is a chain of int8 convolutions, each read by a table op:
//
//	c1 = 3x3 conv(x) -> MUL(c1, LOGISTIC(c1)) = s1      (SiLU: fused)
//	d2 = dw 3x3/2(s1) -> LOGISTIC = g2                  (fused)
//	p3 = 1x1 conv(g2) on 6x6x40 -> TANH = t3, an output (fused; (block, panel) units)
//	c4 = 1x1 conv(g2) -> LOGISTIC = h4, ADD(c4, h4)     (c4 has two readers: not fused)
//	c5 = 1x1 conv(g2), an output -> HARD_SWISH = h5     (c5 is an output: not fused)
//
// With keep, c1, d2 and p3 are graph outputs too, which forbids their
// fusion: the reference the fused graph must match byte for byte.
func convTableGraph(keep bool) *format.Model {
	r := newRand(31)
	g := newGraph()
	conv := func(name string, src, outC, k, stride, groups int, scale float32, zp int32) int {
		s := g.m.Tensors[src].Shape
		inC := s[3]
		oh, ow := (s[1]-1)/stride+1, (s[2]-1)/stride+1
		w := g.tensor(name+".w", format.Int8, []int{outC, k, k, inC / groups}, perTensor(0.002, 0),
			int8Bytes(randInt8(r, outC*k*k*inC/groups, -127, 127)))
		b := g.tensor(name+".b", format.Int32, []int{outC}, perTensor(0.0001, 0), int32Bytes(randInt32(r, outC, -3000, 3000)))
		out := g.i8(name, scale, zp, 1, oh, ow, outC)
		pad := k / 2
		g.op(format.OpConv2D, name, &format.Conv2DOptions{StrideH: stride, StrideW: stride, DilationH: 1, DilationW: 1,
			PadTop: pad, PadLeft: pad, PadBottom: pad, PadRight: pad, Groups: groups}, src, w, b, out)
		return out
	}
	unary := func(code format.OpCode, name string, src int, scale float32, zp int32) int {
		out := g.i8(name, scale, zp, g.m.Tensors[src].Shape...)
		g.op(code, name, nil, src, out)
		return out
	}
	x := g.i8("x", 0.05, 3, 1, 12, 12, 8)
	c1 := conv("c1", x, 64, 3, 1, 1, 0.04, -4)
	sig1 := unary(format.OpLogistic, "sig1", c1, 1.0/256, -128)
	s1 := g.i8("s1", 0.03, -100, 1, 12, 12, 64)
	g.op(format.OpMul, "s1", &format.ElementwiseOptions{}, c1, sig1, s1)
	d2 := conv("d2", s1, 64, 3, 2, 64, 0.05, 2)
	g2 := unary(format.OpLogistic, "g2", d2, 1.0/256, -128)
	p3 := conv("p3", g2, 40, 1, 1, 1, 0.03, 5)
	t3 := unary(format.OpTanh, "t3", p3, 1.0/128, 0)
	c4 := conv("c4", g2, 16, 1, 1, 1, 0.03, -3)
	h4 := unary(format.OpLogistic, "h4", c4, 1.0/256, -128)
	a4 := g.i8("a4", 0.05, 0, 1, 6, 6, 16)
	g.op(format.OpAdd, "a4", &format.ElementwiseOptions{}, c4, h4, a4)
	c5 := conv("c5", g2, 16, 1, 1, 1, 0.03, 1)
	h5 := unary(format.OpHardSwish, "h5", c5, 0.02, -40)
	if keep {
		return g.io([]int{x}, t3, a4, c5, h5, c1, d2, p3)
	}
	return g.io([]int{x}, t3, a4, c5, h5)
}

func TestFuseConvTable(t *testing.T) {
	defer func(b int) { epilogueBytes = b }(epilogueBytes)
	epilogueBytes = 1 << 10 // several ranges per call on these small outputs
	x := randInt8(newRand(32), 12*12*8, -128, 127)
	for _, v := range kernels.Variants() {
		t.Run(string(v), func(t *testing.T) {
			t.Setenv(VariantEnv, string(v))
			fused, plain := mustLoad(t, convTableGraph(false)), mustLoad(t, convTableGraph(true))
			var kernelsGot, details []string
			for i, op := range fused.Ops() {
				kernelsGot = append(kernelsGot, op.Kernel)
				details = append(details, fused.ops[i].detail)
			}
			conv := "Conv2DInt8+LUTInt8"
			wantKernels := []string{conv, "fused", "fused", conv, "fused", conv, "fused",
				"Conv2DInt8", "LUTInt8", "AddInt8", "Conv2DInt8", "LUTInt8"}
			if !slices.Equal(kernelsGot, wantKernels) {
				t.Errorf("kernels %v, want %v", kernelsGot, wantKernels)
			}
			wantDetails := []string{"3x3 +SiLU", "dw 3x3/2 +LOGISTIC", "1x1 +TANH", "1x1", "1x1"}
			if got := []string{details[0], details[3], details[5], details[7], details[10]}; !slices.Equal(got, wantDetails) {
				t.Errorf("convolutions' details %q, want %q", got, wantDetails)
			}
			for i, op := range plain.Ops() {
				if op.Kernel == conv {
					t.Errorf("op %d %s fused although its convolution's output is a graph output", i, op.Name)
				}
			}
			if fused.ArenaBytes() >= plain.ArenaBytes() {
				t.Errorf("fused arena %d bytes, unfused %d", fused.ArenaBytes(), plain.ArenaBytes())
			}
			for _, threads := range []int{1, 2, 3} {
				got, want := runOutputs(t, fused, threads, x), runOutputs(t, plain, threads, x)
				for k := range got {
					if !slices.Equal(got[k], want[k]) {
						t.Errorf("threads %d: output %d differs from the unfused ops'", threads, k)
					}
					if distinct := len(distinctBytes(got[k])); distinct < 8 {
						t.Errorf("threads %d: output %d has %d distinct values; the test needs a spread", threads, k, distinct)
					}
				}
				it := mustInterpreter(t, fused, threads)
				if allocs := testing.AllocsPerRun(10, func() { it.Run() }); allocs != 0 {
					t.Errorf("threads %d: %v allocs per run", threads, allocs)
				}
			}
		})
	}
}

func distinctBytes(b []byte) map[byte]bool {
	m := map[byte]bool{}
	for _, v := range b {
		m[v] = true
	}
	return m
}
