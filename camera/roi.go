package camera

import (
	"fmt"
	"strconv"
	"strings"
)

// ROI is a region of interest in fractions of the frame's width and
// height, as rpicam-apps' --roi takes it: the left and top edges and the
// width and height. The zero ROI is the whole frame.
type ROI struct {
	X, Y, W, H float64
}

// ParseROI parses "x,y,w,h" (fractions in [0, 1]).
func ParseROI(s string) (ROI, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return ROI{}, fmt.Errorf("roi %q: want x,y,w,h as fractions of the frame", s)
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return ROI{}, fmt.Errorf("roi %q: %q is not a number", s, p)
		}
		v[i] = f
	}
	r := ROI{v[0], v[1], v[2], v[3]}
	return r, r.validate()
}

func (r ROI) whole() bool { return r == ROI{} }

func (r ROI) validate() error {
	if r.whole() {
		return nil
	}
	if !(r.X >= 0 && r.Y >= 0 && r.W > 0 && r.H > 0 && r.X+r.W <= 1 && r.Y+r.H <= 1) {
		return fmt.Errorf("roi %g,%g,%g,%g: want x,y >= 0, w,h > 0 and x+w, y+h <= 1", r.X, r.Y, r.W, r.H)
	}
	return nil
}

// pixels is the ROI in whole pixels of a w x h frame, at least one pixel
// on each side: the span [x0, x1) x [y0, y1).
func (r ROI) pixels(w, h int) (x0, y0, x1, y1 int) {
	if r.whole() {
		return 0, 0, w, h
	}
	span := func(start, length float64, n int) (int, int) {
		a := min(int(start*float64(n)+0.5), n-1)
		b := min(max(int((start+length)*float64(n)+0.5), a+1), n)
		return a, b
	}
	x0, x1 = span(r.X, r.W, w)
	y0, y1 = span(r.Y, r.H, h)
	return x0, y0, x1, y1
}
