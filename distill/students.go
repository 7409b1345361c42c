package distill

import (
	"fmt"
	"slices"

	"github.com/edgeinfer/edgeinfer/train"
)

// Presets are the named student architectures.
var Presets = []string{"lenet5", "mobilenet-tiny", "resnet-mini"}

// Preset builds a named student for c×h×w inputs and the given number of
// classes, with weights drawn from seed.
func Preset(name string, input []int, classes int, seed uint64) (*train.Model, error) {
	if len(input) != 3 {
		return nil, fmt.Errorf("student %q: input %v is not C×H×W", name, input)
	}
	b := &seqBuilder{m: &train.Model{Input: slices.Clone(input)}, c: input[0]}
	switch name {
	case "lenet5":
		// LeCun et al. 1998 with ReLU and max pooling: 5×5 convolutions
		// (6, 16 channels), then 120-84-classes fully connected.
		b.conv("conv1", 6, 5, 1, 2, false, train.ReLU)
		b.maxpool("pool1")
		b.conv("conv2", 16, 5, 1, 0, false, train.ReLU)
		b.maxpool("pool2")
		b.flatten()
		b.linear("fc1", 120, true)
		b.linear("fc2", 84, true)
		b.linear("fc3", classes, false)
	case "mobilenet-tiny":
		// MobileNetV2-style depthwise-separable stages with ReLU6 and a
		// hard-swish stem (Howard et al. 2019).
		b.conv("stem", 16, 3, 1, 1, true, train.HardSwish)
		b.separable("sep1", 24, 2)
		b.separable("sep2", 48, 2)
		b.separable("sep3", 64, 1)
		b.v = b.m.Add("gap", train.GlobalAvgPool{}, b.v)
		b.flatten()
		b.linear("fc", classes, false)
	case "resnet-mini":
		// Three basic residual blocks (16, 32, 64 channels; He et al. 2016).
		b.conv("stem", 16, 3, 1, 1, true, train.ReLU)
		b.residual("block1", 16, 1)
		b.residual("block2", 32, 2)
		b.residual("block3", 64, 2)
		b.v = b.m.Add("gap", train.GlobalAvgPool{}, b.v)
		b.flatten()
		b.linear("fc", classes, false)
	default:
		return nil, fmt.Errorf("unknown student %q; presets: %v, or an .onnx file, or --width", name, Presets)
	}
	if err := b.m.Validate(); err != nil {
		return nil, fmt.Errorf("student %q on %v input: %w", name, input, err)
	}
	b.m.Init(seed)
	return b.m, nil
}

// seqBuilder appends layers to a sequential model.
type seqBuilder struct {
	m *train.Model
	v int // current value
	c int // its channels
}

func (b *seqBuilder) conv(name string, out, k, stride, pad int, bn bool, act train.ActKind) {
	b.convGroups(name, out, k, stride, pad, 1, bn, act)
}

func (b *seqBuilder) convGroups(name string, out, k, stride, pad, groups int, bn bool, act train.ActKind) {
	b.v = b.m.Add(name, train.NewConv2D(name, b.c, out, k, stride, pad, groups, !bn), b.v)
	b.c = out
	if bn {
		b.v = b.m.Add(name+".bn", train.NewBatchNorm(name+".bn", out), b.v)
	}
	b.v = b.m.Add(name+"."+act.String(), &train.Activation{Fn: act}, b.v)
}

func (b *seqBuilder) maxpool(name string) {
	b.v = b.m.Add(name, &train.MaxPool{Window: train.SquareWindow(2, 2)}, b.v)
}

func (b *seqBuilder) flatten() { b.v = b.m.Add("flatten", train.Flatten{}, b.v) }

func (b *seqBuilder) linear(name string, out int, relu bool) {
	in, _ := b.m.Shapes(1)
	b.v = b.m.Add(name, train.NewLinear(name, numel(in[b.v][1:]), out, true), b.v)
	if relu {
		b.v = b.m.Add(name+".relu", &train.Activation{Fn: train.ReLU}, b.v)
	}
}

func (b *seqBuilder) separable(name string, out, stride int) {
	b.convGroups(name+".dw", b.c, 3, stride, 1, b.c, true, train.ReLU6)
	b.conv(name+".pw", out, 1, 1, 0, true, train.ReLU6)
}

func (b *seqBuilder) residual(name string, out, stride int) {
	in, inC := b.v, b.c
	b.conv(name+".conv1", out, 3, stride, 1, true, train.ReLU)
	b.v = b.m.Add(name+".conv2", train.NewConv2D(name+".conv2", out, out, 3, 1, 1, 1, false), b.v)
	b.v = b.m.Add(name+".conv2.bn", train.NewBatchNorm(name+".conv2.bn", out), b.v)
	short := in
	if stride != 1 || inC != out {
		short = b.m.Add(name+".down", train.NewConv2D(name+".down", inC, out, 1, stride, 0, 1, false), in)
		short = b.m.Add(name+".down.bn", train.NewBatchNorm(name+".down.bn", out), short)
	}
	b.v = b.m.Add(name+".add", train.AddOp{}, b.v, short)
	b.v = b.m.Add(name+".relu", &train.Activation{Fn: train.ReLU}, b.v)
}

func numel(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}
