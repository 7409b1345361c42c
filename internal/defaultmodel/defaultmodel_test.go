package defaultmodel

import (
	"bytes"
	"image"
	_ "image/png"
	"testing"

	"github.com/edgeinfer/edgeinfer/runtime"
)

// TestEmbeddedModelClassifiesSamples loads the embedded model and checks it
// labels the embedded samples as well as a >90% classifier should: the
// samples are the first test images of each class, which the float model
// classifies at 91.8% over the whole test set.
func TestEmbeddedModelClassifiesSamples(t *testing.T) {
	m, err := runtime.LoadBytes(Model())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if got := len(m.Format().Metadata.Labels); got != 10 {
		t.Fatalf("labels: %d, want 10", got)
	}
	it, err := m.NewInterpreter(runtime.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	s, err := Samples()
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 20 {
		t.Fatalf("%d samples, want 20", len(s))
	}
	right := 0
	var top []runtime.Class
	for _, smp := range s {
		img, _, err := image.Decode(bytes.NewReader(smp.PNG))
		if err != nil {
			t.Fatalf("%s: %v", smp.Name, err)
		}
		if b := img.Bounds(); b.Dx() != 28 || b.Dy() != 28 {
			t.Fatalf("%s: %v, want 28x28", smp.Name, b)
		}
		if err := it.SetInputImage(0, img); err != nil {
			t.Fatal(err)
		}
		if err := it.Run(); err != nil {
			t.Fatal(err)
		}
		top = it.TopK(0, 1, top)
		if top[0].Index == smp.Class {
			right++
		}
	}
	if right < 16 {
		t.Errorf("%d of 20 samples right, want at least 16", right)
	}
	t.Logf("%d of 20 samples right", right)
}
