package runtime

import (
	"fmt"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
)

// fusePointwiseMul rewrites every int8 MUL(x, f(x)), where f is a
// single-table pointwise op (LOGISTIC for SiLU/Swish, HARD_SIGMOID,
// TANH, ...) whose output only the MUL reads, into one table lookup over x:
// both ops are functions of one int8 value, so their composition is a
// 256-entry table, computed here by running the reference kernels on all
// 256 values, and the fused op's outputs are the unfused ops' bit for bit.
// It reads the tensor once and writes it once, where the pair read it three
// times and wrote it twice.
//
// f's op then runs nothing: it becomes a view of x (its output is never
// read), so the arena gives it no memory of its own.
func fusePointwiseMul(g *format.Model, ops []opPlan, variant kernels.Variant) {
	readers, producer := tensorUse(g, ops)
	for j := range g.Operators {
		mop := &g.Operators[j]
		if ops[j].mul == nil || len(mop.Inputs) != 2 {
			continue
		}
		for k, s := range mop.Inputs {
			x := mop.Inputs[1-k]
			i := producer[s]
			if i < 0 || ops[i].lut == nil || readers[s] != 1 || g.Operators[i].Inputs[0] != x ||
				g.Tensors[x].Data != nil || !sameShape(g, x, s, mop.Outputs[0]) {
				continue
			}
			table, ok := composeMulLUT(ops[i].lut, ops[j].mul, k == 0)
			if !ok {
				continue
			}
			n := g.Tensors[mop.Outputs[0]].Elements()
			ops[j] = fusedLUTPlan(table, x, mop.Outputs[0], n, variant)
			ops[j].detail = fmt.Sprintf("x*%s(x)", g.Operators[i].Op)
			ops[j].lookup.name = ops[j].detail
			if g.Operators[i].Op == format.OpLogistic {
				ops[j].lookup.name = "SiLU"
			}
			ops[i] = absorbedPlan()
			break
		}
	}
}

// absorbedPlan is the plan of an op whose work another op took over: a
// view of its first input (its output is never read), so the arena gives
// it no memory of its own, and nothing runs.
func absorbedPlan() opPlan {
	return opPlan{kernel: "fused", detail: "fused", alias: aliasView, absorbed: true}
}

// sameShape reports whether tensors a, b and c have one shape (no
// broadcasting between them).
func sameShape(g *format.Model, a, b, c int) bool {
	sa, sb, sc := g.Tensors[a].Shape, g.Tensors[b].Shape, g.Tensors[c].Shape
	if len(sa) != len(sb) || len(sa) != len(sc) {
		return false
	}
	for d := range sa {
		if sa[d] != sb[d] || sa[d] != sc[d] {
			return false
		}
	}
	return true
}

// composeMulLUT tabulates v -> MUL(v, f(v)) (fFirst: MUL(f(v), v)) for
// every int8 v with the reference kernels: f is the table lut (indexed by
// v+128), the MUL is kernels.MulInt8 with mul's constants.
func composeMulLUT(lut []int8, mul *kernels.MulInt8Params, fFirst bool) ([]int8, bool) {
	var x, fx [256]int8
	for i := range x {
		x[i] = int8(i - 128)
	}
	kernels.LUTInt8(&kernels.LUTParams{Elements: 256, Channels: 1, Table: lut}, x[:], fx[:], 0, 256)
	kp := *mul
	bc, err := kernels.NewBroadcast([]int{256}, []int{256}, []int{256})
	if err != nil {
		return nil, false
	}
	kp.Broadcast = bc
	a, b := x[:], fx[:]
	if fFirst {
		a, b = b, a
	}
	table := make([]int8, 256)
	kernels.MulInt8(&kp, a, b, table, 0, 256)
	return table, true
}

// fusedLUTPlan is the plan of a table lookup from tensor in to out (n
// elements) that replaces a fused pair of ops. Its lut stays nil: the
// tensor it reads is not its graph operator's first input, so it must not
// take part in another fusion as the pointwise op (its lookup names the
// tensor, for fuseConvTable).
func fusedLUTPlan(table []int8, in, out, n int, variant kernels.Variant) opPlan {
	kp := &kernels.LUTParams{Elements: n, Channels: 1, Table: table}
	plan := opPlan{kernel: "LUTInt8", units: n, work: int64(n), alias: aliasInPlace, inPlaceInputs: []int{in},
		lookup: &tableLookup{table: table, in: in}}
	if pr, ok := kernels.PrepareLUTInt8(variant, kp); ok {
		plan.vector = true
		plan.bind = func(mem *memory) func(lo, hi int) {
			x, y := mem.int8(in), mem.int8(out)
			return func(lo, hi int) { pr.Run(x, y, nil, lo, hi) }
		}
		return plan
	}
	plan.bind = func(mem *memory) func(lo, hi int) {
		x, y := mem.int8(in), mem.int8(out)
		return func(lo, hi int) { kernels.LUTInt8(kp, x, y, lo, hi) }
	}
	return plan
}
