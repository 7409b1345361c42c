package builder_test

import (
	"fmt"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/format"
)

func Example() {
	b := builder.New()
	x := b.Input("image", []int{1, 28, 28, 1}, format.NCHW)
	w := builder.Weights{Shape: []int{4, 5, 5, 1}, Data: make([]float32, 4*5*5)}
	c := b.Conv2D("conv", x, w, []float32{0.1, 0.2, 0.3, 0.4}, builder.Conv{Pad: builder.PadSame(5), Act: builder.ActRelu})
	p := b.MaxPool("pool", c, builder.Pool{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}})
	fcW := builder.Weights{Shape: []int{10, 14 * 14 * 4}, Data: make([]float32, 10*14*14*4)}
	logits := b.FullyConnected("logits", b.Flatten("flatten", p), fcW, nil, builder.ActNone)
	b.Output(b.Softmax("prob", logits, -1))

	// Ranges for the values whose int8 quantization is free (the pool,
	// flatten and softmax outputs take theirs from their op). [-8, 8] gets
	// zero point -128 + 8/(16/255) = -0.5, rounded away from zero to -1.
	b.SetRange(x, -1, 1)
	b.SetRange(c, 0, 2)
	b.SetRange(logits, -8, 8)

	m, err := b.Int8Model(builder.Int8Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, op := range m.Operators {
		out := m.Tensors[op.Outputs[0]]
		fmt.Println(op.Op, op.Name, out.Shape, out.DType, out.Quant.Scale[0]*255, out.Quant.ZeroPoint[0])
	}
	// Output:
	// CONV_2D conv [1 28 28 4] int8 2 -128
	// MAX_POOL_2D pool [1 14 14 4] int8 2 -128
	// RESHAPE flatten [1 784] int8 2 -128
	// FULLY_CONNECTED logits [1 10] int8 16 -1
	// SOFTMAX prob [1 10] int8 0.99609375 -128
}
