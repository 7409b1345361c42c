package runtime

import (
	"errors"
	"fmt"
	"strings"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
)

// opPlan is one operator resolved at load time: the kernel, its
// parameters (captured by bind) and what the arena planner and the
// scheduler need to know.
type opPlan struct {
	kernel string // kernel function name (Ops, errors, profiles)
	detail string // shape class for profiles ("1x1", "dw 3x3/2", ...); may be empty
	units  int    // the kernel's work units: [0, units) is split across threads
	work   int64  // rough operation count, to decide how many threads pay off
	macs   int64
	// wholeShares: claim each thread's share in one call (the kernel
	// repeats per-call work; kernels.PreparedInt8.WholeShares).
	wholeShares bool
	// minGrain: the fewest units per call where the split can choose
	// (kernels.PreparedInt8.MinGrain); 0 or 1: any.
	minGrain int

	// vector: a vector kernel of the model's variant computes the op, not
	// a reference kernel of package kernels (profiles report which).
	vector bool

	alias         aliasKind
	inPlaceInputs []int // tensors the output may overwrite (aliasInPlace)
	// reads lists tensors a fused op reads that its graph operator does
	// not name as inputs (fuseChannelShuffle): the arena keeps them alive
	// until this op.
	reads []int

	// What plan-time fusion (fuse.go) needs to know: lut is the table of
	// an int8 pointwise op with one table, mul the parameters of an int8
	// MUL. nil otherwise.
	lut []int8
	mul *kernels.MulInt8Params

	// lookup is set on every op that is one int8 table lookup (a
	// single-table pointwise op or a fused MUL(x, f(x))), conv on int8
	// convolutions: fuseConvTable (fuse_conv.go) folds the first into the
	// second. absorbed marks an op whose work another op took over (a
	// view whose output nothing reads).
	lookup   *tableLookup
	conv     *convOutput
	absorbed bool

	// bind returns the op's kernel call on one interpreter's memory, for
	// units [lo, hi). nil for views, which run nothing.
	bind func(mem *memory) func(lo, hi int)
}

// memory maps tensor indices to bytes for one interpreter: constants from
// the model, activations from the interpreter's arena.
type memory struct {
	bytes [][]byte

	// threads is the interpreter's thread count and scratch its per-call
	// scratch buffers (im2col, packed activations) for the kernels that
	// need them; see scratchPool.
	threads int
	scratch scratchPool
}

func (m *memory) raw(t int) []byte {
	if t < 0 {
		return nil
	}
	return m.bytes[t]
}
func (m *memory) int8(t int) []int8       { return int8s(m.raw(t)) }
func (m *memory) int32(t int) []int32     { return int32s(m.raw(t)) }
func (m *memory) float32(t int) []float32 { return float32s(m.raw(t)) }
func (m *memory) uint16(t int) []uint16   { return uint16s(m.raw(t)) }

// plan resolves every op of a validated model to a kernel and lays out the
// arena.
func plan(g *format.Model) (*Model, error) {
	variant, err := chooseVariant()
	if err != nil {
		return nil, err
	}
	m := &Model{graph: g, variant: string(variant), consts: make([][]byte, len(g.Tensors))}
	for t := range g.Tensors {
		m.consts[t] = constPayload(&g.Tensors[t])
	}
	m.ops = make([]opPlan, len(g.Operators))
	for i := range g.Operators {
		p := &planner{g: g, consts: m.consts, index: i, op: &g.Operators[i], variant: variant}
		op, err := p.plan()
		if err != nil {
			return nil, err
		}
		if o, ok := p.op.Options.(*format.Conv2DOptions); ok {
			w := &g.Tensors[p.in(1)]
			op.detail = convDetail(o, w.Shape[1], w.Shape[2], g.Tensors[p.in(0)].Shape[3])
		}
		m.ops[i] = op
	}
	fusePointwiseMul(g, m.ops, variant)
	fuseConvTable(g, m.ops, variant)
	fuseChannelShuffle(g, m.ops, variant)
	m.arena = planArena(g, m.ops)
	return m, nil
}

// constPayload returns a constant tensor's bytes, copied to an aligned
// buffer when the caller's slice is not aligned to the element size
// (payloads from a model file always are).
func constPayload(t *format.Tensor) []byte {
	if t.Data == nil {
		return nil
	}
	if aligned(t.Data, t.DType.Size()) {
		return t.Data
	}
	c := newAlignedBytes(len(t.Data))
	copy(c, t.Data)
	return c
}

// planner resolves one operator.
type planner struct {
	g       *format.Model
	consts  [][]byte
	index   int
	op      *format.Operator
	variant kernels.Variant // the kernel variant ops are prepared for
}

func (p *planner) plan() (opPlan, error) {
	switch p.op.Op {
	case format.OpConv2D:
		return p.conv2D()
	case format.OpFullyConnected:
		return p.fullyConnected()
	case format.OpMaxPool2D, format.OpAveragePool2D:
		return p.pool2D()
	case format.OpMean, format.OpReduceMax:
		return p.reduce()
	case format.OpAdd, format.OpSub, format.OpMul:
		return p.binary()
	case format.OpConcatenation:
		return p.concat()
	case format.OpPad, format.OpTranspose, format.OpSlice:
		return p.layout()
	case format.OpReshape:
		return p.reshape()
	case format.OpClamp, format.OpLeakyRelu, format.OpHardSwish, format.OpHardSigmoid,
		format.OpLogistic, format.OpTanh:
		return p.pointwise()
	case format.OpPRelu:
		return p.prelu()
	case format.OpSoftmax, format.OpLogSoftmax:
		return p.softmax()
	case format.OpQuantize:
		return p.quantize()
	case format.OpDequantize:
		return p.dequantize()
	case format.OpResize:
		return p.resize()
	case format.OpLRN:
		return p.lrn()
	}
	return opPlan{}, p.errorf("no kernel for this operator")
}

// in returns input k's tensor index (-1 when absent).
func (p *planner) in(k int) int {
	if k >= len(p.op.Inputs) {
		return -1
	}
	return p.op.Inputs[k]
}

// out returns the output's tensor index.
func (p *planner) out() int { return p.op.Outputs[0] }

// tensor returns tensor t (nil for an absent input).
func (p *planner) tensor(t int) *format.Tensor {
	if t < 0 {
		return nil
	}
	return &p.g.Tensors[t]
}

// constant returns tensor t's payload, or nil when t is not a constant.
func (p *planner) constant(t int) []byte {
	if t < 0 {
		return nil
	}
	return p.consts[t]
}

// ErrUnsupported is wrapped by the errors of Load for valid models that
// this runtime cannot run (an operator and type combination without a
// kernel, a reduction over non-contiguous axes, ...).
var ErrUnsupported = errors.New("not supported by the runtime")

// unsupportedError is an ErrUnsupported with the operator it is about.
type unsupportedError struct{ msg string }

func (e *unsupportedError) Error() string { return e.msg }
func (e *unsupportedError) Unwrap() error { return ErrUnsupported }

// errorf reports an operator the runtime cannot run, naming it the way
// format's errors do.
func (p *planner) errorf(format string, args ...any) error {
	return &unsupportedError{fmt.Sprintf("runtime: operator %d %q (%s): %s", p.index, p.op.Name, p.op.Op, fmt.Sprintf(format, args...))}
}

// unsupported reports an op whose operand types have no kernel.
func (p *planner) unsupported() error {
	return p.errorf("no kernel for %s", p.signature())
}

// signature describes the op's operand types, e.g. "(int8, int8, int32) -> (int8)".
func (p *planner) signature() string {
	list := func(ts []int) string {
		s := make([]string, len(ts))
		for i, t := range ts {
			if t < 0 {
				s[i] = "none"
				continue
			}
			s[i] = p.g.Tensors[t].DType.String()
		}
		return "(" + strings.Join(s, ", ") + ")"
	}
	return list(p.op.Inputs) + " -> " + list(p.op.Outputs)
}

// dtypes reports whether the op's operands have exactly the given types:
// want lists the inputs in order, then the output. Absent optional inputs
// (index -1, or missing from the end of the list) match anything.
func (p *planner) dtypes(want ...format.DType) bool {
	ins := want[:len(want)-1]
	if len(p.op.Inputs) > len(ins) {
		return false
	}
	for k, d := range ins {
		if t := p.in(k); t >= 0 && p.g.Tensors[t].DType != d {
			return false
		}
	}
	return p.g.Tensors[p.out()].DType == want[len(want)-1]
}

// quantParams returns tensor t's per-tensor scale and zero point.
func (p *planner) quantParams(t int) (scale float32, zeroPoint int32) {
	q := p.g.Tensors[t].Quant
	return q.Scale[0], q.ZeroPoint[0]
}
