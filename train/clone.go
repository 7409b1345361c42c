package train

import "slices"

// Clone returns a copy of op with its own parameters and statistics and
// none of the buffers an op keeps between its forward and backward passes,
// so that two models never share state.
func Clone(op Op) Op {
	switch o := op.(type) {
	case *Conv2D:
		c := &Conv2D{InC: o.InC, OutC: o.OutC, KH: o.KH, KW: o.KW, StrideH: o.StrideH, StrideW: o.StrideW,
			PadT: o.PadT, PadL: o.PadL, PadB: o.PadB, PadR: o.PadR, Group: o.Group,
			W: o.W.clone(), B: o.B.clone(), WeightQuant: o.WeightQuant, Input: o.Input}
		return c
	case *Linear:
		return &Linear{In: o.In, Out: o.Out, W: o.W.clone(), B: o.B.clone(), WeightQuant: o.WeightQuant, Input: o.Input}
	case *BatchNorm:
		return &BatchNorm{C: o.C, Eps: o.Eps, Momentum: o.Momentum, Gamma: o.Gamma.clone(), Beta: o.Beta.clone(),
			RunMean: slices.Clone(o.RunMean), RunVar: slices.Clone(o.RunVar)}
	case *Activation:
		c := *o
		return &c
	case *MaxPool:
		return &MaxPool{Window: o.Window}
	case *AvgPool:
		return &AvgPool{Window: o.Window, CountIncludePad: o.CountIncludePad}
	case *Dropout:
		return &Dropout{P: o.P, Seed: o.Seed}
	case *FakeQuant:
		c := *o
		return &c
	}
	return op // stateless value types
}

func (p *Param) clone() *Param {
	if p == nil {
		return nil
	}
	return &Param{Name: p.Name, Shape: slices.Clone(p.Shape), Value: slices.Clone(p.Value),
		Grad: make([]float32, len(p.Grad)), NoDecay: p.NoDecay}
}

// Clone returns a deep copy of m.
func (m *Model) Clone() *Model {
	c := &Model{Input: slices.Clone(m.Input)}
	for _, n := range m.Nodes {
		c.Add(n.Name, Clone(n.Op), n.Inputs...)
	}
	return c
}
