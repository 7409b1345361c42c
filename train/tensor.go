package train

import "fmt"

// Tensor is a dense float32 array, row-major, NCHW for images.
type Tensor struct {
	Shape []int
	Data  []float32
}

// NewTensor returns a zero tensor of the given shape.
func NewTensor(shape ...int) *Tensor {
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, numel(shape))}
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// Len is the number of elements.
func (t *Tensor) Len() int { return len(t.Data) }

// sample returns the elements of sample n (the first dim).
func (t *Tensor) sample(n int) []float32 {
	per := len(t.Data) / t.Shape[0]
	return t.Data[n*per : (n+1)*per]
}

// resize makes t hold a zeroed tensor of shape, reusing its storage.
func (t *Tensor) resize(shape []int) {
	n := numel(shape)
	t.Shape = append(t.Shape[:0], shape...)
	if cap(t.Data) < n {
		t.Data = make([]float32, n)
		return
	}
	t.Data = t.Data[:n]
	clear(t.Data)
}

func (t *Tensor) String() string { return fmt.Sprintf("tensor%v", t.Shape) }

// Param is a trainable tensor with its gradient.
type Param struct {
	Name  string
	Shape []int
	Value []float32
	Grad  []float32
	// NoDecay exempts the parameter from weight decay (biases, batch-norm
	// scales and shifts).
	NoDecay bool
}

// NewParam returns a zero parameter of the given shape.
func NewParam(name string, noDecay bool, shape ...int) *Param {
	n := numel(shape)
	return &Param{Name: name, Shape: append([]int(nil), shape...), Value: make([]float32, n), Grad: make([]float32, n), NoDecay: noDecay}
}
