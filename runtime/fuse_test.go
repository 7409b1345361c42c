package runtime

import (
	"slices"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
)

// swishChain is x -> MUL(x, LOGISTIC(x)) = y1 -> MUL(TANH(y1), y1) = y2
// -> MUL(y2, LOGISTIC(y2)) = y3 (ReLU-clamped MUL), with the pointwise
// outputs graph outputs too when keep (which forbids fusing them).
func swishChain(keep bool) *format.Model {
	g := newGraph()
	shape := []int{1, 8, 8, 8}
	x := g.i8("x", 0.06, 3, shape...)
	s1 := g.i8("sig1", 1.0/256, -128, shape...)
	g.op(format.OpLogistic, "sig1", nil, x, s1)
	y1 := g.i8("swish1", 0.035, -100, shape...)
	g.op(format.OpMul, "swish1", &format.ElementwiseOptions{}, x, s1, y1)
	t2 := g.i8("tanh2", 1.0/128, 0, shape...)
	g.op(format.OpTanh, "tanh2", nil, y1, t2)
	y2 := g.i8("mul2", 0.02, 7, shape...)
	g.op(format.OpMul, "mul2", &format.ElementwiseOptions{}, t2, y1, y2)
	s3 := g.i8("sig3", 1.0/256, -128, shape...)
	g.op(format.OpLogistic, "sig3", nil, y2, s3)
	y3 := g.i8("swish3", 0.01, -128, shape...)
	g.op(format.OpMul, "swish3", &format.ElementwiseOptions{Act: format.Activation{Kind: format.ActRelu}}, y2, s3, y3)
	if keep {
		return g.io([]int{x}, y3, s1, t2, s3)
	}
	return g.io([]int{x}, y3)
}

// kernelsOf lists the kernel of each of m's ops.
func kernelsOf(m *Model) []string {
	var k []string
	for _, op := range m.Ops() {
		k = append(k, op.Kernel)
	}
	return k
}

// checkFusedRuns requires fused's first output on x to be plain's byte for
// byte at 1 and 2 threads, and fused's Run to allocate nothing; check, if
// not nil, then inspects each fused interpreter.
func checkFusedRuns(t *testing.T, fused, plain *Model, x []int8, check func(it *Interpreter, threads int)) {
	t.Helper()
	for _, threads := range []int{1, 2} {
		want := runOutputs(t, plain, threads, x)[0]
		got := runOutputs(t, fused, threads, x)[0]
		if !slices.Equal(got, want) {
			t.Errorf("threads %d: fused output differs from the unfused ops", threads)
		}
		it := mustInterpreter(t, fused, threads)
		if allocs := testing.AllocsPerRun(10, func() { it.Run() }); allocs != 0 {
			t.Errorf("threads %d: %v allocs per run", threads, allocs)
		}
		if check != nil {
			check(it, threads)
		}
	}
}

func TestFusePointwiseMul(t *testing.T) {
	fused, plain := mustLoad(t, swishChain(false)), mustLoad(t, swishChain(true))
	if got, want := kernelsOf(fused), []string{"fused", "LUTInt8", "fused", "LUTInt8", "fused", "LUTInt8"}; !slices.Equal(got, want) {
		t.Errorf("fused model's kernels %v, want %v", got, want)
	}
	if got, want := kernelsOf(plain), []string{"LUTInt8", "MulInt8", "LUTInt8", "MulInt8", "LUTInt8", "MulInt8"}; !slices.Equal(got, want) {
		t.Errorf("model with the pointwise outputs kept: kernels %v, want %v", got, want)
	}
	if fused.ArenaBytes() >= plain.ArenaBytes() {
		t.Errorf("fused arena %d bytes, unfused %d: the fused pointwise outputs should take no memory", fused.ArenaBytes(), plain.ArenaBytes())
	}
	// Every int8 value twice, in a shuffled order.
	x := make([]int8, 512)
	for i := range x {
		x[i] = int8(i*37 + 11)
	}
	checkFusedRuns(t, fused, plain, x, nil)
}
