package testmodels

import (
	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/format"
)

// The plain feed-forward families: LeNet-5, a small AlexNet and a small VGG.

var lenet5 = &definition{
	name:        "lenet5",
	description: "LeNet-5 on 1x28x28: conv 5x5 (same) / avg pool / conv 5x5 (valid) / max pool / 3 fully connected / softmax",
	seed:        1,
	build: func(n *net) {
		x := n.image([]int{1, 28, 28, 1})
		y := n.conv("conv1", x, 6, 5, 1, builder.ActRelu) // 28x28x6
		y = n.AvgPool("pool1", y, pool2)                  // 14x14x6
		y = n.Conv2D("conv2", y, n.he([]int{16, 5, 5, 6}, 5*5*6), n.bias(16),
			builder.Conv{Act: builder.ActRelu}) // 10x10x16, valid
		y = n.MaxPool("pool2", y, pool2) // 5x5x16
		y = n.Flatten("flatten", y)      // 400
		y = n.fc("fc1", y, 120, builder.ActRelu)
		y = n.fc("fc2", y, 84, builder.ActRelu)
		y = n.fc("logits", y, 10, builder.ActNone)
		n.Output(n.Softmax("prob", y, -1))
	},
}

var alexnet = &definition{
	name: "alexnet_small",
	description: "AlexNet-like on 3x67x67: conv 11x11 stride 4, LRN, overlapping 3x3/2 max pools, " +
		"conv 5x5 and 3x3 stacks, 2 fully connected / softmax",
	seed: 2,
	build: func(n *net) {
		lrn := format.LRNOptions{Size: 5, Alpha: 1e-4, Beta: 0.75, Bias: 1}
		x := n.image([]int{1, 67, 67, 3})
		y := n.Conv2D("conv1", x, n.he([]int{16, 11, 11, 3}, 11*11*3), n.bias(16),
			builder.Conv{Stride: [2]int{4, 4}, Pad: [4]int{2, 2, 2, 2}, Act: builder.ActRelu}) // 16x16x16
		y = n.LRN("lrn1", y, lrn)
		y = n.MaxPool("pool1", y, pool3s2) // 7x7
		y = n.conv("conv2", y, 32, 5, 1, builder.ActRelu)
		y = n.LRN("lrn2", y, lrn)
		y = n.MaxPool("pool2", y, pool3s2) // 3x3
		y = n.conv("conv3", y, 48, 3, 1, builder.ActRelu)
		y = n.conv("conv4", y, 32, 3, 1, builder.ActRelu)
		y = n.MaxPool("pool3", y, pool3s2) // 1x1
		y = n.Flatten("flatten", y)
		y = n.fc("fc1", y, 64, builder.ActRelu)
		y = n.fc("logits", y, 10, builder.ActNone)
		n.Output(n.Softmax("prob", y, -1))
	},
}

var vgg = &definition{
	name:        "vgg_small",
	description: "VGG-like on 3x32x32: three stages of two 3x3 convs and a 2x2 max pool, 2 fully connected / softmax",
	seed:        3,
	build: func(n *net) {
		y := n.image([]int{1, 32, 32, 3})
		for i, c := range []int{8, 16, 32} {
			s := string(rune('1' + i))
			y = n.conv("conv"+s+"_1", y, c, 3, 1, builder.ActRelu)
			y = n.conv("conv"+s+"_2", y, c, 3, 1, builder.ActRelu)
			y = n.MaxPool("pool"+s, y, pool2)
		}
		y = n.Flatten("flatten", y) // 4x4x32
		y = n.fc("fc1", y, 64, builder.ActRelu)
		y = n.fc("logits", y, 10, builder.ActNone)
		n.Output(n.Softmax("prob", y, -1))
	},
}
