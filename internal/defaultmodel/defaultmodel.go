// Package defaultmodel embeds the model that `edgeinfer demo` runs without
// any file or camera: an int8 Fashion-MNIST classifier, its labels (stored in
// the model's metadata) and twenty sample images from the test set, two per
// class. generate.sh regenerates all of it from committed sources.
package defaultmodel

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed model.einf
var model []byte

//go:embed samples/*.png
var samples embed.FS

// Model returns the embedded model file. The slice is shared: do not modify it.
func Model() []byte { return model }

// Sample is one embedded test image.
type Sample struct {
	Name  string // file name, "<test-set index>_<class>.png"
	Class int    // the true class (index into the model's labels)
	PNG   []byte // the encoded 28x28 grayscale image
}

// Samples returns the embedded images in name order.
func Samples() ([]Sample, error) {
	entries, err := fs.ReadDir(samples, "samples")
	if err != nil {
		return nil, err
	}
	out := make([]Sample, 0, len(entries))
	for _, e := range entries {
		name := e.Name()
		stem := strings.TrimSuffix(name, ".png")
		_, classText, ok := strings.Cut(stem, "_")
		class, err := strconv.Atoi(classText)
		if !ok || err != nil {
			return nil, fmt.Errorf("defaultmodel: sample %q is not named <index>_<class>.png", name)
		}
		data, err := samples.ReadFile(path.Join("samples", name))
		if err != nil {
			return nil, err
		}
		out = append(out, Sample{Name: name, Class: class, PNG: data})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
