package runtime

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
)

// graph builds small format.Models for tests.
type graph struct{ m format.Model }

func newGraph() *graph { return &graph{m: format.Model{Version: format.Version}} }

// tensor adds a tensor and returns its index.
func (g *graph) tensor(name string, dt format.DType, shape []int, q *format.Quant, data []byte) int {
	g.m.Tensors = append(g.m.Tensors, format.Tensor{Name: name, Shape: shape, DType: dt, Quant: q, Data: data})
	return len(g.m.Tensors) - 1
}

// i8 adds an int8 activation with per-tensor quantization.
func (g *graph) i8(name string, scale float32, zp int32, shape ...int) int {
	return g.tensor(name, format.Int8, shape, perTensor(scale, zp), nil)
}

// f32 adds a float32 activation.
func (g *graph) f32(name string, shape ...int) int {
	return g.tensor(name, format.Float32, shape, nil, nil)
}

// op appends an operator; the last index in ios is its output.
func (g *graph) op(code format.OpCode, name string, opts any, ios ...int) {
	g.m.Operators = append(g.m.Operators, format.Operator{
		Op: code, Name: name, Options: opts, Inputs: ios[:len(ios)-1], Outputs: ios[len(ios)-1:],
	})
}

func (g *graph) io(inputs []int, outputs ...int) *format.Model {
	g.m.Inputs, g.m.Outputs = inputs, outputs
	return &g.m
}

func perTensor(scale float32, zp int32) *format.Quant {
	return &format.Quant{Scale: []float32{scale}, ZeroPoint: []int32{zp}, Axis: -1}
}

func perChannel(scales []float32) *format.Quant {
	return &format.Quant{Scale: scales, ZeroPoint: make([]int32, len(scales)), Axis: 0}
}

func int8Bytes(v []int8) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}

func int32Bytes(v []int32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(x))
	}
	return b
}

func float32Bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

// randInt8 returns n values in [lo, hi] from a fixed-seed source.
func randInt8(r *rand.Rand, n int, lo, hi int) []int8 {
	v := make([]int8, n)
	for i := range v {
		v[i] = int8(lo + r.IntN(hi-lo+1))
	}
	return v
}

func randInt32(r *rand.Rand, n int, lo, hi int) []int32 {
	v := make([]int32, n)
	for i := range v {
		v[i] = int32(lo + r.IntN(hi-lo+1))
	}
	return v
}

func randFloat32(r *rand.Rand, n int, lo, hi float32) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = lo + (hi-lo)*r.Float32()
	}
	return v
}

func mustLoad(t testing.TB, m *format.Model) *Model {
	t.Helper()
	model, err := LoadModel(m)
	if err != nil {
		t.Fatal(err)
	}
	return model
}

func mustInterpreter(t testing.TB, m *Model, threads int) *Interpreter {
	t.Helper()
	it, err := m.NewInterpreter(Options{Threads: threads})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { it.Close() })
	return it
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }
