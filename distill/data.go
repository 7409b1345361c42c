package distill

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // images: folders may hold JPEG
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/train"
)

// Dataset is a set of 8-bit images of one shape, channel-major (C, H, W),
// with their labels (−1: unlabeled).
type Dataset struct {
	Source  string // where it came from, for messages
	C, H, W int
	Pixels  []uint8 // N·C·H·W
	Labels  []int
	Classes []string // class names, when the source has them
}

// Len is the number of images.
func (d *Dataset) Len() int { return len(d.Labels) }

// Labeled reports whether every image has a label.
func (d *Dataset) Labeled() bool {
	return !slices.Contains(d.Labels, -1)
}

// Subset returns the images at idx (a copy).
func (d *Dataset) Subset(idx []int) *Dataset {
	per := d.C * d.H * d.W
	s := &Dataset{Source: d.Source, C: d.C, H: d.H, W: d.W, Classes: d.Classes,
		Pixels: make([]uint8, 0, len(idx)*per), Labels: make([]int, 0, len(idx))}
	for _, i := range idx {
		s.Pixels = append(s.Pixels, d.Pixels[i*per:(i+1)*per]...)
		s.Labels = append(s.Labels, d.Labels[i])
	}
	return s
}

// Normalizer turns 8-bit pixels into model inputs as format.Preprocessing
// says: x = (p·Scale + Offset − Mean[c]) / Std[c].
type Normalizer struct{ table [][256]float32 }

// NewNormalizer tabulates p for c channels.
func NewNormalizer(p format.Preprocessing, c int) Normalizer {
	n := Normalizer{table: make([][256]float32, c)}
	for ch := range c {
		mean, std := float32(0), float32(1)
		if len(p.Mean) == 1 {
			mean = p.Mean[0]
		} else if len(p.Mean) > ch {
			mean = p.Mean[ch]
		}
		if len(p.Std) == 1 {
			std = p.Std[0]
		} else if len(p.Std) > ch {
			std = p.Std[ch]
		}
		scale := p.Scale
		if scale == 0 {
			scale = 1
		}
		for v := range 256 {
			n.table[ch][v] = (float32(v)*scale + p.Offset - mean) / std
		}
	}
	return n
}

// Batch writes images idx of d, normalized, into x ([len(idx), C, H, W])
// and returns their labels.
func (d *Dataset) Batch(n Normalizer, idx []int, x *train.Tensor) []int {
	per := d.C * d.H * d.W
	hw := d.H * d.W
	x.Shape = append(x.Shape[:0], len(idx), d.C, d.H, d.W)
	if cap(x.Data) < len(idx)*per {
		x.Data = make([]float32, len(idx)*per)
	}
	x.Data = x.Data[:len(idx)*per]
	labels := make([]int, len(idx))
	for s, i := range idx {
		src := d.Pixels[i*per : (i+1)*per]
		dst := x.Data[s*per : (s+1)*per]
		for k, p := range src {
			dst[k] = n.table[k/hw][p]
		}
		labels[s] = d.Labels[i]
	}
	return labels
}

// Load opens a training set for a model taking c×h×w images:
//
//	idx:DIR     MNIST layout: DIR/train-images-idx3-ubyte[.gz] and
//	            train-labels-idx1-ubyte[.gz] (train), t10k-* (test)
//	images:DIR  DIR/CLASS/*.png|jpg (labeled, classes in name order) or
//	            DIR/*.png|jpg (unlabeled); no test set
//
// It returns the training and test sets (test nil when the source has
// none) or an error naming what is missing or malformed.
func Load(spec string, c, h, w int) (trainSet, testSet *Dataset, err error) {
	kind, dir, ok := strings.Cut(spec, ":")
	if !ok || dir == "" {
		return nil, nil, fmt.Errorf("data %q: want idx:DIR or images:DIR", spec)
	}
	if st, err := os.Stat(dir); err != nil {
		return nil, nil, fmt.Errorf("data %q: %w", spec, err)
	} else if !st.IsDir() {
		return nil, nil, fmt.Errorf("data %q: %s is not a folder", spec, dir)
	}
	switch kind {
	case "idx":
		trainSet, err = loadIDXPair(dir, "train", c, h, w)
		if err != nil {
			return nil, nil, err
		}
		if testSet, err = loadIDXPair(dir, "t10k", c, h, w); errors.Is(err, os.ErrNotExist) {
			testSet, err = nil, nil
		}
		return trainSet, testSet, err
	case "images":
		trainSet, err = loadImageFolder(dir, c, h, w)
		return trainSet, nil, err
	}
	return nil, nil, fmt.Errorf("data %q: unknown kind %q; want idx or images", spec, kind)
}

func findIDX(dir, name string) (string, error) {
	for _, p := range []string{name, name + ".gz"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			return filepath.Join(dir, p), nil
		}
	}
	return "", fmt.Errorf("%s: no %s[.gz]: %w", dir, name, os.ErrNotExist)
}

func loadIDXPair(dir, split string, c, h, w int) (*Dataset, error) {
	ip, err := findIDX(dir, split+"-images-idx3-ubyte")
	if err != nil {
		return nil, err
	}
	lp, err := findIDX(dir, split+"-labels-idx1-ubyte")
	if err != nil {
		return nil, err
	}
	imgs, idims, err := readIDX(ip)
	if err != nil {
		return nil, err
	}
	labs, ldims, err := readIDX(lp)
	if err != nil {
		return nil, err
	}
	if len(idims) != 3 || len(ldims) != 1 || idims[0] != ldims[0] {
		return nil, fmt.Errorf("%s, %s: images %v and labels %v do not pair up as N×H×W and N", ip, lp, idims, ldims)
	}
	if c != 1 || idims[1] != h || idims[2] != w {
		return nil, fmt.Errorf("%s: %d×%d gray images; the teacher takes %d×%d×%d", ip, idims[1], idims[2], c, h, w)
	}
	d := &Dataset{Source: "idx:" + dir + " " + split, C: 1, H: h, W: w, Pixels: imgs, Labels: make([]int, len(labs))}
	for i, l := range labs {
		d.Labels[i] = int(l)
	}
	if d.Len() == 0 {
		return nil, fmt.Errorf("%s: no images", ip)
	}
	return d, nil
}

// readIDX reads an unsigned-byte IDX file (optionally gzipped).
func readIDX(path string) ([]uint8, []int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		z, err := gzip.NewReader(f)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		r = z
	}
	data, err := io.ReadAll(io.LimitReader(r, 1<<30))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) < 4 || data[0] != 0 || data[1] != 0 || data[2] != 0x08 {
		return nil, nil, fmt.Errorf("%s: not an unsigned-byte IDX file", path)
	}
	nd := int(data[3])
	if len(data) < 4+4*nd {
		return nil, nil, fmt.Errorf("%s: truncated header", path)
	}
	dims := make([]int, nd)
	n := 1
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(data[4+4*i:]))
		n *= dims[i]
	}
	body := data[4+4*nd:]
	if len(body) != n {
		return nil, nil, fmt.Errorf("%s: %d bytes of data for dims %v", path, len(body), dims)
	}
	return body, dims, nil
}

var imageExts = []string{".png", ".jpg", ".jpeg"}

func isImage(name string) bool {
	return slices.Contains(imageExts, strings.ToLower(filepath.Ext(name)))
}

// loadImageFolder reads DIR/CLASS/* (labeled) or DIR/* (unlabeled),
// resized to w×h (bilinear) and converted to c channels (1: gray, 3: RGB).
func loadImageFolder(dir string, c, h, w int) (*Dataset, error) {
	if c != 1 && c != 3 {
		return nil, fmt.Errorf("images:%s: the teacher takes %d channels; images give 1 or 3", dir, c)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	d := &Dataset{Source: "images:" + dir, C: c, H: h, W: w}
	var files []string
	var labels []int
	for _, e := range entries {
		switch {
		case e.IsDir():
			sub, err := os.ReadDir(filepath.Join(dir, e.Name()))
			if err != nil {
				return nil, err
			}
			class := len(d.Classes)
			d.Classes = append(d.Classes, e.Name())
			for _, f := range sub {
				if !f.IsDir() && isImage(f.Name()) {
					files = append(files, filepath.Join(dir, e.Name(), f.Name()))
					labels = append(labels, class)
				}
			}
		case isImage(e.Name()):
			files = append(files, filepath.Join(dir, e.Name()))
			labels = append(labels, -1)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("images:%s: no .png or .jpg images in the folder or its class subfolders", dir)
	}
	if len(d.Classes) > 0 && slices.Contains(labels, -1) {
		return nil, fmt.Errorf("images:%s: has both class subfolders and loose images; use one layout", dir)
	}
	d.Labels = labels
	d.Pixels = make([]uint8, 0, len(files)*c*h*w)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		img, _, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		d.Pixels = append(d.Pixels, resample(img, c, h, w)...)
	}
	return d, nil
}

// resample converts img to c×h×w 8-bit channel-major pixels, stretching
// it bilinearly.
func resample(img image.Image, c, h, w int) []uint8 {
	b := img.Bounds()
	out := make([]uint8, c*h*w)
	at := func(x, y int) (r, g, bl float64) {
		cr, cg, cb, _ := color.NRGBA64Model.Convert(img.At(b.Min.X+x, b.Min.Y+y)).RGBA()
		return float64(cr) / 257, float64(cg) / 257, float64(cb) / 257
	}
	for y := range h {
		fy := (float64(y)+0.5)*float64(b.Dy())/float64(h) - 0.5
		y0 := min(max(int(fy), 0), b.Dy()-1)
		y1 := min(y0+1, b.Dy()-1)
		wy := min(max(fy-float64(y0), 0), 1)
		for x := range w {
			fx := (float64(x)+0.5)*float64(b.Dx())/float64(w) - 0.5
			x0 := min(max(int(fx), 0), b.Dx()-1)
			x1 := min(x0+1, b.Dx()-1)
			wx := min(max(fx-float64(x0), 0), 1)
			var px [3]float64
			for _, s := range []struct {
				x, y int
				k    float64
			}{{x0, y0, (1 - wx) * (1 - wy)}, {x1, y0, wx * (1 - wy)}, {x0, y1, (1 - wx) * wy}, {x1, y1, wx * wy}} {
				r, g, bl := at(s.x, s.y)
				px[0] += s.k * r
				px[1] += s.k * g
				px[2] += s.k * bl
			}
			if c == 1 {
				out[y*w+x] = uint8(min(max(0.299*px[0]+0.587*px[1]+0.114*px[2]+0.5, 0), 255))
				continue
			}
			for ch := range 3 {
				out[(ch*h+y)*w+x] = uint8(min(max(px[ch]+0.5, 0), 255))
			}
		}
	}
	return out
}
