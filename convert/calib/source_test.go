package calib

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
)

func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRawSource(t *testing.T) {
	inputs := []Input{{"a", []int{1, 2, 2}}, {"b", []int{3}}}
	var buf bytes.Buffer
	for i := range 3 * 7 {
		binary.Write(&buf, binary.LittleEndian, float32(i)/4)
	}
	path := writeFile(t, "calib.f32", buf.Bytes())
	s, err := Open("raw:"+path, inputs, format.Preprocessing{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Len() != 3 {
		t.Fatalf("Len %d, want 3", s.Len())
	}
	x, err := s.Sample(2)
	if err != nil {
		t.Fatal(err)
	}
	// Sample 2 holds values 14..20 (quartered): a gets 4, b gets 3.
	if len(x[0]) != 4 || x[0][0] != 14.0/4 || x[1][2] != 20.0/4 {
		t.Errorf("sample 2 = %v", x)
	}
	if s.Preprocessing() != nil {
		t.Error("raw tensors have no image preprocessing")
	}
	bad := writeFile(t, "bad.f32", buf.Bytes()[:buf.Len()-4])
	if _, err := Open("raw:"+bad, inputs, format.Preprocessing{}); err == nil || !strings.Contains(err.Error(), "not a positive multiple of one sample, 7 float32 values (a [1 2 2], b [3])") {
		t.Errorf("truncated raw file: %v", err)
	}
	for _, spec := range []string{"raw", "raw:", "tensors:x", "raw:" + filepath.Join(t.TempDir(), "missing")} {
		if _, err := Open(spec, inputs, format.Preprocessing{}); err == nil {
			t.Errorf("Open(%q) succeeded", spec)
		}
	}
}

func idxBytes(t *testing.T, items int, item []int, data []byte) []byte {
	var b bytes.Buffer
	if err := WriteIDX(&b, items, item, data); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestIDXSource(t *testing.T) {
	// Two gray 2x3 images, pixel values 0..11.
	data := make([]byte, 12)
	for i := range data {
		data[i] = byte(20 * i)
	}
	prep := format.Preprocessing{Scale: 1.0 / 255, Mean: []float32{0.5}, Std: []float32{0.25}}
	var gz bytes.Buffer
	z := gzip.NewWriter(&gz)
	z.Write(idxBytes(t, 2, []int{2, 3}, data))
	z.Close()
	for _, name := range []string{"images.idx", "images.idx.gz"} {
		raw := idxBytes(t, 2, []int{2, 3}, data)
		if strings.HasSuffix(name, ".gz") {
			raw = gz.Bytes()
		}
		s, err := Open("idx:"+writeFile(t, name, raw), []Input{{"x", []int{1, 1, 2, 3}}}, prep)
		if err != nil {
			t.Fatal(err)
		}
		x, err := s.Sample(1)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range x[0] {
			p := float32(20 * (6 + k))
			want := (float32(p*float32(1.0/255)) - 0.5) / 0.25
			if v != want {
				t.Errorf("%s: value %d = %v, want %v", name, k, v, want)
			}
		}
		pp := s.Preprocessing()
		if pp == nil || pp.ColorOrder != format.Gray || pp.Width != 3 || pp.Height != 2 || pp.Channels != 1 || pp.Std[0] != 0.25 {
			t.Errorf("%s: preprocessing %+v", name, pp)
		}
	}
}

// Colour items stored [H, W, C] feed an NCHW input channel by channel.
func TestIDXSourceHWC(t *testing.T) {
	data := make([]byte, 2*2*3)
	for i := range data {
		data[i] = byte(i)
	}
	s, err := Open("idx:"+writeFile(t, "rgb.idx", idxBytes(t, 1, []int{2, 2, 3}, data)), []Input{{"x", []int{1, 3, 2, 2}}}, format.Preprocessing{})
	if err != nil {
		t.Fatal(err)
	}
	x, _ := s.Sample(0)
	// Channel c of pixel p is byte 3p+c.
	want := []float32{0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11}
	for i := range want {
		if x[0][i] != want[i] {
			t.Fatalf("CHW values %v, want %v", x[0], want)
		}
	}
}

func TestIDXErrors(t *testing.T) {
	good := idxBytes(t, 2, []int{2, 3}, make([]byte, 12))
	for name, b := range map[string][]byte{
		"truncated": good[:len(good)-1],
		"magic":     append([]byte{1}, good[1:]...),
		"type":      append([]byte{0, 0, 0x0B}, good[3:]...),
		"header":    good[:9],
	} {
		if _, err := Open("idx:"+writeFile(t, name, b), []Input{{"x", []int{1, 1, 2, 3}}}, format.Preprocessing{}); err == nil {
			t.Errorf("%s IDX accepted", name)
		}
	}
	if _, err := Open("idx:"+writeFile(t, "g", good), []Input{{"x", []int{1, 1, 3, 3}}}, format.Preprocessing{}); err == nil || !strings.Contains(err.Error(), "do not fit input") {
		t.Errorf("mismatched item shape: %v", err)
	}
}

// Images of the input's size pass through unresampled, so every value is
// (pixel/255 - mean[c]) / std[c] of the pixel in the model's channel
// order; files are served in name order.
func TestImageSource(t *testing.T) {
	dir := t.TempDir()
	for k, name := range []string{"b.png", "a.png"} {
		img := image.NewNRGBA(image.Rect(0, 0, 3, 2))
		for y := range 2 {
			for x := range 3 {
				img.Set(x, y, color.NRGBA{uint8(10*x + k), uint8(50 + y), uint8(200 - x), 255})
			}
		}
		f, _ := os.Create(filepath.Join(dir, name))
		png.Encode(f, img)
		f.Close()
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not an image"), 0o644)
	prep := format.Preprocessing{ColorOrder: format.BGR, Scale: 1.0 / 255, Mean: []float32{0.1, 0.2, 0.3}, Std: []float32{0.5, 0.6, 0.7}, Fit: format.FitSquash, Interpolation: format.ResizeBilinear}
	s, err := Open("images:"+dir, []Input{{"x", []int{1, 3, 2, 3}}}, prep)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Len() != 2 {
		t.Fatalf("Len %d, want 2", s.Len())
	}
	v, err := s.Sample(0) // a.png: k = 1
	if err != nil {
		t.Fatal(err)
	}
	for c := range 3 {
		for y := range 2 {
			for x := range 3 {
				bgr := [3]uint8{uint8(200 - x), uint8(50 + y), uint8(10*x + 1)}
				want := normalize(bgr[c], c, &prep)
				if got := v[0][(c*2+y)*3+x]; math.Abs(float64(got-want)) > 0 {
					t.Errorf("channel %d pixel (%d, %d) = %v, want %v", c, x, y, got, want)
				}
			}
		}
	}
	if p := s.Preprocessing(); p.Width != 3 || p.Height != 2 || p.ColorOrder != format.BGR {
		t.Errorf("preprocessing %+v", p)
	}
	if _, err := Open("images:"+t.TempDir(), []Input{{"x", []int{1, 3, 2, 3}}}, prep); err == nil {
		t.Error("empty folder accepted")
	}
}
