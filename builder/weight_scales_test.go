package builder

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
)

// Prescribed weight scales (an imported QDQ model's) replace maxabs/127:
// the int8 weights are round(w/scale) clamped to [-127, 127], and the bias
// is quantized at input scale × those scales.
func TestWeightScales(t *testing.T) {
	b := New()
	x := b.Input("x", []int{1, 3}, format.NHWC)
	// Channel 0 fits its scale; channel 1 reaches -128.4 levels, which
	// clamps to -127; channel 2 has a half-level tie (2.5 -> 3, away from
	// zero).
	w := []float32{0.5, -1, 0.25, 1, -6.42, 2, 0.25, 0.1, -0.1}
	scales := []float32{0.5 / 64, 0.05, 0.1}
	fc := b.FullyConnected("fc", x, Weights{Shape: []int{3, 3}, Data: w, Scales: scales}, []float32{0.5, 0, -0.25}, ActNone)
	b.Output(fc)
	b.SetRange(x, -1, 1)
	b.SetRange(fc, -4, 4)
	m, err := b.Int8Model(Int8Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, wt := tensorByName(t, m, "fc/weights")
	if !slices.Equal(wt.Quant.Scale, scales) {
		t.Errorf("weight scales %v, want %v", wt.Quant.Scale, scales)
	}
	got := make([]int8, len(wt.Data))
	for i, v := range wt.Data {
		got[i] = int8(v)
	}
	// Hand-worked: w / scale, rounded half away from zero, clamped.
	want := []int8{64, -127, 32, 20, -127, 40, 3, 1, -1}
	if !slices.Equal(got, want) {
		t.Errorf("int8 weights %v, want %v", got, want)
	}
	_, bt := tensorByName(t, m, "fc/bias")
	in := m.Tensors[m.Inputs[0]].Quant.Scale[0]
	for c, s := range bt.Quant.Scale {
		if s != in*scales[c] {
			t.Errorf("bias scale %d: %v, want input scale × weight scale %v", c, s, in*scales[c])
		}
	}

	for _, bad := range []struct {
		scales []float32
		msg    string
	}{
		{[]float32{1, 1}, "2 scales for 3 output channels"},
		{[]float32{1, 0, 1}, "scale 0 of channel 1"},
		{[]float32{1, float32(math.Inf(1)), 1}, "scale +Inf of channel 1"},
	} {
		b := New()
		x := b.Input("x", []int{1, 3}, format.NHWC)
		b.FullyConnected("fc", x, Weights{Shape: []int{3, 3}, Data: w, Scales: bad.scales}, nil, ActNone)
		if err := b.Err(); err == nil || !strings.Contains(err.Error(), bad.msg) {
			t.Errorf("scales %v: error %v, want %q", bad.scales, err, bad.msg)
		}
	}
}
