package distill

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/edgeinfer/edgeinfer/train"
)

// Narrow returns the teacher's topology with the output channels of every
// convolution (and the outputs of every fully connected layer but the
// last) scaled by width, initialized from the teacher: each layer keeps
// the channels whose filters have the largest L1 norms (Li et al.,
// "Pruning Filters for Efficient ConvNets"), with the matching input
// channels of the layers after it. Depthwise convolutions and batch norms
// follow their input's channels. Residual additions must join tensors
// that keep the same channels; Narrow refuses graphs where they would not.
func Narrow(teacher *train.Model, width float64) (*train.Model, error) {
	if !(width > 0 && width <= 1) {
		return nil, fmt.Errorf("width %v: want 0 < width <= 1", width)
	}
	shapes, err := teacher.Shapes(1)
	if err != nil {
		return nil, err
	}
	s := &train.Model{Input: slices.Clone(teacher.Input)}
	keep := make([][]int, len(shapes)) // value -> kept channels (dim 1); nil: all
	last := len(teacher.Nodes) - 1
	for i, n := range teacher.Nodes {
		in := n.Inputs[0]
		kin := keep[in]
		var op train.Op
		var kout []int
		switch o := n.Op.(type) {
		case *train.Conv2D:
			c, k, err := narrowConv(o, n.Name, kin, width, i == last)
			if err != nil {
				return nil, fmt.Errorf("node %d %q: %w", i, n.Name, err)
			}
			op, kout = c, k
		case *train.Linear:
			feat := features(kin, shapes[in])
			l, k := narrowLinear(o, n.Name, feat, width, i == last)
			op, kout = l, k
		case *train.BatchNorm:
			bn := train.NewBatchNorm(n.Name, countOr(kin, o.C))
			bn.Eps, bn.Momentum = o.Eps, o.Momentum
			pick(bn.Gamma.Value, o.Gamma.Value, kin, 1)
			pick(bn.Beta.Value, o.Beta.Value, kin, 1)
			pick(bn.RunMean, o.RunMean, kin, 1)
			pick(bn.RunVar, o.RunVar, kin, 1)
			op, kout = bn, kin
		case train.AddOp, train.MulOp:
			if !slices.Equal(keep[n.Inputs[0]], keep[n.Inputs[1]]) {
				return nil, fmt.Errorf("node %d %q: width scaling keeps different channels on the two sides of this %s; use a preset or ONNX student", i, n.Name, o.Kind())
			}
			op, kout = o, kin
		case train.ConcatOp:
			off := 0
			for _, v := range n.Inputs {
				c := shapes[v][1]
				if keep[v] == nil {
					for k := range c {
						kout = append(kout, off+k)
					}
				} else {
					for _, k := range keep[v] {
						kout = append(kout, off+k)
					}
				}
				off += c
			}
			op = o
		case train.Flatten:
			op, kout = o, features(kin, shapes[in])
		default:
			op, kout = train.Clone(n.Op), kin // elementwise and pooling ops keep channels
		}
		s.Add(n.Name, op, n.Inputs...)
		keep[i+1] = kout
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

func countOr(keep []int, all int) int {
	if keep == nil {
		return all
	}
	return len(keep)
}

// features expands kept channels of an [1, C, ...] value into kept
// flattened features (each channel owns a contiguous block).
func features(keep []int, shape []int) []int {
	if keep == nil || len(shape) < 3 {
		return keep
	}
	inner := 1
	for _, d := range shape[2:] {
		inner *= d
	}
	var f []int
	for _, c := range keep {
		for k := range inner {
			f = append(f, c*inner+k)
		}
	}
	return f
}

// pick copies the blocks (of size block) of src listed in keep (nil: all)
// to dst.
func pick(dst, src []float32, keep []int, block int) {
	if keep == nil {
		copy(dst, src)
		return
	}
	for i, k := range keep {
		copy(dst[i*block:(i+1)*block], src[k*block:(k+1)*block])
	}
}

// topL1 returns the indices of the n rows (of size row) of w with the
// largest L1 norms, in ascending index order.
func topL1(w []float32, rows, n int) []int {
	row := len(w) / rows
	norms := make([]float64, rows)
	for r := range rows {
		for _, v := range w[r*row : (r+1)*row] {
			norms[r] += math.Abs(float64(v))
		}
	}
	idx := make([]int, rows)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return norms[idx[a]] > norms[idx[b]] })
	idx = idx[:n]
	slices.Sort(idx)
	return idx
}

func scaled(c int, width float64) int { return max(1, int(math.Round(float64(c)*width))) }

func narrowConv(o *train.Conv2D, name string, kin []int, width float64, last bool) (*train.Conv2D, []int, error) {
	c := *o
	inC := countOr(kin, o.InC)
	kk := o.KH * o.KW
	var kout []int
	switch {
	case o.Group == o.InC && o.Group == o.OutC: // depthwise: follow the input
		kout = kin
		c.InC, c.OutC, c.Group = inC, inC, inC
	case o.Group == 1:
		if !last {
			kout = topL1(o.W.Value, o.OutC, scaled(o.OutC, width))
		}
		c.InC, c.OutC = inC, countOr(kout, o.OutC)
	default:
		return nil, nil, fmt.Errorf("width scaling of grouped (non-depthwise) convolutions is not supported")
	}
	c.W = train.NewParam(name+".weight", false, c.OutC, c.InC/c.Group, o.KH, o.KW)
	if o.B != nil {
		c.B = train.NewParam(name+".bias", true, c.OutC)
		pick(c.B.Value, o.B.Value, kout, 1)
	}
	perOut := o.InC / o.Group * kk
	outs := kout
	if outs == nil {
		outs = make([]int, o.OutC)
		for i := range outs {
			outs[i] = i
		}
	}
	for i, oc := range outs {
		src := o.W.Value[oc*perOut : (oc+1)*perOut]
		dst := c.W.Value[i*(c.InC/c.Group)*kk : (i+1)*(c.InC/c.Group)*kk]
		if c.Group == 1 {
			pick(dst, src, kin, kk)
		} else {
			copy(dst, src)
		}
	}
	return &c, kout, nil
}

func narrowLinear(o *train.Linear, name string, kin []int, width float64, last bool) (*train.Linear, []int) {
	var kout []int
	if !last {
		kout = topL1(o.W.Value, o.Out, scaled(o.Out, width))
	}
	l := train.NewLinear(name, countOr(kin, o.In), countOr(kout, o.Out), o.B != nil)
	outs := kout
	if outs == nil {
		outs = make([]int, o.Out)
		for i := range outs {
			outs[i] = i
		}
	}
	for i, r := range outs {
		pick(l.W.Value[i*l.In:(i+1)*l.In], o.W.Value[r*o.In:(r+1)*o.In], kin, 1)
	}
	if o.B != nil {
		pick(l.B.Value, o.B.Value, kout, 1)
	}
	return l, kout
}
