package runtime

import (
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/quant"
)

// Class is one scored entry of a classifier's output.
type Class struct {
	Index int     // flat index into the output
	Label string  // the model's label for Index, "" without one
	Score float32 // the real (dequantized) output value
}

// TopK returns the k highest-scoring entries of output i, best first
// (equal scores: lower index first), labelled from the model's metadata
// when the output's last dimension has one label per entry. Entries go
// into dst when it has the capacity (no allocation). An output index out
// of range, or one that is not int8, uint8 or float32, gives no entries.
func (it *Interpreter) TopK(i, k int, dst []Class) []Class {
	dst = dst[:0]
	t := it.Output(i)
	if t == nil || k <= 0 {
		return dst
	}
	var score func(j int) float32
	switch t.DType {
	case format.Float32:
		v := t.Float32()
		score = func(j int) float32 { return v[j] }
	case format.Int8:
		v, scale, zp := t.Int8(), t.Quant.Scale[0], t.Quant.ZeroPoint[0]
		score = func(j int) float32 { return quant.Dequantize(v[j], scale, zp) }
	case format.Uint8:
		v, scale, zp := t.data, t.Quant.Scale[0], t.Quant.ZeroPoint[0]
		score = func(j int) float32 { return float32(int32(v[j])-zp) * scale }
	default:
		return dst
	}
	n := t.Elements()
	k = min(k, n)
	// Insertion into the sorted top k: O(n*k), and k is small.
	for j := range n {
		s := score(j)
		if len(dst) == k && !(s > dst[k-1].Score) {
			continue
		}
		if len(dst) < k {
			dst = append(dst, Class{})
		}
		at := len(dst) - 1
		for at > 0 && s > dst[at-1].Score {
			dst[at] = dst[at-1]
			at--
		}
		dst[at] = Class{Index: j, Score: s}
	}
	labels := it.model.graph.Metadata.Labels
	if r := len(t.Shape); len(labels) > 0 && r > 0 && t.Shape[r-1] == len(labels) {
		for c := range dst {
			dst[c].Label = labels[dst[c].Index%len(labels)]
		}
	}
	return dst
}
