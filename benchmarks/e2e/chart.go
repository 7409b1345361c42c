package main

import (
	"fmt"
	"image/color"
	"math"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// seriesColors colors the contenders of contenderOrder: edgeinfer in
// blues, ONNX Runtime in oranges, int8 darker.
var seriesColors = []color.Color{
	color.RGBA{R: 0x1f, G: 0x5f, B: 0xa8, A: 0xff}, // edgeinfer int8
	color.RGBA{R: 0x8d, G: 0xb6, B: 0xe2, A: 0xff}, // edgeinfer fp32
	color.RGBA{R: 0xf2, G: 0xa5, B: 0x5c, A: 0xff}, // ORT fp32
	color.RGBA{R: 0xc0, G: 0x5a, B: 0x10, A: 0xff}, // ORT int8
}

// writeChart draws one panel per model, each with a group of bars (p50
// latency of every engine and precision) per thread count, values printed
// on the bars; each panel has its own scale, because models differ by
// 10× in work.
func writeChart(path string, models []*modelResult, threads []int) error {
	if len(models) == 0 {
		return fmt.Errorf("no models")
	}
	groups := make([]string, len(threads))
	for i, t := range threads {
		groups[i] = fmt.Sprintf("%d thread", t)
		if t > 1 {
			groups[i] += "s"
		}
	}
	const barWidth = 14 // points
	row := make([]*plot.Plot, len(models))
	for j, m := range models {
		p := plot.New()
		p.Title.Text = displayName(m.Name)
		p.Y.Label.Text = "p50 latency (ms)"
		p.Y.Min = 0
		p.NominalX(groups...)
		top := 0.0
		for s, k := range contenderOrder {
			vals := make(plotter.Values, len(threads))
			labels := plotter.XYLabels{XYs: make(plotter.XYs, len(threads)), Labels: make([]string, len(threads))}
			for i, t := range threads {
				v := m.find(k[0], k[1], t).p50()
				label := ms(v)
				if math.IsNaN(v) {
					v, label = 0, "n/a"
				}
				vals[i] = v
				labels.XYs[i] = plotter.XY{X: float64(i), Y: v}
				labels.Labels[i] = label
				top = math.Max(top, v)
			}
			bars, err := plotter.NewBarChart(vals, vg.Points(barWidth))
			if err != nil {
				return err
			}
			offset := vg.Points(barWidth * (float64(s) - float64(len(contenderOrder)-1)/2))
			bars.Offset = offset
			bars.Color = seriesColors[s]
			bars.LineStyle.Width = 0
			p.Add(bars)
			if j == 0 {
				p.Legend.Add(fmt.Sprintf("%s %s", engineName(k[0]), k[1]), bars)
			}
			lab, err := plotter.NewLabels(labels)
			if err != nil {
				return err
			}
			for i := range lab.TextStyle {
				lab.TextStyle[i].Font.Size = vg.Points(7)
				lab.TextStyle[i].Rotation = math.Pi / 2
				lab.TextStyle[i].XAlign = text.XLeft
				lab.TextStyle[i].YAlign = text.YCenter
			}
			lab.Offset = vg.Point{X: offset, Y: vg.Points(2)}
			p.Add(lab)
		}
		// Room above the tallest bar for its rotated label.
		p.Y.Max = top * 1.35
		if top == 0 {
			p.Y.Max = 1
		}
		p.Legend.Top = true
		p.Legend.Left = true
		p.Legend.TextStyle.Font.Size = vg.Points(8)
		row[j] = p
	}

	width := vg.Length(len(models)) * 3.6 * vg.Inch
	height := 3.8 * vg.Inch
	img := vgimg.New(width, height)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: len(models), PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 2,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align([][]*plot.Plot{row}, tiles, dc)
	for j, p := range row {
		p.Draw(canvases[0][j])
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
