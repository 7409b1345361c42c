package runtime

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
)

// checkArena fails the test when arenaViolation finds one.
func checkArena(t *testing.T, m *Model) {
	t.Helper()
	if err := arenaViolation(m); err != nil {
		t.Fatal(err)
	}
}

// arenaViolation replays the model's execution on its arena layout,
// tracking which tensor's value each 64-byte block holds, and reports an
// op that reads a tensor whose memory was overwritten, a graph input or
// output overwritten before the run ends, or a buffer misaligned or out of
// the arena. It is independent of how planArena reasons about lifetimes.
func arenaViolation(m *Model) error {
	g := m.graph
	value := make([]int, len(g.Tensors)) // the value a tensor's bytes hold: itself, or what it views
	for i := range value {
		value[i] = i
	}
	holder := map[int]int{} // block -> value stored there
	blocks := func(x int) (int, int) {
		off := m.arena.offset[x]
		return off / alignment, (off + alignUp(g.Tensors[x].Bytes())) / alignment
	}
	activation := func(x int) bool { return x >= 0 && g.Tensors[x].Data == nil }
	write := func(x int) error {
		off := m.arena.offset[x]
		if off < 0 || off%alignment != 0 || off+g.Tensors[x].Bytes() > m.arena.size {
			return fmt.Errorf("tensor %d %q at offset %d (%d bytes) in a %d-byte arena", x, g.Tensors[x].Name, off, g.Tensors[x].Bytes(), m.arena.size)
		}
		lo, hi := blocks(x)
		for b := lo; b < hi; b++ {
			holder[b] = value[x]
		}
		return nil
	}
	read := func(when string, x int) error {
		lo, hi := blocks(x)
		for b := lo; b < hi; b++ {
			if h, ok := holder[b]; !ok || h != value[x] {
				return fmt.Errorf("%s reads tensor %d %q, but block %d holds tensor %d", when, x, g.Tensors[x].Name, b, h)
			}
		}
		return nil
	}
	for _, x := range g.Inputs {
		if err := write(x); err != nil {
			return err
		}
	}
	for i, op := range g.Operators {
		when := fmt.Sprintf("op %d %q", i, op.Name)
		for _, x := range op.Inputs {
			if activation(x) {
				if err := read(when, x); err != nil {
					return err
				}
			}
		}
		if m.ops[i].alias == aliasView && activation(op.Inputs[0]) {
			value[op.Outputs[0]] = value[op.Inputs[0]]
			if err := read(when+" (view)", op.Outputs[0]); err != nil {
				return err
			}
			continue
		}
		if err := write(op.Outputs[0]); err != nil {
			return err
		}
	}
	for _, x := range g.Inputs {
		if err := read("the end of the run (graph input)", x); err != nil {
			return err
		}
	}
	for _, x := range g.Outputs {
		if activation(x) {
			if err := read("the end of the run (graph output)", x); err != nil {
				return err
			}
		}
	}
	return nil
}

// TestArenaViolationDetects makes sure the checker can fail: moving a
// tensor onto one that is still needed must be reported.
func TestArenaViolationDetects(t *testing.T) {
	g := newGraph()
	in := g.i8("in", 0.1, 0, 1, 64)
	a := g.i8("a", 0.1, 0, 1, 64)
	g.op(format.OpClamp, "a", &format.ClampOptions{Min: 0, Max: 6}, in, a)
	b := g.i8("b", 0.1, 0, 1, 64)
	g.op(format.OpClamp, "b", &format.ClampOptions{Min: 0, Max: 1}, a, b)
	c := g.i8("c", 0.2, 0, 1, 64)
	g.op(format.OpAdd, "c", &format.ElementwiseOptions{}, a, b, c)
	m := mustLoad(t, g.io([]int{in}, c))
	if err := arenaViolation(m); err != nil {
		t.Fatalf("planned arena: %v", err)
	}
	m.arena.offset[b] = m.arena.offset[a] // b overwrites a, which op 2 still reads
	if err := arenaViolation(m); err == nil {
		t.Error("b placed over a (read later) was not reported")
	}
	m.arena.offset[b] = m.arena.offset[in] // b overwrites the graph input
	if err := arenaViolation(m); err == nil {
		t.Error("b placed over the graph input was not reported")
	}
}

// mobileNetV2Like builds inverted-residual blocks (expand 1x1, ReLU6,
// depthwise 3x3, ReLU6, project 1x1, residual add) with stride-2 blocks in
// between: the liveness pattern of the models the runtime targets. The
// activations are CLAMP ops, so the in-place path is exercised.
func mobileNetV2Like(r *rand.Rand) *format.Model {
	g := newGraph()
	h, c := 32, 8
	x := g.i8("input", 0.05, 3, 1, h, h, c)
	in := x
	conv := func(name string, src, outC, k, stride, groups int) int {
		inC := g.m.Tensors[src].Shape[3]
		oh := (g.m.Tensors[src].Shape[1]-1)/stride + 1
		w := g.tensor(name+".w", format.Int8, []int{outC, k, k, inC / groups}, perTensor(0.02, 0),
			int8Bytes(randInt8(r, outC*k*k*inC/groups, -127, 127)))
		b := g.tensor(name+".b", format.Int32, []int{outC}, perTensor(0.001, 0), int32Bytes(randInt32(r, outC, -500, 500)))
		out := g.i8(name, 0.05, -5, 1, oh, oh, outC)
		pad := k / 2
		g.op(format.OpConv2D, name, &format.Conv2DOptions{StrideH: stride, StrideW: stride, DilationH: 1, DilationW: 1,
			PadTop: pad, PadLeft: pad, PadBottom: pad, PadRight: pad, Groups: groups}, src, w, b, out)
		return out
	}
	relu6 := func(name string, src int) int {
		s := g.m.Tensors[src].Shape
		out := g.i8(name, 0.05, -5, s...)
		g.op(format.OpClamp, name, &format.ClampOptions{Min: 0, Max: 6}, src, out)
		return out
	}
	for block := range 6 {
		stride := 1
		if block%2 == 1 {
			stride = 2
		}
		name := fmt.Sprintf("block%d", block)
		e := relu6(name+".expand.relu", conv(name+".expand", x, 6*c, 1, 1, 1))
		d := relu6(name+".dw.relu", conv(name+".dw", e, 6*c, 3, stride, 6*c))
		outC := c
		if stride == 2 {
			outC = c + 8
		}
		p := conv(name+".project", d, outC, 1, 1, 1)
		if stride == 1 {
			s := g.m.Tensors[p].Shape
			sum := g.i8(name+".add", 0.08, 0, s...)
			g.op(format.OpAdd, name+".add", &format.ElementwiseOptions{}, x, p, sum)
			p = sum
		}
		x, c = p, outC
	}
	s := g.m.Tensors[x].Shape
	flat := g.tensor("flatten", format.Int8, []int{1, s[1] * s[2] * s[3]}, g.m.Tensors[x].Quant, nil)
	g.op(format.OpReshape, "flatten", nil, x, flat)
	return g.io([]int{in}, flat)
}

func TestArenaMobileNetV2Like(t *testing.T) {
	m := mustLoad(t, mobileNetV2Like(rand.New(rand.NewPCG(1, 2))))
	checkArena(t, m)
	ratio := float64(m.ArenaBytes()) / float64(m.ArenaLowerBound())
	t.Logf("arena %d bytes, lower bound %d (%.3fx), strategy %s", m.ArenaBytes(), m.ArenaLowerBound(), ratio, m.ArenaStrategy())
	if ratio > 1.1 {
		t.Errorf("arena %d bytes is %.3fx the lower bound %d; want <= 1.1x", m.ArenaBytes(), ratio, m.ArenaLowerBound())
	}
	inPlace, fused := 0, 0
	for _, op := range m.Ops() {
		if op.InPlace {
			inPlace++
			if op.Op != format.OpClamp && op.Op != format.OpAdd {
				t.Errorf("op %d %s runs in place", op.Index, op.Op)
			}
		}
		if op.Kernel == "fused" {
			fused++
		}
	}
	// Every ReLU6 (12) is a table its convolution applies (fuse_conv.go),
	// and every residual add (3) can overwrite its dying input.
	if inPlace != 3 || fused != 12 {
		t.Errorf("%d ops run in place and %d are fused, want 3 and 12", inPlace, fused)
	}
}

// randomGraph builds a random DAG of int8 ops over [1,H,W,C] tensors:
// CLAMP (in-place candidate), ADD of two earlier tensors, 1x1 CONV_2D
// changing channels, RESHAPE (a view) and MAX_POOL_2D, with some earlier
// tensors kept as extra graph outputs.
func randomGraph(r *rand.Rand, ops int) *format.Model {
	g := newGraph()
	var live []int
	add := func(x int) { live = append(live, x) }
	in := g.i8("in", 0.1, 0, 1, 8, 8, 4)
	add(in)
	pick := func() int { return live[len(live)-1-r.IntN(min(len(live), 4))] }
	var outputs []int
	for i := range ops {
		name := fmt.Sprintf("op%d", i)
		x := pick()
		s := g.m.Tensors[x].Shape
		switch r.IntN(5) {
		case 0:
			out := g.i8(name, 0.1, 0, s...)
			g.op(format.OpClamp, name, &format.ClampOptions{Min: 0, Max: 6}, x, out)
			add(out)
		case 1:
			y := -1
			for _, c := range live {
				if slicesEqual(g.m.Tensors[c].Shape, s) && c != x {
					y = c
				}
			}
			if y < 0 {
				y = x
			}
			out := g.i8(name, 0.2, 0, s...)
			g.op(format.OpAdd, name, &format.ElementwiseOptions{}, x, y, out)
			add(out)
		case 2:
			oc := 2 + 2*r.IntN(4)
			w := g.tensor(name+".w", format.Int8, []int{oc, 1, 1, s[3]}, perTensor(0.01, 0), int8Bytes(randInt8(r, oc*s[3], -127, 127)))
			out := g.i8(name, 0.1, 0, s[0], s[1], s[2], oc)
			g.op(format.OpConv2D, name, &format.Conv2DOptions{StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, Groups: 1}, x, w, -1, out)
			add(out)
		case 3:
			out := g.tensor(name, format.Int8, []int{s[0], s[2], s[1], s[3]}, g.m.Tensors[x].Quant, nil)
			g.op(format.OpReshape, name, nil, x, out)
			add(out)
		case 4:
			if s[1] < 2 || s[2] < 2 {
				continue
			}
			out := g.tensor(name, format.Int8, []int{s[0], s[1] / 2, s[2] / 2, s[3]}, g.m.Tensors[x].Quant, nil)
			g.op(format.OpMaxPool2D, name, &format.Pool2DOptions{KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, DilationH: 1, DilationW: 1}, x, out)
			add(out)
		}
		if r.IntN(10) == 0 && live[len(live)-1] != in {
			outputs = append(outputs, live[len(live)-1])
		}
	}
	last := live[len(live)-1]
	if !slicesContain(outputs, last) && last != in {
		outputs = append(outputs, last)
	}
	return g.io([]int{in}, outputs...)
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func slicesContain(s []int, x int) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func TestArenaRandomGraphs(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	worst := 0.0
	for i := range 200 {
		fm := randomGraph(r, 5+r.IntN(30))
		m, err := LoadModel(fm)
		if err != nil {
			t.Fatalf("graph %d: %v", i, err)
		}
		checkArena(t, m)
		if m.ArenaBytes() < m.ArenaLowerBound() {
			t.Fatalf("graph %d: arena %d below the lower bound %d", i, m.ArenaBytes(), m.ArenaLowerBound())
		}
		worst = max(worst, float64(m.ArenaBytes())/float64(m.ArenaLowerBound()))
	}
	t.Logf("worst arena / lower bound over 200 random graphs: %.3f", worst)
}

func TestInPlaceRules(t *testing.T) {
	g := newGraph()
	in := g.i8("in", 0.1, 0, 1, 4, 4, 8)
	a := g.i8("a", 0.1, 0, 1, 4, 4, 8)
	g.op(format.OpClamp, "relu_of_input", &format.ClampOptions{Min: 0, Max: 6}, in, a) // input is pinned: not in place
	b := g.i8("b", 0.1, 0, 1, 4, 4, 8)
	g.op(format.OpClamp, "relu_a", &format.ClampOptions{Min: 0, Max: 6}, a, b) // a still used by op 3: not in place
	c := g.i8("c", 0.2, 0, 1, 4, 4, 8)
	g.op(format.OpAdd, "add", &format.ElementwiseOptions{}, a, b, c) // a and b die here: in place
	v := g.i8("v", 0.2, 0, 1, 128)
	g.op(format.OpReshape, "flatten", nil, c, v) // view
	d := g.i8("d", 0.2, 0, 1, 128)
	g.op(format.OpClamp, "relu_v", &format.ClampOptions{Min: 0, Max: 6}, v, d) // v (and c) die here: in place
	m := mustLoad(t, g.io([]int{in}, d))
	checkArena(t, m)
	want := []bool{false, false, true, false, true}
	for i, op := range m.Ops() {
		if op.InPlace != want[i] {
			t.Errorf("op %d %q: in place %v, want %v", i, op.Name, op.InPlace, want[i])
		}
	}
	off := m.arena.offset
	if off[v] != off[c] {
		t.Errorf("reshape output at %d, its input at %d: want the same memory", off[v], off[c])
	}
	if off[d] != off[v] {
		t.Errorf("in-place clamp output at %d, its input at %d", off[d], off[v])
	}
	if off[c] != off[a] && off[c] != off[b] {
		t.Errorf("in-place add output at %d, inputs at %d and %d", off[c], off[a], off[b])
	}
	if m.Ops()[3].Kernel != "view" {
		t.Errorf("reshape kernel %q, want view", m.Ops()[3].Kernel)
	}
}

// TestOutputNotOverwritten: a graph output that is also consumed by the
// last op must keep its value, so that op cannot run in place.
func TestOutputNotOverwritten(t *testing.T) {
	g := newGraph()
	in := g.i8("in", 0.1, 0, 1, 64)
	a := g.i8("a", 0.1, 0, 1, 64)
	g.op(format.OpClamp, "a", &format.ClampOptions{Min: 0, Max: 6}, in, a)
	b := g.i8("b", 0.1, 0, 1, 64)
	g.op(format.OpClamp, "b", &format.ClampOptions{Min: 0, Max: 1}, a, b)
	m := mustLoad(t, g.io([]int{in}, a, b))
	checkArena(t, m)
	if m.Ops()[1].InPlace {
		t.Error("op 1 overwrites graph output a")
	}
}
