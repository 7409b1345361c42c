package runtime

import (
	"testing"
	"unsafe"

	"github.com/edgeinfer/edgeinfer/format"
)

// shuffleChain is ShuffleNet's unit tail on x [1,5,3,16]: a = TANH(x),
// b = LOGISTIC(x), u = CONCAT(a, b) on channels, RESHAPE to [1,5,3,2,16],
// TRANSPOSE to [1,5,3,16,2], RESHAPE to [1,5,3,32], then TANH of that. With
// keep, u is also a graph output (which forbids the fusion). a and b die
// at the concatenation in the graph, so only the fused op's reads keep the
// arena from giving their bytes to the transpose's output.
func shuffleChain(keep bool) *format.Model {
	g := newGraph()
	x := g.i8("x", 0.05, 2, 1, 5, 3, 16)
	a := g.i8("a", 1.0/128, 0, 1, 5, 3, 16)
	g.op(format.OpTanh, "a", nil, x, a)
	b := g.i8("b", 1.0/128, 0, 1, 5, 3, 16)
	g.op(format.OpLogistic, "b", nil, x, b)
	u := g.i8("u", 1.0/128, 0, 1, 5, 3, 32)
	g.op(format.OpConcatenation, "u", &format.ConcatOptions{Axis: 3}, a, b, u)
	s := g.i8("s", 1.0/128, 0, 1, 5, 3, 2, 16)
	g.op(format.OpReshape, "s", nil, u, s)
	o := g.i8("o", 1.0/128, 0, 1, 5, 3, 16, 2)
	g.op(format.OpTranspose, "o", &format.TransposeOptions{Perm: []int{0, 1, 2, 4, 3}}, s, o)
	v := g.i8("v", 1.0/128, 0, 1, 5, 3, 32)
	g.op(format.OpReshape, "v", nil, o, v)
	y := g.i8("y", 1.0/128, 0, 1, 5, 3, 32)
	g.op(format.OpTanh, "y", nil, v, y)
	if keep {
		return g.io([]int{x}, y, u)
	}
	return g.io([]int{x}, y)
}

// TestFuseChannelShuffle checks that the concatenate-reshape-transpose
// chain becomes one interleave (and not when the concatenation's output
// has another reader), that its output is the unfused ops' byte for byte
// at 1 and 2 threads with no allocation, and that the interleave's output
// shares no byte with the tensors it reads.
func TestFuseChannelShuffle(t *testing.T) {
	fused, plain := mustLoad(t, shuffleChain(false)), mustLoad(t, shuffleChain(true))
	if got := kernelsOf(fused); got[2] != "fused" || got[4] != "Interleave" {
		t.Errorf("fused model's kernels %v: want the concatenation fused into an Interleave", got)
	}
	if got := kernelsOf(plain); got[2] != "Concat" || got[4] != "Transpose" {
		t.Errorf("model with the concatenation kept as an output: kernels %v, want Concat and Transpose", got)
	}
	x := make([]int8, 1*5*3*16)
	for i := range x {
		x[i] = int8(i*37 + 11)
	}
	checkFusedRuns(t, fused, plain, x, func(it *Interpreter, threads int) {
		// Tensors: 0 x, 1 a, 2 b, 3 u, 4 s, 5 o.
		o := it.mem.bytes[5]
		for _, in := range []int{1, 2} {
			if overlap(o, it.mem.bytes[in]) {
				t.Errorf("threads %d: the interleave's output shares arena bytes with tensor %d, which it reads", threads, in)
			}
		}
	})
}

// overlap reports whether two byte slices share memory.
func overlap(p, q []byte) bool {
	if len(p) == 0 || len(q) == 0 {
		return false
	}
	p0, q0 := uintptr(unsafe.Pointer(&p[0])), uintptr(unsafe.Pointer(&q[0]))
	return p0 < q0+uintptr(len(q)) && q0 < p0+uintptr(len(p))
}
