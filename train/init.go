package train

import (
	"math"
	"math/rand/v2"
)

// Init draws the weights of every convolution and fully connected layer
// as PyTorch's default does (Kaiming-uniform with a = √5: U(−b, b) with
// b = 1/√fan_in, for weights and biases alike) from a stream of seed, in
// node order, so a seed fixes the initial model.
func (m *Model) Init(seed uint64) {
	r := rand.New(rand.NewPCG(seed, 0x1417))
	for _, n := range m.Nodes {
		var w, b *Param
		switch op := n.Op.(type) {
		case *Conv2D:
			w, b = op.W, op.B
		case *Linear:
			w, b = op.W, op.B
		default:
			continue
		}
		fanIn := numel(w.Shape[1:])
		bound := 1 / math.Sqrt(float64(fanIn))
		for i := range w.Value {
			w.Value[i] = float32((2*r.Float64() - 1) * bound)
		}
		if b != nil {
			for i := range b.Value {
				b.Value[i] = float32((2*r.Float64() - 1) * bound)
			}
		}
	}
}
