package distill

import (
	"fmt"

	"github.com/edgeinfer/edgeinfer/train"
)

// Fold returns an inference copy of m for quantization: every batch norm
// that is the only consumer of a convolution's output is folded into the
// convolution's weights and bias (as the converter does), and dropouts are
// removed.
func Fold(m *train.Model) (*train.Model, error) {
	uses := consumers(m)
	f := &train.Model{Input: append([]int(nil), m.Input...)}
	vmap := []int{0}
	for _, n := range m.Nodes {
		ins := make([]int, len(n.Inputs))
		for k, v := range n.Inputs {
			ins[k] = vmap[v]
		}
		switch o := n.Op.(type) {
		case *train.Dropout:
			vmap = append(vmap, ins[0])
			continue
		case *train.BatchNorm:
			if src := n.Inputs[0]; src > 0 && uses[src] == 1 {
				if c, ok := f.Nodes[ins[0]-1].Op.(*train.Conv2D); ok {
					foldInto(c, o)
					vmap = append(vmap, ins[0])
					continue
				}
			}
		}
		vmap = append(vmap, f.Add(n.Name, train.Clone(n.Op), ins...))
	}
	return f, f.Validate()
}

// consumers counts the nodes reading each value.
func consumers(m *train.Model) []int {
	uses := make([]int, len(m.Nodes)+1)
	for _, n := range m.Nodes {
		for _, v := range n.Inputs {
			uses[v]++
		}
	}
	return uses
}

func foldInto(c *train.Conv2D, bn *train.BatchNorm) {
	scale, shift := bn.Fold()
	per := len(c.W.Value) / c.OutC
	if c.B == nil {
		c.B = train.NewParam(c.W.Name[:len(c.W.Name)-len(".weight")]+".bias", true, c.OutC)
	}
	for oc := range c.OutC {
		for i := range per {
			c.W.Value[oc*per+i] *= scale[oc]
		}
		c.B.Value[oc] = c.B.Value[oc]*scale[oc] + shift[oc]
	}
}

// Quantizer is a fake quantizer of a QAT model and the ONNX tensor
// (ToONNX's names) whose int8 quantization it fixes.
type Quantizer struct {
	Tensor string
	FQ     *train.FakeQuant
}

// PrepareQAT returns a copy of the folded model f with fake quantization
// wherever the int8 model quantizes: the input, the output of every
// convolution and fully connected layer (after the clamp activation the
// converter fuses into it; likewise for additions and multiplications), of hard-swish, sigmoid (fixed 1/256, −128),
// additions, multiplications, concatenations and global average pooling;
// average pooling keeps its input's quantization (rounded). Convolutions
// and fully connected layers compute with per-channel int8 weights and
// int32 biases. The quantizers start observing, not rounding.
func PrepareQAT(f *train.Model) (*train.Model, []Quantizer, error) {
	uses := consumers(f)
	q := &train.Model{Input: append([]int(nil), f.Input...)}
	var qs []Quantizer
	fqOf := map[int]*train.FakeQuant{} // value of q -> quantizer giving its grid
	vmap := []int{0}
	addFQ := func(name string, v int, fq *train.FakeQuant) int {
		out := q.Add(name+".fq", fq, v)
		fqOf[out] = fq
		return out
	}
	in := train.NewFakeQuant()
	vmap[0] = addFQ(InputName, 0, in)
	qs = append(qs, Quantizer{Tensor: InputName, FQ: in})
	// fusedAct reports whether node i's output goes only into a clamp
	// activation, which the converter fuses into node i.
	fusedAct := func(i int) bool {
		if uses[i+1] != 1 {
			return false
		}
		for _, n := range f.Nodes[i+1:] {
			if len(n.Inputs) == 1 && n.Inputs[0] == i+1 {
				a, ok := n.Op.(*train.Activation)
				if !ok {
					return false
				}
				_, _, clamp := a.Bounds()
				return clamp
			}
		}
		return false
	}
	for i, n := range f.Nodes {
		ins := make([]int, len(n.Inputs))
		for k, v := range n.Inputs {
			ins[k] = vmap[v]
		}
		op := train.Clone(n.Op)
		var fq *train.FakeQuant
		switch o := op.(type) {
		case *train.Conv2D:
			o.WeightQuant, o.Input = true, fqOf[ins[0]]
			if !fusedAct(i) {
				fq = train.NewFakeQuant()
			}
		case *train.Linear:
			o.WeightQuant, o.Input = true, fqOf[ins[0]]
			if !fusedAct(i) {
				fq = train.NewFakeQuant()
			}
		case *train.Activation:
			fq = train.NewFakeQuant()
			if o.Fn == train.Sigmoid {
				fq.FixedScale, fq.FixedZP = 1.0/256, -128
			}
		case train.AddOp, train.MulOp:
			if !fusedAct(i) {
				fq = train.NewFakeQuant()
			}
		case train.ConcatOp, train.GlobalAvgPool:
			fq = train.NewFakeQuant()
		case *train.AvgPool:
			fq = &train.FakeQuant{Like: fqOf[ins[0]]}
		case *train.MaxPool, train.Flatten:
		case *train.BatchNorm:
			return nil, nil, fmt.Errorf("node %q: a batch norm that does not follow a convolution cannot be quantized", n.Name)
		default:
			return nil, nil, fmt.Errorf("node %q: no quantization-aware training for %s", n.Name, n.Op.Kind())
		}
		v := q.Add(n.Name, op, ins...)
		if _, ok := op.(*train.MaxPool); ok {
			fqOf[v] = fqOf[ins[0]]
		} else if _, ok := op.(train.Flatten); ok {
			fqOf[v] = fqOf[ins[0]]
		}
		if fq != nil {
			v = addFQ(n.Name, v, fq)
			qs = append(qs, Quantizer{Tensor: n.Name, FQ: fq})
		}
		vmap = append(vmap, v)
	}
	// The last quantizer's tensor is the model output.
	if len(qs) > 0 && q.Nodes[len(q.Nodes)-1].Op == train.Op(qs[len(qs)-1].FQ) {
		qs[len(qs)-1].Tensor = OutputName
	}
	return q, qs, q.Validate()
}

// SetQuantizing switches every quantizer of a QAT model between
// observing (ranges follow the data) and rounding.
func SetQuantizing(qs []Quantizer, round, observe bool) {
	for _, q := range qs {
		q.FQ.Enabled = round
		q.FQ.Observe = observe
	}
}
