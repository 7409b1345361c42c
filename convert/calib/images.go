package calib

import (
	"fmt"
	"image"
	_ "image/jpeg" // register the decoders image.Decode uses
	_ "image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/edgeinfer/edgeinfer/builder"
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// imageSource serves the JPEG and PNG files of a folder, preprocessed by
// the runtime's own image code: a one-op float model with the
// preprocessing metadata, run with SetInputImage. Calibration therefore
// sees exactly the values `edgeinfer run IMAGE` feeds the converted model.
type imageSource struct {
	dir   string
	files []string
	prep  format.Preprocessing
	model *runtime.Model
	it    *runtime.Interpreter
}

func openImages(dir string, inputs []Input, prep format.Preprocessing) (*imageSource, error) {
	c, h, w, err := imageInput("images", inputs)
	if err != nil {
		return nil, err
	}
	if c != 1 && c != 3 {
		return nil, fmt.Errorf("calib: images: input %q has %d channels; images give 1 (gray) or 3", inputs[0].Name, c)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("calib: %w", err)
	}
	var files []string
	for _, e := range entries {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".jpg", ".jpeg", ".png":
			if !e.IsDir() {
				files = append(files, filepath.Join(dir, e.Name()))
			}
		}
	}
	slices.Sort(files)
	if len(files) == 0 {
		return nil, fmt.Errorf("calib: images: %s holds no .jpg, .jpeg or .png files", dir)
	}
	prep.Width, prep.Height, prep.Channels = w, h, c
	switch {
	case c == 1:
		prep.ColorOrder = format.Gray
	case prep.ColorOrder == format.Gray:
		return nil, fmt.Errorf("calib: images: gray preprocessing for a 3-channel input %q", inputs[0].Name)
	}
	if prep.Scale == 0 {
		prep.Scale = 1
	}
	m, err := preprocessor(h, w, c, prep)
	if err != nil {
		return nil, err
	}
	it, err := m.NewInterpreter(runtime.Options{})
	if err != nil {
		return nil, err
	}
	return &imageSource{dir: dir, files: files, prep: prep, model: m, it: it}, nil
}

// preprocessor is a float model that copies its one NHWC image input to
// its output, carrying prep as metadata.
func preprocessor(h, w, c int, prep format.Preprocessing) (*runtime.Model, error) {
	b := builder.New()
	x := b.Input("image", []int{1, h, w, c}, format.NCHW)
	y := b.Reshape("pixels", x, []int{1, h, w, c})
	b.Output(y)
	b.SetSourceLayout(y, format.NCHW)
	b.SetPreprocessing(prep)
	fm, err := b.Float32Model()
	if err != nil {
		return nil, fmt.Errorf("calib: images: %w", err)
	}
	return runtime.LoadModel(fm)
}

func (s *imageSource) Len() int { return len(s.files) }

func (s *imageSource) Sample(i int) ([][]float32, error) {
	if i < 0 || i >= len(s.files) {
		return nil, fmt.Errorf("calib: images %s: sample %d of %d", s.dir, i, len(s.files))
	}
	path := s.files[i]
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("calib: %w", err)
	}
	img, _, err := image.Decode(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("calib: images: %s: %w", path, err)
	}
	if err := s.it.SetInputImage(0, img); err != nil {
		return nil, fmt.Errorf("calib: images: %s: %w", path, err)
	}
	if err := s.it.Run(); err != nil {
		return nil, fmt.Errorf("calib: images: %s: %w", path, err)
	}
	v, err := s.it.OutputFloat32(0, nil, format.NCHW)
	if err != nil {
		return nil, err
	}
	return [][]float32{v}, nil
}

func (s *imageSource) Preprocessing() *format.Preprocessing {
	p := s.prep
	return &p
}

func (s *imageSource) String() string { return "images:" + s.dir }

func (s *imageSource) Close() error {
	s.it.Close()
	return s.model.Close()
}
