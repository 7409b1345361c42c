// Package plot draws small line charts as PNG with the standard library
// alone: panels stacked vertically, each with a frame, a title, min and
// max labels on the y axis, epoch numbers on the x axis and one colored
// line per series, labels in a built-in 3×5 pixel font.
package plot

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

// Series is one line: Y[i] is drawn at x = i+1.
type Series struct {
	Name string
	Y    []float64
}

// Panel is one chart.
type Panel struct {
	Title  string
	Series []Series
}

var palette = []color.RGBA{{0x1f, 0x77, 0xb4, 0xff}, {0xd6, 0x27, 0x28, 0xff}, {0x2c, 0xa0, 0x2c, 0xff}, {0xff, 0x7f, 0x0e, 0xff}}

const (
	panelW, panelH = 480, 200
	margin         = 40
	scale          = 2 // font pixel size
)

// WritePNG draws the panels into path.
func WritePNG(path string, panels []Panel) error {
	img := image.NewRGBA(image.Rect(0, 0, panelW, panelH*len(panels)))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for i, p := range panels {
		draw(img, p, i*panelH)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func draw(img *image.RGBA, p Panel, top int) {
	x0, x1 := margin, panelW-10
	y0, y1 := top+24, top+panelH-24
	gray := color.RGBA{0x80, 0x80, 0x80, 0xff}
	black := color.RGBA{0, 0, 0, 0xff}
	rect(img, x0, y0, x1, y1, gray)
	text(img, x0, top+6, p.Title, black)
	lo, hi, n := math.Inf(1), math.Inf(-1), 0
	for _, s := range p.Series {
		for _, v := range s.Y {
			if !math.IsNaN(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
		n = max(n, len(s.Y))
	}
	if n == 0 {
		return
	}
	if hi-lo < 1e-9 {
		lo, hi = lo-1, hi+1
	}
	pad := (hi - lo) * 0.05
	lo, hi = lo-pad, hi+pad
	text(img, 2, y0, short(hi), black)
	text(img, 2, y1-5*scale, short(lo), black)
	px := func(i int) int {
		if n == 1 {
			return (x0 + x1) / 2
		}
		return x0 + 4 + i*(x1-x0-8)/(n-1)
	}
	py := func(v float64) int { return y1 - int((v-lo)/(hi-lo)*float64(y1-y0)) }
	for i := range n {
		if n <= 20 || i%(n/10+1) == 0 {
			text(img, px(i)-2, y1+4, fmt.Sprint(i+1), black)
		}
	}
	lx := x0 + len(p.Title)*4*scale + 20
	for k, s := range p.Series {
		c := palette[k%len(palette)]
		for i := 1; i < len(s.Y); i++ {
			line(img, px(i-1), py(s.Y[i-1]), px(i), py(s.Y[i]), c)
		}
		for i, v := range s.Y {
			rect(img, px(i)-1, py(v)-1, px(i)+1, py(v)+1, c)
		}
		fill(img, lx, top+6, lx+8, top+6+8, c)
		text(img, lx+12, top+6, s.Name, black)
		lx += 12 + len(s.Name)*4*scale + 16
	}
}

func short(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 1:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func fill(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

func rect(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	line(img, x0, y0, x1, y0, c)
	line(img, x0, y1, x1, y1, c)
	line(img, x0, y0, x0, y1, c)
	line(img, x1, y0, x1, y1, c)
}

// line draws with Bresenham's algorithm.
func line(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for {
		img.SetRGBA(x0, y0, c)
		if x0 == x1 && y0 == y1 {
			return
		}
		if e2 := 2 * e; e2 >= dy {
			e += dy
			x0 += sx
		} else {
			e += dx
			y0 += sy
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func sign(v int) int {
	switch {
	case v < 0:
		return -1
	case v > 0:
		return 1
	}
	return 0
}

// text draws s in the 3×5 font (digits, capitals, . % - and space).
func text(img *image.RGBA, x, y int, s string, c color.RGBA) {
	for _, r := range s {
		g, ok := glyphs[r]
		if !ok && r >= 'a' && r <= 'z' {
			g = glyphs[r-'a'+'A']
		}
		for row := range 5 {
			for col := range 3 {
				if g[row]&(4>>col) != 0 {
					fill(img, x+col*scale, y+row*scale, x+col*scale+scale-1, y+row*scale+scale-1, c)
				}
			}
		}
		x += 4 * scale
	}
}

// glyphs are 3 pixels wide (bit 2 = left) and 5 tall.
var glyphs = map[rune][5]uint8{
	'0': {7, 5, 5, 5, 7}, '1': {2, 6, 2, 2, 7}, '2': {7, 1, 7, 4, 7}, '3': {7, 1, 7, 1, 7}, '4': {5, 5, 7, 1, 1},
	'5': {7, 4, 7, 1, 7}, '6': {7, 4, 7, 5, 7}, '7': {7, 1, 1, 1, 1}, '8': {7, 5, 7, 5, 7}, '9': {7, 5, 7, 1, 7},
	'.': {0, 0, 0, 0, 2}, '%': {5, 1, 2, 4, 5}, '-': {0, 0, 7, 0, 0}, ' ': {},
	'A': {2, 5, 7, 5, 5}, 'B': {6, 5, 6, 5, 6}, 'C': {7, 4, 4, 4, 7}, 'D': {6, 5, 5, 5, 6}, 'E': {7, 4, 6, 4, 7},
	'F': {7, 4, 6, 4, 4}, 'G': {7, 4, 5, 5, 7}, 'H': {5, 5, 7, 5, 5}, 'I': {7, 2, 2, 2, 7}, 'J': {1, 1, 1, 5, 7},
	'K': {5, 5, 6, 5, 5}, 'L': {4, 4, 4, 4, 7}, 'M': {5, 7, 7, 5, 5}, 'N': {6, 5, 5, 5, 5}, 'O': {7, 5, 5, 5, 7},
	'P': {7, 5, 7, 4, 4}, 'Q': {7, 5, 5, 7, 1}, 'R': {7, 5, 6, 5, 5}, 'S': {7, 4, 7, 1, 7}, 'T': {7, 2, 2, 2, 2},
	'U': {5, 5, 5, 5, 7}, 'V': {5, 5, 5, 5, 2}, 'W': {5, 5, 7, 7, 5}, 'X': {5, 5, 2, 5, 5}, 'Y': {5, 5, 2, 2, 2},
	'Z': {7, 1, 2, 4, 7},
}
