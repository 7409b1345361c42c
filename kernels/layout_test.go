package kernels

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// randLayoutShape returns a shape of rank 1 to MaxRank with dimensions in
// [1, 5], now and then a 0.
func randLayoutShape(r *rand.Rand) []int {
	s := make([]int, 1+r.IntN(MaxRank))
	for d := range s {
		s[d] = 1 + r.IntN(5)
		if r.IntN(40) == 0 {
			s[d] = 0
		}
	}
	return s
}

var layoutElemSizes = []int{1, 2, 3, 4, 8}

// naiveLayout builds the output element by element: src maps an output
// multi-index to an input multi-index, or reports padding with ok false.
func naiveLayout(in []byte, inShape, outShape []int, es int, value []byte, src func(o, i []int) bool) []byte {
	out := make([]byte, elements(outShape)*es)
	o, i := make([]int, len(outShape)), make([]int, len(inShape))
	for k := range elements(outShape) {
		multiIndex(outShape, k, o)
		if !src(o, i) {
			copy(out[k*es:], value)
			continue
		}
		off := 0
		for d := range inShape {
			off = off*inShape[d] + i[d]
		}
		copy(out[k*es:(k+1)*es], in[off*es:])
	}
	return out
}

// rawLayout returns LayoutParams with the shapes as given, unmerged.
func rawLayout(inShape, outShape []int, es int) LayoutParams {
	p := LayoutParams{Rank: len(inShape), ElemSize: es}
	copy(p.InShape[:], inShape)
	copy(p.OutShape[:], outShape)
	return p
}

// runLayout runs a layout kernel through checkUnits and compares it with
// the naive result.
func runLayout(t *testing.T, r *rand.Rand, name string, p *LayoutParams, outShape []int, in, want []byte, run func(*LayoutParams, []byte, []byte, int, int)) {
	t.Helper()
	// The constructors merge dimensions: the shapes must hold the same
	// elements in no more dimensions.
	if p.Rank < 1 || p.Rank > max(len(outShape), 1) || elements(p.OutShape[:p.Rank]) != elements(outShape) {
		t.Fatalf("%s: OutShape %v for output shape %v", name, p.OutShape[:p.Rank], outShape)
	}
	rowBytes := p.OutShape[p.Rank-1] * p.ElemSize
	unitOf := func(i int) int { return i / rowBytes }
	got := checkUnitsBytes(t, r, len(want), p.Units(), unitOf, func(out []byte, lo, hi int) { run(p, in, out, lo, hi) })
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: got %v, want %v", name, got, want)
	}
}

func TestPad(t *testing.T) {
	r := newRand(10)
	for k := range 150 {
		inShape := randLayoutShape(r)
		es := layoutElemSizes[r.IntN(len(layoutElemSizes))]
		before, after := make([]int, len(inShape)), make([]int, len(inShape))
		outShape := make([]int, len(inShape))
		for d, n := range inShape {
			before[d], after[d] = r.IntN(5)-1, r.IntN(5)-1 // -1 crops
			if n+before[d]+after[d] < 0 {
				after[d] = -n - before[d]
			}
			outShape[d] = n + before[d] + after[d]
		}
		value := randBytes(r, es)
		in := randBytes(r, elements(inShape)*es)
		name := fmt.Sprintf("case %d: pad %v by %v/%v, %d-byte elements", k, inShape, before, after, es)
		p, err := NewPadParams(inShape, before, after, es, value)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := naiveLayout(in, inShape, outShape, es, value, func(o, i []int) bool {
			for d := range o {
				i[d] = o[d] - before[d]
				if i[d] < 0 || i[d] >= inShape[d] {
					return false
				}
			}
			return true
		})
		runLayout(t, r, name, &p, outShape, in, want, Pad)
		// The kernel also takes unmerged parameters (as a planner may fill
		// them in directly).
		raw := rawLayout(inShape, outShape, es)
		copy(raw.Before[:], before)
		copy(raw.After[:], after)
		copy(raw.Value[:], value)
		runLayout(t, r, name+" (unmerged)", &raw, outShape, in, want, Pad)
	}
}

func TestTranspose(t *testing.T) {
	r := newRand(11)
	for k := range 150 {
		inShape := randLayoutShape(r)
		es := layoutElemSizes[r.IntN(len(layoutElemSizes))]
		perm := r.Perm(len(inShape))
		outShape := make([]int, len(inShape))
		for d, s := range perm {
			outShape[d] = inShape[s]
		}
		in := randBytes(r, elements(inShape)*es)
		name := fmt.Sprintf("case %d: transpose %v by %v, %d-byte elements", k, inShape, perm, es)
		p, err := NewTransposeParams(inShape, perm, es)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := naiveLayout(in, inShape, outShape, es, nil, func(o, i []int) bool {
			for d, s := range perm {
				i[s] = o[d]
			}
			return true
		})
		runLayout(t, r, name, &p, outShape, in, want, Transpose)
		raw := rawLayout(inShape, outShape, es)
		copy(raw.Perm[:], perm)
		runLayout(t, r, name+" (unmerged)", &raw, outShape, in, want, Transpose)
	}
}

func TestSlice(t *testing.T) {
	r := newRand(12)
	for k := range 150 {
		inShape := randLayoutShape(r)
		es := layoutElemSizes[r.IntN(len(layoutElemSizes))]
		begin, size, step := make([]int, len(inShape)), make([]int, len(inShape)), make([]int, len(inShape))
		for d, n := range inShape {
			step[d] = []int{1, 1, 2, 3, -1, -2}[r.IntN(6)]
			if n == 0 {
				continue
			}
			begin[d] = r.IntN(n)
			most := (n-1-begin[d])/step[d] + 1 // indices begin, begin+step, ... below n
			if step[d] < 0 {
				most = begin[d]/-step[d] + 1 // ... down to 0
			}
			size[d] = r.IntN(most + 1)
		}
		in := randBytes(r, elements(inShape)*es)
		name := fmt.Sprintf("case %d: slice %v from %v size %v step %v, %d-byte elements", k, inShape, begin, size, step, es)
		p, err := NewSliceParams(inShape, begin, size, step, es)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := naiveLayout(in, inShape, size, es, nil, func(o, i []int) bool {
			for d := range o {
				i[d] = begin[d] + o[d]*step[d]
			}
			return true
		})
		runLayout(t, r, name, &p, size, in, want, Slice)
		raw := rawLayout(inShape, size, es)
		copy(raw.Begin[:], begin)
		copy(raw.Step[:], step)
		runLayout(t, r, name+" (unmerged)", &raw, size, in, want, Slice)
	}
}

func TestConcat(t *testing.T) {
	r := newRand(13)
	for k := range 150 {
		shape := randLayoutShape(r)
		es := layoutElemSizes[r.IntN(len(layoutElemSizes))]
		axis := r.IntN(len(shape))
		shapes := make([][]int, 1+r.IntN(4))
		ins := make([][]byte, len(shapes))
		outShape := slices.Clone(shape)
		outShape[axis] = 0
		for i := range shapes {
			shapes[i] = slices.Clone(shape)
			shapes[i][axis] = r.IntN(4)
			outShape[axis] += shapes[i][axis]
			ins[i] = randBytes(r, elements(shapes[i])*es)
		}
		name := fmt.Sprintf("case %d: concat %v along %d, %d-byte elements", k, shapes, axis, es)
		axisArg := axis
		if r.IntN(2) == 0 {
			axisArg -= len(shape) // the same axis counted from the end
		}
		p, err := NewConcatParams(shapes, axisArg, es)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// Naive: output index o along the axis belongs to the input whose
		// range of the concatenated axis holds it.
		want := make([]byte, elements(outShape)*es)
		o := make([]int, len(outShape))
		for j := range elements(outShape) {
			multiIndex(outShape, j, o)
			at, i := o[axis], 0
			for at >= shapes[i][axis] {
				at -= shapes[i][axis]
				i++
			}
			off := 0
			for d := range shape {
				x := o[d]
				if d == axis {
					x = at
				}
				off = off*shapes[i][d] + x
			}
			copy(want[j*es:(j+1)*es], ins[i][off*es:])
		}
		if p.Units() != elements(outShape[:axis]) {
			t.Fatalf("%s: %d units, want %d", name, p.Units(), elements(outShape[:axis]))
		}
		rowBytes := len(want) / max(p.Units(), 1)
		got := checkUnitsBytes(t, r, len(want), p.Units(), func(i int) int { return i / rowBytes },
			func(out []byte, lo, hi int) { Concat(&p, ins, out, lo, hi) })
		if !bytes.Equal(got, want) {
			t.Fatalf("%s: got %v, want %v", name, got, want)
		}
	}
}

func TestLayoutHandWorked(t *testing.T) {
	in := []byte{1, 2, 3, 4, 5, 6} // [[1 2 3] [4 5 6]]
	run := func(name string, p LayoutParams, err error, kernel func(*LayoutParams, []byte, []byte, int, int), src []byte, want []byte) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out := make([]byte, len(want))
		kernel(&p, src, out, 0, p.Units())
		if !bytes.Equal(out, want) {
			t.Errorf("%s: got %v, want %v", name, out, want)
		}
	}
	p, err := NewPadParams([]int{2, 3}, []int{1, 0}, []int{0, 2}, 1, []byte{9})
	run("pad", p, err, Pad, in, []byte{9, 9, 9, 9, 9, 1, 2, 3, 9, 9, 4, 5, 6, 9, 9})
	p, err = NewPadParams([]int{2, 3}, []int{0, -1}, []int{-1, 1}, 1, []byte{7})
	run("crop and pad", p, err, Pad, in, []byte{2, 3, 7})
	p, err = NewPadParams([]int{3}, []int{1}, []int{1}, 2, []byte{0xaa, 0xbb})
	run("pad 2-byte", p, err, Pad, in, []byte{0xaa, 0xbb, 1, 2, 3, 4, 5, 6, 0xaa, 0xbb})
	p, err = NewTransposeParams([]int{2, 3}, []int{1, 0}, 1)
	run("transpose", p, err, Transpose, in, []byte{1, 4, 2, 5, 3, 6})
	// NHWC [1,2,2,3] to NCHW: channel planes.
	nhwc := []byte{10, 20, 30, 11, 21, 31, 12, 22, 32, 13, 23, 33}
	p, err = NewTransposeParams([]int{1, 2, 2, 3}, []int{0, 3, 1, 2}, 1)
	run("NHWC to NCHW", p, err, Transpose, nhwc, []byte{10, 11, 12, 13, 20, 21, 22, 23, 30, 31, 32, 33})
	p, err = NewSliceParams([]int{2, 3}, []int{1, 2}, []int{1, 2}, []int{1, -2}, 1)
	run("slice backwards", p, err, Slice, in, []byte{6, 4})
	p, err = NewSliceParams([]int{6}, []int{1}, []int{3}, nil, 1)
	run("slice", p, err, Slice, in, []byte{2, 3, 4})
	p, err = NewTransposeParams(nil, nil, 4)
	run("scalar transpose", p, err, Transpose, []byte{1, 2, 3, 4}, []byte{1, 2, 3, 4})
	c, err := NewConcatParams([][]int{{2, 1}, {2, 2}}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 6)
	Concat(&c, [][]byte{{1, 2}, {3, 4, 5, 6}}, out, 0, c.Units())
	if want := []byte{1, 3, 4, 2, 5, 6}; !bytes.Equal(out, want) {
		t.Errorf("concat: got %v, want %v", out, want)
	}
}

// TestLayoutMerge: the constructors turn CNN-shaped layout ops into few
// long rows.
func TestLayoutMerge(t *testing.T) {
	check := func(name string, p LayoutParams, err error, in, out []int) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !slices.Equal(p.InShape[:p.Rank], in) || !slices.Equal(p.OutShape[:p.Rank], out) {
			t.Errorf("%s: %v -> %v, want %v -> %v", name, p.InShape[:p.Rank], p.OutShape[:p.Rank], in, out)
		}
	}
	p, err := NewPadParams([]int{1, 56, 56, 24}, []int{0, 1, 1, 0}, []int{0, 1, 1, 0}, 1, []byte{0})
	check("pad H, W", p, err, []int{1, 56, 56 * 24}, []int{1, 58, 58 * 24})
	if p.Before[2] != 24 || p.After[2] != 24 || p.Before[1] != 1 {
		t.Errorf("pad H, W: before %v after %v, want W's amounts times 24", p.Before[:3], p.After[:3])
	}
	p, err = NewTransposeParams([]int{1, 56, 56, 24}, []int{0, 3, 1, 2}, 1)
	check("NHWC to NCHW", p, err, []int{56 * 56, 24}, []int{24, 56 * 56})
	if p.Perm[0] != 1 || p.Perm[1] != 0 {
		t.Errorf("NHWC to NCHW: perm %v, want [1 0]", p.Perm[:2])
	}
	p, err = NewTransposeParams([]int{2, 3, 4}, []int{0, 1, 2}, 1)
	check("identity transpose", p, err, []int{24}, []int{24})
	p, err = NewSliceParams([]int{1, 56, 56, 24}, []int{0, 8, 0, 0}, []int{1, 40, 56, 24}, nil, 1)
	check("slice H", p, err, []int{1, 56 * 56 * 24}, []int{1, 40 * 56 * 24})
	if p.Begin[1] != 8*56*24 || p.Step[1] != 1 {
		t.Errorf("slice H: begin %d step %d, want %d 1", p.Begin[1], p.Step[1], 8*56*24)
	}
	p, err = NewSliceParams([]int{4, 6, 5}, []int{3, 1, 0}, []int{2, 2, 5}, []int{-1, 2, 1}, 1)
	check("strided slice", p, err, []int{4, 6, 5}, []int{2, 2, 5}) // step 2 rows are not one block
}

func TestLayoutParamsErrors(t *testing.T) {
	errOf := func(_ LayoutParams, err error) error { return err }
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"pad rank", errOf(NewPadParams([]int{1, 2, 3, 4, 5, 6, 7}, make([]int, 7), make([]int, 7), 1, []byte{0})), "above the maximum"},
		{"pad amounts", errOf(NewPadParams([]int{2, 3}, []int{1}, []int{1, 1}, 1, []byte{0})), "before and"},
		{"pad crop", errOf(NewPadParams([]int{2, 3}, []int{0, -2}, []int{0, -2}, 1, []byte{0})), "crops more"},
		{"pad value", errOf(NewPadParams([]int{2}, []int{1}, []int{1}, 4, []byte{0})), "pad value"},
		{"pad elem", errOf(NewPadParams([]int{2}, []int{1}, []int{1}, 0, nil)), "0-byte"},
		{"negative dim", errOf(NewTransposeParams([]int{2, -3}, []int{1, 0}, 1)), "negative"},
		{"perm length", errOf(NewTransposeParams([]int{2, 3}, []int{0}, 1)), "permutation"},
		{"perm repeat", errOf(NewTransposeParams([]int{2, 3}, []int{1, 1}, 1)), "not a permutation"},
		{"perm range", errOf(NewTransposeParams([]int{2, 3}, []int{0, 2}, 1)), "not a permutation"},
		{"slice step 0", errOf(NewSliceParams([]int{4}, []int{0}, []int{2}, []int{0}, 1)), "step 0"},
		{"slice past end", errOf(NewSliceParams([]int{4}, []int{1}, []int{2}, []int{3}, 1)), "reads indices 1 to 4"},
		{"slice before start", errOf(NewSliceParams([]int{4}, []int{1}, []int{3}, []int{-1}, 1)), "reads indices 1 to -1"},
		{"slice begin", errOf(NewSliceParams([]int{4}, []int{4}, []int{1}, nil, 1)), "reads indices 4 to 4"},
		{"slice size", errOf(NewSliceParams([]int{4}, []int{0}, []int{-1}, nil, 1)), "negative size"},
		{"slice lengths", errOf(NewSliceParams([]int{4, 4}, []int{0}, []int{1, 1}, nil, 1)), "begins"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, c.err, c.want)
		}
	}
	for _, c := range []struct {
		name   string
		shapes [][]int
		axis   int
		want   string
	}{
		{"none", nil, 0, "no inputs"},
		{"axis", [][]int{{2, 3}}, 2, "out of range"},
		{"axis negative", [][]int{{2, 3}}, -3, "out of range"},
		{"rank", [][]int{{2, 3}, {2}}, 0, "rank 1"},
		{"off-axis", [][]int{{2, 3}, {3, 3}}, 1, "dimension 0 differs"},
		{"negative", [][]int{{2, 3}, {2, -1}}, 1, "negative"},
	} {
		_, err := NewConcatParams(c.shapes, c.axis, 1)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("concat %s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestLayoutAllocs(t *testing.T) {
	in := make([]byte, 2*9*7*5*4)
	out := make([]byte, 4*11*9*5*4)
	pad, _ := NewPadParams([]int{2, 9, 7, 5}, []int{1, 1, 1, 0}, []int{1, 1, 1, 0}, 4, []byte{1, 2, 3, 4})
	tr, _ := NewTransposeParams([]int{2, 9, 7, 5}, []int{0, 3, 1, 2}, 4)
	sl, _ := NewSliceParams([]int{2, 9, 7, 5}, []int{0, 8, 1, 4}, []int{2, 4, 3, 2}, []int{1, -2, 2, -3}, 4)
	c, _ := NewConcatParams([][]int{{2, 9, 7, 3}, {2, 9, 7, 2}}, 3, 4)
	ins := [][]byte{in[:2*9*7*3*4], in[:2*9*7*2*4]}
	checkNoAllocs(t, "Pad", func() { Pad(&pad, in, out, 1, pad.Units()) })
	checkNoAllocs(t, "Transpose", func() { Transpose(&tr, in, out, 0, tr.Units()-1) })
	checkNoAllocs(t, "Slice", func() { Slice(&sl, in, out, 2, sl.Units()) })
	checkNoAllocs(t, "Concat", func() { Concat(&c, ins, out, 0, c.Units()) })
}

func BenchmarkTransposeNHWCToNCHW(b *testing.B) {
	p, _ := NewTransposeParams([]int{1, 56, 56, 24}, []int{0, 3, 1, 2}, 1)
	in, out := make([]byte, 56*56*24), make([]byte, 56*56*24)
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		Transpose(&p, in, out, 0, p.Units())
	}
}

func BenchmarkPad(b *testing.B) {
	p, _ := NewPadParams([]int{1, 56, 56, 24}, []int{0, 1, 1, 0}, []int{0, 1, 1, 0}, 1, []byte{0x80})
	in, out := make([]byte, 56*56*24), make([]byte, 58*58*24)
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		Pad(&p, in, out, 0, p.Units())
	}
}

// TestTransposeInnerBytes covers the swap-the-last-two fast path on the
// shapes models give it (ShuffleNet's channel shuffle [1,H,W,2,C] to
// [1,H,W,C,2], NHWC to NCHW) and odd ones, against the naive gather, with
// random unit splits (runLayout).
func TestTransposeInnerBytes(t *testing.T) {
	r := newRand(12)
	cases := []struct{ shape, perm []int }{
		{[]int{1, 28, 28, 2, 58}, []int{0, 1, 2, 4, 3}},
		{[]int{1, 7, 7, 2, 232}, []int{0, 1, 2, 4, 3}},
		{[]int{1, 3, 5, 2, 7}, []int{0, 1, 2, 4, 3}},
		{[]int{1, 4, 3, 2, 16}, []int{0, 1, 2, 4, 3}},
		{[]int{2, 3, 3, 2, 33}, []int{0, 1, 2, 4, 3}},
		{[]int{1, 5, 3, 7}, []int{0, 3, 1, 2}},
		{[]int{2, 5, 3, 7}, []int{0, 3, 1, 2}},
		{[]int{3, 1, 9}, []int{0, 2, 1}},
		{[]int{13, 1}, []int{1, 0}},
		{[]int{4, 3, 2, 5}, []int{0, 1, 3, 2}},
	}
	hits := 0
	for k, c := range cases {
		outShape := make([]int, len(c.shape))
		for d, s := range c.perm {
			outShape[d] = c.shape[s]
		}
		in := randBytes(r, elements(c.shape))
		p, err := NewTransposeParams(c.shape, c.perm, 1)
		if err != nil {
			t.Fatal(err)
		}
		last := p.Rank - 1
		if last >= 1 && p.Perm[last] == last-1 && p.Perm[last-1] == last && (last == 1 || p.Perm[0] == 0) {
			hits++
		}
		want := naiveLayout(in, c.shape, outShape, 1, nil, func(o, i []int) bool {
			for d, s := range c.perm {
				i[s] = o[d]
			}
			return true
		})
		runLayout(t, r, fmt.Sprintf("case %d: transpose %v by %v", k, c.shape, c.perm), &p, outShape, in, want, Transpose)
		for _, v := range Variants() {
			runLayout(t, r, fmt.Sprintf("case %d: %s transpose %v by %v", k, v, c.shape, c.perm), &p, outShape, in, want, TransposeFor(v))
		}
	}
	if hits < 8 {
		t.Errorf("only %d of %d cases reach the fast path", hits, len(cases))
	}
}

// BenchmarkTransposeChannelShuffle times ShuffleNetV2's channel shuffles
// (stages 2-4 of x1.0) with each variant's interleave; byteLoop is the
// byte-by-byte interleave the portable path had before.
func BenchmarkTransposeChannelShuffle(b *testing.B) {
	byteLoop := func(p *LayoutParams, in, out []byte, lo, hi int) {
		transpose(p, in, out, lo, hi, func(dst, x, y []byte) {
			for k := range x {
				dst[2*k], dst[2*k+1] = x[k], y[k]
			}
		})
	}
	for _, hwc := range [][2]int{{28, 58}, {14, 116}, {7, 232}} {
		shape := []int{1, hwc[0], hwc[0], 2, hwc[1]}
		p, err := NewTransposeParams(shape, []int{0, 1, 2, 4, 3}, 1)
		if err != nil {
			b.Fatal(err)
		}
		in, out := make([]byte, elements(shape)), make([]byte, elements(shape))
		runs := map[string]func(*LayoutParams, []byte, []byte, int, int){"byteLoop": byteLoop}
		for _, v := range Variants() {
			runs[string(v)] = TransposeFor(v)
		}
		for _, name := range slices.Sorted(maps.Keys(runs)) {
			b.Run(fmt.Sprintf("%dx%dx%d/%s", hwc[0], hwc[0], 2*hwc[1], name), func(b *testing.B) {
				b.SetBytes(int64(len(in)))
				b.ReportAllocs()
				for b.Loop() {
					runs[name](&p, in, out, 0, p.Units())
				}
			})
		}
	}
}

// TestInterleaveBytesSWAR checks the portable interleave against the
// definition at every length to 100 and source misalignment to 8.
func TestInterleaveBytesSWAR(t *testing.T) {
	r := newRand(13)
	for n := range 101 {
		for off := range 8 {
			src := randBytes(r, 2*n+2*off+1)
			x, y := src[off:][:n], src[n+2*off:][:n]
			got := randBytes(r, 2*n+1)
			last := got[2*n]
			interleaveBytesSWAR(got[:2*n], x, y)
			for k := range n {
				if got[2*k] != x[k] || got[2*k+1] != y[k] {
					t.Fatalf("n %d offset %d: pair %d is %d, %d; want %d, %d", n, off, k, got[2*k], got[2*k+1], x[k], y[k])
				}
			}
			if got[2*n] != last {
				t.Fatalf("n %d: wrote past 2n", n)
			}
		}
	}
}
