package camera

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // image folders may hold GIFs
	_ "image/png" // image folders may hold PNGs (JPEG is imported by mjpeg.go)
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// EncodedImage is one image file's name and contents.
type EncodedImage struct {
	Name string
	Data []byte
}

// imageList delivers encoded images (JPEG, PNG, GIF) one per frame, in
// order: an image folder, or images embedded in the binary (demo).
type imageList struct {
	count int
	load  func(i int) (EncodedImage, error)
	next  int
}

// NewImageSource returns a source that delivers each image once, in order,
// then io.EOF.
func NewImageSource(images []EncodedImage) Source {
	return &imageList{count: len(images), load: func(i int) (EncodedImage, error) { return images[i], nil }}
}

// imageExtensions are the files an image folder source reads.
var imageExtensions = []string{".jpg", ".jpeg", ".png", ".gif"}

// openImageFolder lists dir's images in name order.
func openImageFolder(dir string) (*imageList, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && slices.Contains(imageExtensions, strings.ToLower(filepath.Ext(e.Name()))) {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s holds no .jpg, .jpeg, .png or .gif image", dir)
	}
	slices.Sort(names)
	return &imageList{count: len(names), load: func(i int) (EncodedImage, error) {
		data, err := os.ReadFile(filepath.Join(dir, names[i]))
		return EncodedImage{Name: names[i], Data: data}, err
	}}, nil
}

func (s *imageList) ReadFrame(f *Frame) error {
	if s.next >= s.count {
		return io.EOF
	}
	start := time.Now()
	im, err := s.load(s.next)
	s.next++
	if err != nil {
		return corruptf("%v", err)
	}
	img, kind, err := image.Decode(bytes.NewReader(im.Data))
	if err != nil {
		return corruptf("image %s: %v", im.Name, err)
	}
	if err := setImage(f, img); err != nil {
		return fmt.Errorf("image %s: %w", im.Name, err)
	}
	f.JPEG = nil
	if kind == "jpeg" {
		f.JPEG = im.Data
	}
	f.Name = im.Name
	f.Time = time.Now()
	f.capture = f.Time.Sub(start)
	return nil
}

func (s *imageList) Close() error { return nil }
