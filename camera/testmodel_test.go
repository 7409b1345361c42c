package camera

import (
	"testing"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// imageModel is an int8 model whose output is its h x w x c image input,
// flattened, with the input quantized so that one 8-bit pixel step is one
// int8 step: q = pixel - 128 (scale 1, zero point -128, preprocessing the
// identity). Preprocessed inputs can be read back as pixels.
func imageModel(t testing.TB, h, w int, prep format.Preprocessing) (*runtime.Model, *runtime.Interpreter) {
	t.Helper()
	return imageModelThreads(t, h, w, prep, 1)
}

// imageModelThreads is imageModel with an interpreter of the given threads.
func imageModelThreads(t testing.TB, h, w int, prep format.Preprocessing, threads int) (*runtime.Model, *runtime.Interpreter) {
	t.Helper()
	c := 3
	if prep.ColorOrder == format.Gray {
		c = 1
	}
	b := builder.New()
	x := b.Input("image", []int{1, h, w, c}, format.NHWC)
	b.SetQuantization(x, 1, -128)
	b.Output(b.Flatten("flat", x))
	if prep.Scale == 0 {
		prep.Scale = 1
	}
	prep.Width, prep.Height, prep.Channels = w, h, c
	b.SetPreprocessing(prep)
	fm, err := b.Int8Model(builder.Int8Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := runtime.LoadModel(fm)
	if err != nil {
		t.Fatal(err)
	}
	it, err := m.NewInterpreter(runtime.Options{Threads: threads})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { it.Close(); m.Close() })
	return m, it
}

// inputPixels reads an imageModel's input back as 8-bit pixels.
func inputPixels(it *runtime.Interpreter) []int {
	in := it.Input(0).Int8()
	px := make([]int, len(in))
	for i, q := range in {
		px[i] = int(q) + 128
	}
	return px
}
