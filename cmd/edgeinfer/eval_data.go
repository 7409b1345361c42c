package main

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/edgeinfer/edgeinfer/convert/calib"
)

// labeledSet is an evaluation data set: n images with their true classes.
type labeledSet interface {
	Len() int
	// Image returns image i and its class.
	Image(i int) (image.Image, int, error)
	// String names the source for the report.
	String() string
}

// openLabeledSet opens --data: idx:PATH or images:DIR. labels are the
// model's class names (may be empty), classes its output size.
func openLabeledSet(spec string, labels []string, classes int) (labeledSet, error) {
	kind, path, ok := strings.Cut(spec, ":")
	if !ok || path == "" {
		return nil, usagef("--data %q: want idx:PATH or images:DIR", spec)
	}
	switch kind {
	case "idx":
		return openIDXSet(path, classes)
	case "images":
		return openImageDirSet(path, labels, classes)
	}
	return nil, usagef("--data %q: unknown kind %q; want idx:PATH or images:DIR", spec, kind)
}

// idxSet is an IDX image file with its IDX label file.
type idxSet struct {
	images, labels *calib.IDX
	imagesPath     string
}

// openIDXSet opens an IDX image file, or the test images of a folder
// (Fashion-MNIST's layout: t10k-images-idx3-ubyte[.gz] preferred over
// train-images-...), and the label file named like it with "labels-idx1"
// for "images-idx3".
func openIDXSet(path string, classes int) (*idxSet, error) {
	imagesPath := path
	if st, err := os.Stat(path); err != nil {
		return nil, err
	} else if st.IsDir() {
		var found []string
		for _, pat := range []string{"t10k-images-idx3-ubyte*", "*-images-idx3-ubyte*", "*images*idx3*"} {
			found, _ = filepath.Glob(filepath.Join(path, pat))
			if len(found) > 0 {
				break
			}
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no IDX image file (*-images-idx3-ubyte[.gz])", path)
		}
		slices.Sort(found)
		imagesPath = found[0]
	}
	base := filepath.Base(imagesPath)
	if !strings.Contains(base, "images-idx3") {
		return nil, fmt.Errorf("%s: cannot name its label file (want an image file called *images-idx3*)", imagesPath)
	}
	labelsPath := filepath.Join(filepath.Dir(imagesPath), strings.Replace(base, "images-idx3", "labels-idx1", 1))
	imgs, err := calib.ReadIDX(imagesPath)
	if err != nil {
		return nil, err
	}
	labs, err := calib.ReadIDX(labelsPath)
	if err != nil {
		return nil, err
	}
	switch {
	case len(imgs.Dims) != 3 && !(len(imgs.Dims) == 4 && (imgs.Dims[3] == 1 || imgs.Dims[3] == 3)):
		return nil, fmt.Errorf("%s: items of shape %v; want HxW gray or HxWx3 images", imagesPath, imgs.Dims[1:])
	case len(labs.Dims) != 1 || labs.Dims[0] != imgs.Dims[0]:
		return nil, fmt.Errorf("%s: labels of shape %v for %d images", labelsPath, labs.Dims, imgs.Dims[0])
	}
	for i, l := range labs.Data {
		if int(l) >= classes {
			return nil, fmt.Errorf("%s: label %d of item %d is not a class of the model's %d", labelsPath, l, i, classes)
		}
	}
	return &idxSet{images: imgs, labels: labs, imagesPath: imagesPath}, nil
}

func (s *idxSet) Len() int       { return s.images.Dims[0] }
func (s *idxSet) String() string { return "idx:" + s.imagesPath }

func (s *idxSet) Image(i int) (image.Image, int, error) {
	h, w := s.images.Dims[1], s.images.Dims[2]
	pix := s.images.Item(i)
	label := int(s.labels.Data[i])
	if len(s.images.Dims) == 3 || s.images.Dims[3] == 1 {
		return &image.Gray{Pix: pix, Stride: w, Rect: image.Rect(0, 0, w, h)}, label, nil
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for p := range h * w {
		copy(img.Pix[4*p:4*p+3], pix[3*p:3*p+3])
		img.Pix[4*p+3] = 255
	}
	return img, label, nil
}

// imageDirSet is a folder with one subfolder of JPEG/PNG images per class,
// named by the class label (case-insensitive, "/" written as "_") or index.
type imageDirSet struct {
	dir     string
	files   []string
	classes []int
}

func openImageDirSet(dir string, labels []string, classes int) (*imageDirSet, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	s := &imageDirSet{dir: dir}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		class := slices.IndexFunc(labels, func(l string) bool {
			return strings.EqualFold(strings.ReplaceAll(l, "/", "_"), e.Name())
		})
		if class < 0 {
			n, err := strconv.Atoi(e.Name())
			if err != nil || n < 0 || n >= classes {
				return nil, fmt.Errorf("%s: folder %q is neither a label of the model nor a class index below %d", dir, e.Name(), classes)
			}
			class = n
		}
		files, err := os.ReadDir(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			switch strings.ToLower(filepath.Ext(f.Name())) {
			case ".jpg", ".jpeg", ".png":
				s.files = append(s.files, filepath.Join(dir, e.Name(), f.Name()))
				s.classes = append(s.classes, class)
			}
		}
	}
	if len(s.files) == 0 {
		return nil, fmt.Errorf("%s: no images in class folders (DIR/CLASS/*.jpg|png, CLASS a label or index)", dir)
	}
	return s, nil
}

func (s *imageDirSet) Len() int       { return len(s.files) }
func (s *imageDirSet) String() string { return "images:" + s.dir }

func (s *imageDirSet) Image(i int) (image.Image, int, error) {
	img, err := decodeImage(s.files[i])
	return img, s.classes[i], err
}
