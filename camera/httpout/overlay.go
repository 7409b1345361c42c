package httpout

import (
	"image"
	"image/color"
	"image/draw"

	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// face is the overlay font: the 7x13 bitmap face of x/image, a few KB in
// the binary, drawn at an integer scale so it stays sharp.
var face = basicfont.Face7x13

// drawLabels draws lines of text at the top-left of img, white on a
// translucent black box, each glyph pixel scale x scale pixels.
func drawLabels(img *image.RGBA, lines []string, scale int) {
	const pad = 4
	lineH := face.Height * scale
	width := 0
	for _, l := range lines {
		width = max(width, len(l)*face.Advance*scale)
	}
	if width == 0 {
		return
	}
	box := image.Rect(0, 0, width+2*pad*scale, len(lines)*lineH+2*pad*scale).Intersect(img.Bounds())
	draw.Draw(img, box, &image.Uniform{color.RGBA{0, 0, 0, 170}}, image.Point{}, draw.Over)
	white := color.RGBA{255, 255, 255, 255}
	for i, l := range lines {
		x := pad * scale
		baseline := pad*scale + i*lineH + face.Ascent*scale
		for _, r := range l {
			drawGlyph(img, r, x, baseline, scale, white)
			x += face.Advance * scale
		}
	}
}

// drawGlyph paints rune r with its dot at (x, baseline). Runes outside the
// face's ranges draw as its fallback box.
func drawGlyph(img *image.RGBA, r rune, x, baseline, scale int, c color.RGBA) {
	dr, mask, mp, _, ok := face.Glyph(fixed.P(0, 0), r)
	if !ok {
		return
	}
	b := img.Bounds()
	for gy := 0; gy < dr.Dy(); gy++ {
		for gx := 0; gx < dr.Dx(); gx++ {
			_, _, _, a := mask.At(mp.X+gx, mp.Y+gy).RGBA()
			if a < 0x8000 {
				continue
			}
			px, py := x+(dr.Min.X+gx)*scale, baseline+(dr.Min.Y+gy)*scale
			for sy := 0; sy < scale; sy++ {
				for sx := 0; sx < scale; sx++ {
					if image.Pt(px+sx, py+sy).In(b) {
						img.SetRGBA(px+sx, py+sy, c)
					}
				}
			}
		}
	}
}
