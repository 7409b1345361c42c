package builder

import (
	"slices"
	"testing"
)

func TestWindowOut(t *testing.T) {
	// Output sizes of well-known layers, worked by hand from
	// (in + padBefore + padAfter - dilation*(k-1) - 1)/stride + 1.
	tests := []struct {
		name                           string
		in, k, stride, dil, pad0, pad1 int
		want                           int
	}{
		{"lenet conv1 5x5 valid", 28, 5, 1, 1, 0, 0, 24},                  // 28-5+1
		{"alexnet conv1 11x11 s4 p2", 224, 11, 4, 1, 2, 2, 55},            // (228-11)/4+1 = 54+1
		{"alexnet overlapping pool 3 s2", 55, 3, 2, 1, 0, 0, 27},          // 52/2+1
		{"resnet stem pool 3 s2 p1", 112, 3, 2, 1, 1, 1, 56},              // 111/2+1 = 55+1
		{"same 3x3 dilation 2 pad 2", 10, 3, 1, 2, 2, 2, 10},              // span 5: (14-5)+1
		{"asymmetric pad", 7, 2, 2, 1, 0, 1, 4},                           // (8-2)/2+1
		{"kernel equals padded input", 3, 5, 1, 1, 1, 1, 1},               // (5-5)+1
		{"stride larger than kernel", 9, 1, 4, 1, 0, 0, 3},                // 8/4+1
		{"mobilenet dw 3x3 s2 p1 odd input", 15, 3, 2, 1, 1, 1, 8},        // 14/2+1
		{"mobilenet dw 3x3 s2 p1 even input", 16, 3, 2, 1, 1, 1, 8},       // 15/2+1 = 7+1
		{"squeezenet ceil-free pool 3 s2 on 111", 111, 3, 2, 1, 0, 0, 55}, // 108/2+1
	}
	for _, tc := range tests {
		got, err := windowOut(tc.in, tc.k, tc.stride, tc.dil, tc.pad0, tc.pad1)
		if err != nil || got != tc.want {
			t.Errorf("%s: windowOut = %d, %v; want %d", tc.name, got, err, tc.want)
		}
	}
	for _, bad := range [][6]int{
		{4, 5, 1, 1, 0, 0},  // window larger than the input
		{4, 3, 0, 1, 0, 0},  // zero stride
		{4, 3, 1, 0, 0, 0},  // zero dilation
		{4, 3, 1, 1, -1, 0}, // negative padding
		{4, 3, 1, 2, 0, 0},  // dilation 2 makes the span 5 > 4
	} {
		if got, err := windowOut(bad[0], bad[1], bad[2], bad[3], bad[4], bad[5]); err == nil {
			t.Errorf("windowOut%v = %d, want an error", bad, got)
		}
	}
}

func TestBroadcastShape(t *testing.T) {
	tests := []struct {
		a, b, want []int
	}{
		{[]int{1, 8, 8, 16}, []int{1, 1, 1, 16}, []int{1, 8, 8, 16}}, // squeeze-excite scale
		{[]int{1, 8, 8, 16}, []int{16}, []int{1, 8, 8, 16}},          // per-channel constant
		{[]int{4, 1}, []int{1, 3}, []int{4, 3}},                      // both sides broadcast
		{[]int{2, 3}, []int{2, 3}, []int{2, 3}},
	}
	for _, tc := range tests {
		got, err := broadcastShape(tc.a, tc.b)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("broadcastShape(%v, %v) = %v, %v; want %v", tc.a, tc.b, got, err, tc.want)
		}
	}
	if got, err := broadcastShape([]int{1, 8, 8, 16}, []int{8}); err == nil {
		t.Errorf("broadcastShape([1 8 8 16], [8]) = %v, want an error", got)
	}
}

func TestReduceAndReshapeShapes(t *testing.T) {
	out, axes, err := reduceShape([]int{1, 7, 7, 32}, []int{2, -3}, true)
	if err != nil || !slices.Equal(out, []int{1, 1, 1, 32}) || !slices.Equal(axes, []int{1, 2}) {
		t.Errorf("reduceShape keep = %v, %v, %v; want [1 1 1 32] [1 2]", out, axes, err)
	}
	out, _, err = reduceShape([]int{1, 7, 7, 32}, []int{1, 2}, false)
	if err != nil || !slices.Equal(out, []int{1, 32}) {
		t.Errorf("reduceShape drop = %v, %v; want [1 32]", out, err)
	}
	if _, _, err := reduceShape([]int{1, 7, 7, 32}, []int{1, 1}, false); err == nil {
		t.Error("reduceShape with a repeated axis: want an error")
	}
	got, err := resolveReshape([]int{1, -1}, 4*4*16)
	if err != nil || !slices.Equal(got, []int{1, 256}) {
		t.Errorf("resolveReshape([1 -1], 256) = %v, %v", got, err)
	}
	if got, err := resolveReshape([]int{3, -1}, 256); err == nil {
		t.Errorf("resolveReshape([3 -1], 256) = %v, want an error", got)
	}
}
