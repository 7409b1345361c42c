package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
)

// digitGlyphs is a 3x5 pixel font for the digits, one row per string.
var digitGlyphs = [10][5]string{
	{"###", "#.#", "#.#", "#.#", "###"},
	{".#.", "##.", ".#.", ".#.", "###"},
	{"###", "..#", "###", "#..", "###"},
	{"###", "..#", "###", "..#", "###"},
	{"#.#", "#.#", "###", "..#", "..#"},
	{"###", "#..", "###", "..#", "###"},
	{"###", "#..", "###", "#.#", "###"},
	{"###", "..#", ".#.", ".#.", ".#."},
	{"###", "#.#", "###", "#.#", "###"},
	{"###", "#.#", "###", "..#", "###"},
}

// glyphScale enlarges the 3x5 glyphs; a digit then takes 4*glyphScale
// pixels across with its gap.
const glyphScale = 2

// drawNumber writes n with its top-left corner at (x, y).
func drawNumber(img *image.RGBA, x, y, n int, c color.RGBA) {
	for _, r := range fmt.Sprint(n) {
		g := digitGlyphs[r-'0']
		for gy, row := range g {
			for gx, p := range row {
				if p != '#' {
					continue
				}
				for dy := range glyphScale {
					for dx := range glyphScale {
						img.SetRGBA(x+gx*glyphScale+dx, y+gy*glyphScale+dy, c)
					}
				}
			}
		}
		x += 4 * glyphScale
	}
}

func numberWidth(n int) int { return len(fmt.Sprint(n))*4*glyphScale - glyphScale }

// writeConfusionPNG draws the confusion matrix as a heat map: cell (true
// row, predicted column) shaded by its share of the row (white 0, dark
// blue 1), with the counts written in the cells when they fit and the
// class indices along the left and top edges.
func writeConfusionPNG(w io.Writer, confusion [][]int) error {
	n := len(confusion)
	maxCount := 0
	for _, row := range confusion {
		for _, v := range row {
			maxCount = max(maxCount, v)
		}
	}
	cell := max(6, min(48, 960/max(n, 1)))
	showCounts := numberWidth(maxCount)+4 <= cell
	margin := numberWidth(max(n-1, 0)) + 8
	size := margin + n*cell + 4
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	white := color.RGBA{255, 255, 255, 255}
	black := color.RGBA{0, 0, 0, 255}
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for t, row := range confusion {
		total := 0
		for _, v := range row {
			total += v
		}
		for p, v := range row {
			share := 0.0
			if total > 0 {
				share = float64(v) / float64(total)
			}
			// White to (8, 48, 107), the dark end of a sequential blue.
			c := color.RGBA{
				R: uint8(255 - share*(255-8)),
				G: uint8(255 - share*(255-48)),
				B: uint8(255 - share*(255-107)),
				A: 255,
			}
			x0, y0 := margin+p*cell, margin+t*cell
			for y := y0; y < y0+cell; y++ {
				for x := x0; x < x0+cell; x++ {
					img.SetRGBA(x, y, c)
				}
			}
			for k := range cell {
				img.SetRGBA(x0+k, y0, white)
				img.SetRGBA(x0, y0+k, white)
			}
			if showCounts {
				ink := black
				if share > 0.5 {
					ink = white
				}
				drawNumber(img, x0+(cell-numberWidth(v))/2, y0+(cell-5*glyphScale)/2, v, ink)
			}
		}
	}
	if 5*glyphScale+2 <= cell {
		for c := range n {
			mid := margin + c*cell + cell/2
			drawNumber(img, mid-numberWidth(c)/2, margin-5*glyphScale-4, c, black)
			drawNumber(img, margin-numberWidth(c)-4, mid-5*glyphScale/2, c, black)
		}
	}
	return png.Encode(w, img)
}
