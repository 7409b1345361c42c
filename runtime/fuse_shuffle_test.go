package runtime

import (
	"testing"
	"unsafe"

	"github.com/edgeinfer/edgeinfer/format"
)

// shuffleChain is a ShuffleNet unit's tail on x [1,5,3,32]: a = SLICE of
// x's channels 0-15 (x1 of x.chunk(2)), b = TANH of the SLICE of channels
// 16-31, u = CONCAT(a, b) on channels, RESHAPE to [1,5,3,2,16], TRANSPOSE
// to [1,5,3,16,2], RESHAPE to [1,5,3,32], then TANH of that. With swap the
// slices trade places (a = TANH of channels 0-15, b = channels 16-31: the
// in-place read starts at channel 16). With keep, u is also a graph output
// (which forbids the fusion). x and the TANH die before the transpose in
// the graph, so only the fused op's reads keep the arena from giving their
// bytes to the transpose's output.
func shuffleChain(keep, swap bool) *format.Model {
	g := newGraph()
	x0 := g.i8("x0", 0.05, 2, 1, 5, 3, 32)
	x := g.i8("x", 0.05, 2, 1, 5, 3, 32)
	g.op(format.OpTanh, "x", nil, x0, x)
	// a, read in place by the fused op, is channels [off, off+16) of x;
	// b is TANH of the other 16.
	off, other := 0, 16
	if swap {
		off, other = 16, 0
	}
	a := g.i8("a", 0.05, 2, 1, 5, 3, 16)
	g.op(format.OpSlice, "a", &format.SliceOptions{Begin: []int{0, 0, 0, off}, Size: []int{1, 5, 3, 16}}, x, a)
	x2 := g.i8("x2", 0.05, 2, 1, 5, 3, 16)
	g.op(format.OpSlice, "x2", &format.SliceOptions{Begin: []int{0, 0, 0, other}, Size: []int{1, 5, 3, 16}}, x, x2)
	b := g.i8("b", 0.05, 2, 1, 5, 3, 16)
	g.op(format.OpTanh, "b", nil, x2, b)
	u := g.i8("u", 0.05, 2, 1, 5, 3, 32)
	if swap {
		g.op(format.OpConcatenation, "u", &format.ConcatOptions{Axis: 3}, b, a, u)
	} else {
		g.op(format.OpConcatenation, "u", &format.ConcatOptions{Axis: 3}, a, b, u)
	}
	s := g.i8("s", 0.05, 2, 1, 5, 3, 2, 16)
	g.op(format.OpReshape, "s", nil, u, s)
	o := g.i8("o", 0.05, 2, 1, 5, 3, 16, 2)
	g.op(format.OpTranspose, "o", &format.TransposeOptions{Perm: []int{0, 1, 2, 4, 3}}, s, o)
	v := g.i8("v", 0.05, 2, 1, 5, 3, 32)
	g.op(format.OpReshape, "v", nil, o, v)
	y := g.i8("y", 1.0/128, 0, 1, 5, 3, 32)
	g.op(format.OpTanh, "y", nil, v, y)
	if keep {
		return g.io([]int{x0}, y, u)
	}
	return g.io([]int{x0}, y)
}

// TestFuseChannelShuffle checks that the slice-concatenate-reshape-
// transpose chain becomes one interleave reading the sliced half in place
// (and stays as it was when the concatenation's output has another
// reader), that its output is the unfused ops' byte for byte at 1 and 2
// threads with no allocation, and that the interleave's output shares no
// byte with the tensors it reads.
func TestFuseChannelShuffle(t *testing.T) {
	for _, swap := range []bool{false, true} {
		fused, plain := mustLoad(t, shuffleChain(false, swap)), mustLoad(t, shuffleChain(true, swap))
		// Ops: 0 x, 1 a (slice), 2 x2 (slice), 3 b, 4 u (concat), 5 s, 6 o (transpose), 7 v, 8 y.
		if got := kernelsOf(fused); got[1] != "fused" || got[2] != "Slice" || got[4] != "fused" || got[6] != "Interleave" {
			t.Errorf("swap %v: fused model's kernels %v: want slice a and the concatenation fused into an Interleave", swap, got)
		}
		if got := kernelsOf(plain); got[1] != "Slice" || got[4] != "Concat" || got[6] != "Transpose" {
			t.Errorf("swap %v: model with the concatenation kept as an output: kernels %v, want Slice, Concat and Transpose", swap, got)
		}
		x := make([]int8, 1*5*3*32)
		for i := range x {
			x[i] = int8(i*37 + 11)
		}
		checkFusedRuns(t, fused, plain, x, func(it *Interpreter, threads int) {
			// Tensors: 0 x0, 1 x, 2 a, 3 x2, 4 b, 5 u, 6 s, 7 o.
			o := it.mem.bytes[7]
			for _, in := range []int{1, 4} {
				if overlap(o, it.mem.bytes[in]) {
					t.Errorf("swap %v, threads %d: the interleave's output shares arena bytes with tensor %d, which it reads", swap, threads, in)
				}
			}
		})
	}
}

// overlap reports whether two byte slices share memory.
func overlap(p, q []byte) bool {
	if len(p) == 0 || len(q) == 0 {
		return false
	}
	p0, q0 := uintptr(unsafe.Pointer(&p[0])), uintptr(unsafe.Pointer(&q[0]))
	return p0 < q0+uintptr(len(q)) && q0 < p0+uintptr(len(p))
}
