package kernels

import (
	"slices"
	"testing"
)

// lutInputs returns every int8 value once, then n random ones.
func lutInputs(t *testing.T, n int) []int8 {
	t.Helper()
	in := make([]int8, 256, 256+n)
	for i := range in {
		in[i] = int8(i - 128)
	}
	return append(in, randInt8s(newRand(uint64(n)), n, -128, 127)...)
}

func TestLUTInt8(t *testing.T) {
	r := newRand(20)
	table := randInt8s(r, 256, -128, 127)
	in := lutInputs(t, 777)
	p := &LUTParams{Elements: len(in), Channels: 1, Table: table}
	got := checkUnitsInt8(t, r, len(in), p.Units(), perElement, func(out []int8, lo, hi int) { LUTInt8(p, in, out, lo, hi) })
	for i, q := range in {
		if want := table[int(q)+128]; got[i] != want {
			t.Fatalf("out[%d] = table[%d+128] = %d, want %d", i, q, got[i], want)
		}
	}
}

// TestLUTInt8HandWorked: the identity table maps every value to itself, a
// ReLU table (zero point -5) maps q to max(q, -5), in place.
func TestLUTInt8HandWorked(t *testing.T) {
	identity, relu := make([]int8, 256), make([]int8, 256)
	for i := range identity {
		identity[i] = int8(i - 128)
		relu[i] = int8(max(i-128, -5))
	}
	in := []int8{-128, -6, -5, -4, 0, 127}
	out := make([]int8, len(in))
	LUTInt8(&LUTParams{Elements: 6, Channels: 1, Table: identity}, in, out, 0, 6)
	if !slices.Equal(out, in) {
		t.Errorf("identity: got %v, want %v", out, in)
	}
	LUTInt8(&LUTParams{Elements: 6, Channels: 1, Table: relu}, in, in, 0, 6)
	if want := []int8{-5, -5, -5, -4, 0, 127}; !slices.Equal(in, want) {
		t.Errorf("in-place ReLU: got %v, want %v", in, want)
	}
}

func TestLUTUint8ToInt8(t *testing.T) {
	r := newRand(21)
	table := randInt8s(r, 256, -128, 127)
	in := make([]uint8, 256+500)
	for i := range in {
		in[i] = uint8(i) // every value, then every value again
	}
	for i := 256; i < len(in); i++ {
		in[i] = uint8(r.Uint32())
	}
	p := &LUTParams{Elements: len(in), Channels: 1, Table: table}
	got := checkUnitsInt8(t, r, len(in), p.Units(), perElement, func(out []int8, lo, hi int) { LUTUint8ToInt8(p, in, out, lo, hi) })
	for i, q := range in {
		if want := table[q]; got[i] != want {
			t.Fatalf("out[%d] = table[%d] = %d, want %d", i, q, got[i], want)
		}
	}
}

func TestPerChannelLUTInt8(t *testing.T) {
	r := newRand(22)
	for _, channels := range []int{1, 2, 3, 7, 16} {
		tables := randInt8s(r, 256*channels, -128, 127)
		in := lutInputs(t, 31*channels+5) // not a whole number of pixels
		p := &LUTParams{Elements: len(in), Channels: channels, Table: tables}
		got := checkUnitsInt8(t, r, len(in), p.Units(), perElement, func(out []int8, lo, hi int) { PerChannelLUTInt8(p, in, out, lo, hi) })
		for i, q := range in {
			if want := tables[(i%channels)*256+int(q)+128]; got[i] != want {
				t.Fatalf("%d channels: out[%d] = table %d [%d+128] = %d, want %d", channels, i, i%channels, q, got[i], want)
			}
		}
	}
}

func TestLUTAllocs(t *testing.T) {
	in, out, u := make([]int8, 1000), make([]int8, 1000), make([]uint8, 1000)
	one := &LUTParams{Elements: 1000, Channels: 1, Table: make([]int8, 256)}
	per := &LUTParams{Elements: 1000, Channels: 24, Table: make([]int8, 24*256)}
	checkNoAllocs(t, "LUTInt8", func() { LUTInt8(one, in, out, 3, 1000) })
	checkNoAllocs(t, "LUTUint8ToInt8", func() { LUTUint8ToInt8(one, u, out, 0, 999) })
	checkNoAllocs(t, "PerChannelLUTInt8", func() { PerChannelLUTInt8(per, in, out, 5, 1000) })
}

func BenchmarkLUTInt8(b *testing.B) {
	in, out := make([]int8, 56*56*24), make([]int8, 56*56*24)
	p := &LUTParams{Elements: len(in), Channels: 1, Table: make([]int8, 256)}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		LUTInt8(p, in, out, 0, len(in))
	}
}
