package testmodels

import (
	"fmt"

	"github.com/edgeinfer/edgeinfer/builder"
)

// The block families: each model is a stem, one or two of the family's
// characteristic blocks and the global-average-pool classifier.

var resnet = &definition{
	name: "resnet_block",
	description: "ResNet basic blocks on 8x16x16: identity block (skip ADD, ReLU) and downsampling block " +
		"(3x3 stride 2, 1x1 stride-2 projection shortcut)",
	seed: 4,
	build: func(n *net) {
		x := n.image([]int{1, 16, 16, 8})
		y := n.conv("stem", x, 16, 3, 1, builder.ActRelu)
		// Identity block.
		r := n.conv("block1/conv1", y, 16, 3, 1, builder.ActRelu)
		r = n.conv("block1/conv2", r, 16, 3, 1, builder.ActNone)
		y = n.Add("block1/add", r, y, builder.ActRelu)
		// Downsampling block.
		r = n.conv("block2/conv1", y, 32, 3, 2, builder.ActRelu) // 8x8
		r = n.conv("block2/conv2", r, 32, 3, 1, builder.ActNone)
		s := n.conv("block2/shortcut", y, 32, 1, 2, builder.ActNone)
		y = n.Add("block2/add", r, s, builder.ActRelu)
		n.Output(n.classifier(y, 10))
	},
}

var inception = &definition{
	name: "inception_block",
	description: "Inception (v1) block on 16x16x16: 1x1, 1x1->3x3, 1x1->5x5 and 3x3 max pool->1x1 branches " +
		"concatenated on channels",
	seed: 5,
	build: func(n *net) {
		x := n.image([]int{1, 16, 16, 16})
		y := n.conv("stem", x, 16, 3, 1, builder.ActRelu)
		b1 := n.conv("mixed/1x1", y, 8, 1, 1, builder.ActRelu)
		b2 := n.conv("mixed/3x3_reduce", y, 8, 1, 1, builder.ActRelu)
		b2 = n.conv("mixed/3x3", b2, 12, 3, 1, builder.ActRelu)
		b3 := n.conv("mixed/5x5_reduce", y, 4, 1, 1, builder.ActRelu)
		b3 = n.conv("mixed/5x5", b3, 6, 5, 1, builder.ActRelu)
		b4 := n.MaxPool("mixed/pool", y, builder.Pool{Kernel: [2]int{3, 3}, Pad: [4]int{1, 1, 1, 1}})
		b4 = n.conv("mixed/pool_proj", b4, 6, 1, 1, builder.ActRelu)
		y = n.Concat("mixed/concat", -1, b1, b2, b3, b4) // 32 channels
		n.Output(n.classifier(y, 10))
	},
}

// invertedResidual is MobileNet v2's block: 1x1 expansion with ReLU6,
// depthwise 3x3 with ReLU6, linear 1x1 bottleneck, and a residual ADD when
// the shapes allow.
func (n *net) invertedResidual(name string, x builder.Tensor, expand, outC, stride int) builder.Tensor {
	inC := n.channels(x)
	y := n.conv(name+"/expand", x, inC*expand, 1, 1, builder.ActRelu6)
	y = n.dwconv(name+"/depthwise", y, 3, stride, builder.ActRelu6)
	y = n.conv(name+"/project", y, outC, 1, 1, builder.ActNone)
	if stride == 1 && inC == outC {
		y = n.Add(name+"/add", y, x, builder.ActNone)
	}
	return y
}

var mobilenetV2 = &definition{
	name: "mobilenet_v2_block",
	description: "MobileNet v2 inverted residuals on 8x16x16: 1x1 expand (ReLU6), depthwise 3x3 stride 2 (ReLU6), " +
		"linear bottleneck; then a stride-1 block with the residual ADD",
	seed: 6,
	build: func(n *net) {
		x := n.image([]int{1, 16, 16, 8})
		y := n.conv("stem", x, 16, 3, 1, builder.ActRelu6)
		y = n.invertedResidual("block1", y, 4, 24, 2) // 8x8x24
		y = n.invertedResidual("block2", y, 4, 24, 1)
		y = n.conv("head", y, 64, 1, 1, builder.ActRelu6)
		n.Output(n.classifier(y, 10))
	},
}

// squeezeExcite scales x's channels by a gate computed from its global
// average: GAP -> reduce (ReLU) -> expand -> hard sigmoid -> MUL broadcast
// over H and W. viaFC computes the gate with fully connected layers on the
// flattened average (the EfficientNet/Keras form), otherwise with 1x1
// convolutions on the [1,1,1,C] average (the torchvision form).
func (n *net) squeezeExcite(name string, x builder.Tensor, reduced int, viaFC bool) builder.Tensor {
	c := n.channels(x)
	g := n.GlobalAvgPool(name+"/gap", x)
	if viaFC {
		g = n.Reshape(name+"/flatten", g, []int{1, c})
		g = n.fc(name+"/reduce", g, reduced, builder.ActRelu)
		g = n.fc(name+"/expand", g, c, builder.ActNone)
		g = n.Reshape(name+"/unflatten", g, []int{1, 1, 1, c})
	} else {
		g = n.conv(name+"/reduce", g, reduced, 1, 1, builder.ActRelu)
		g = n.conv(name+"/expand", g, c, 1, 1, builder.ActNone)
	}
	g = n.HardSigmoid(name+"/gate", g, 1.0/6, 0.5)
	return n.Mul(name+"/scale", x, g, builder.ActNone)
}

var mobilenetV3 = &definition{
	name: "mobilenet_v3_block",
	description: "MobileNet v3 / EfficientNet blocks on 8x16x16: hard-swish, depthwise 5x5, swish as x*sigmoid(x), " +
		"squeeze-excite (GAP -> 1x1 or FC -> ReLU -> 1x1 or FC -> hard sigmoid -> MUL broadcast), residual ADD",
	seed: 7,
	build: func(n *net) {
		x := n.image([]int{1, 16, 16, 8})
		y := n.conv("stem", x, 16, 3, 2, builder.ActNone) // 8x8
		y = n.HardSwish("stem/hswish", y)
		// MobileNet v3 bneck: expand, hard-swish, depthwise 5x5, SE (1x1 convs), project, residual.
		r := n.conv("bneck/expand", y, 48, 1, 1, builder.ActNone)
		r = n.HardSwish("bneck/expand_hswish", r)
		r = n.dwconv("bneck/depthwise", r, 5, 1, builder.ActNone)
		r = n.HardSwish("bneck/depthwise_hswish", r)
		r = n.squeezeExcite("bneck/se", r, 12, false)
		r = n.conv("bneck/project", r, 16, 1, 1, builder.ActNone)
		y = n.Add("bneck/add", r, y, builder.ActNone)
		// EfficientNet MBConv: expand with swish, depthwise 3x3 stride 2 with swish, SE (FC), project.
		r = n.conv("mbconv/expand", y, 64, 1, 1, builder.ActNone)
		r = n.swish("mbconv/expand_swish", r)
		r = n.dwconv("mbconv/depthwise", r, 3, 2, builder.ActNone) // 4x4
		r = n.swish("mbconv/depthwise_swish", r)
		r = n.squeezeExcite("mbconv/se", r, 16, true)
		y = n.conv("mbconv/project", r, 24, 1, 1, builder.ActNone)
		y = n.conv("head", y, 48, 1, 1, builder.ActNone)
		y = n.HardSwish("head/hswish", y)
		n.Output(n.classifier(y, 10))
	},
}

// swish is x * sigmoid(x), as exporters write SiLU.
func (n *net) swish(name string, x builder.Tensor) builder.Tensor {
	return n.Mul(name, x, n.Sigmoid(name+"/sigmoid", x), builder.ActNone)
}

// channelShuffle interleaves the channels of groups: reshape to
// [N,H,W,groups,C/groups], swap the last two axes, reshape back.
func (n *net) channelShuffle(name string, x builder.Tensor, groups int) builder.Tensor {
	s := n.Shape(x)
	y := n.Reshape(name+"/split_groups", x, []int{s[0], s[1], s[2], groups, s[3] / groups})
	y = n.Transpose(name+"/transpose", y, []int{0, 1, 2, 4, 3})
	return n.Reshape(name+"/merge_groups", y, s)
}

var shufflenet = &definition{
	name: "shufflenet_block",
	description: "ShuffleNet units on 16x16x16: v2 unit (channel split by slices, 1x1 / depthwise 3x3 / 1x1 branch, " +
		"concat, channel shuffle by reshape+transpose) and v1 unit (grouped 1x1 convs, shuffle, depthwise, residual ADD)",
	seed: 8,
	build: func(n *net) {
		x := n.image([]int{1, 16, 16, 16})
		y := n.conv("stem", x, 16, 3, 1, builder.ActRelu)
		// v2 unit, stride 1.
		halves := n.Split("unit1/split", y, -1, 2)
		r := n.conv("unit1/pw1", halves[1], 8, 1, 1, builder.ActRelu)
		r = n.dwconv("unit1/dw", r, 3, 1, builder.ActNone)
		r = n.conv("unit1/pw2", r, 8, 1, 1, builder.ActRelu)
		y = n.Concat("unit1/concat", -1, halves[0], r)
		y = n.channelShuffle("unit1/shuffle", y, 2)
		// v1 unit, stride 1: grouped 1x1 (4 groups), shuffle, depthwise, grouped 1x1, ADD.
		r = n.convGroups("unit2/gconv1", y, 16, 1, 1, 4, builder.ActRelu)
		r = n.channelShuffle("unit2/shuffle", r, 4)
		r = n.dwconv("unit2/dw", r, 3, 1, builder.ActNone)
		r = n.convGroups("unit2/gconv2", r, 16, 1, 1, 4, builder.ActNone)
		y = n.Add("unit2/add", r, y, builder.ActRelu)
		n.Output(n.classifier(y, 10))
	},
}

var densenet = &definition{
	name: "densenet_block",
	description: "DenseNet block on 8x16x16: three bottleneck layers (1x1 then 3x3, growth 8, no bias) each " +
		"concatenated onto its input, then a transition (1x1 conv, 2x2 average pool)",
	seed: 9,
	build: func(n *net) {
		x := n.image([]int{1, 16, 16, 8})
		y := n.conv("stem", x, 16, 3, 1, builder.ActRelu)
		for i := range 3 {
			name := fmt.Sprintf("dense%d", i+1)
			c := n.channels(y)
			r := n.Conv2D(name+"/bottleneck", y, n.he([]int{16, 1, 1, c}, c), nil, builder.Conv{Act: builder.ActRelu})
			r = n.Conv2D(name+"/conv", r, n.he([]int{8, 3, 3, 16}, 9*16), nil,
				builder.Conv{Pad: builder.PadSame(3), Act: builder.ActRelu})
			y = n.Concat(name+"/concat", -1, y, r) // 24, 32, 40 channels
		}
		y = n.conv("transition/conv", y, 20, 1, 1, builder.ActRelu)
		y = n.AvgPool("transition/pool", y, pool2) // 8x8x20
		n.Output(n.classifier(y, 10))
	},
}

// fire is SqueezeNet's module: a 1x1 squeeze, then 1x1 and 3x3 expands
// concatenated on channels.
func (n *net) fire(name string, x builder.Tensor, squeeze, expand int) builder.Tensor {
	s := n.conv(name+"/squeeze", x, squeeze, 1, 1, builder.ActRelu)
	e1 := n.conv(name+"/expand1x1", s, expand, 1, 1, builder.ActRelu)
	e3 := n.conv(name+"/expand3x3", s, expand, 3, 1, builder.ActRelu)
	return n.Concat(name+"/concat", -1, e1, e3)
}

var squeezenet = &definition{
	name: "squeezenet_fire",
	description: "SqueezeNet on 3x32x32: conv 3x3 stride 2, overlapping max pools, fire modules (one with a simple " +
		"bypass ADD), 1x1 conv classifier with ReLU, global average pool, softmax",
	seed: 10,
	build: func(n *net) {
		x := n.image([]int{1, 32, 32, 3})
		y := n.Conv2D("conv1", x, n.he([]int{16, 3, 3, 3}, 27), n.bias(16),
			builder.Conv{Stride: [2]int{2, 2}, Act: builder.ActRelu}) // 15x15
		y = n.MaxPool("pool1", y, pool3s2) // 7x7
		y = n.fire("fire2", y, 8, 16)      // 32 channels
		f := n.fire("fire3", y, 8, 16)
		y = n.Add("fire3/bypass", f, y, builder.ActNone)
		y = n.MaxPool("pool3", y, pool3s2) // 3x3
		y = n.fire("fire4", y, 12, 24)     // 48 channels
		y = n.conv("conv10", y, 10, 1, 1, builder.ActRelu)
		y = n.GlobalAvgPool("gap", y)
		y = n.Reshape("flatten", y, []int{1, 10})
		n.Output(n.Softmax("prob", y, -1))
	},
}
