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

// chartColumns is the most panels in a row of the chart.
const chartColumns = 3

// seriesColors colors the contenders of contenderOrder: edgeinfer in
// blues, ONNX Runtime in oranges, int8 darker.
var seriesColors = []color.Color{
	color.RGBA{R: 0x1f, G: 0x5f, B: 0xa8, A: 0xff}, // edgeinfer int8
	color.RGBA{R: 0x8d, G: 0xb6, B: 0xe2, A: 0xff}, // edgeinfer fp32
	color.RGBA{R: 0xf2, G: 0xa5, B: 0x5c, A: 0xff}, // ORT fp32
	color.RGBA{R: 0xc0, G: 0x5a, B: 0x10, A: 0xff}, // ORT int8
}

// writeChart draws one panel per model (a grid of up to chartColumns
// columns), each with a group of bars (p50
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
	panels := make([]*plot.Plot, len(models))
	for j, m := range models {
		p := plot.New()
		p.Title.Text = displayName(m.Name)
		p.Y.Label.Text = "p50 latency (ms, log scale)"
		p.NominalX(groups...)
		top, low := 0.0, math.Inf(1)
		for s, k := range contenderOrder {
			vals := make([]float64, len(threads))
			var labels plotter.XYLabels // only bars that were measured
			for i, t := range threads {
				v := m.find(k[0], k[1], t).p50()
				if math.IsNaN(v) || v <= 0 {
					continue
				}
				vals[i] = v
				labels.XYs = append(labels.XYs, plotter.XY{X: float64(i), Y: v})
				labels.Labels = append(labels.Labels, ms(v))
				top, low = math.Max(top, v), math.Min(low, v)
			}
			offset := vg.Points(barWidth * (float64(s) - float64(len(contenderOrder)-1)/2))
			bars := &logBars{values: vals, width: vg.Points(barWidth), offset: offset, color: seriesColors[s]}
			p.Add(bars)
			if j == 0 {
				p.Legend.Add(fmt.Sprintf("%s %s", engineName(k[0]), k[1]), bars)
			}
			if len(labels.XYs) == 0 {
				continue
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
		// A log scale: edgeinfer's float32 path and the int8 paths differ
		// by 10× and more. The top leaves room for the rotated labels and
		// the legend; the bars rise from the axis minimum.
		if top == 0 {
			top, low = 1, 1
		}
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		p.Y.Min = math.Pow(10, math.Floor(math.Log10(low)))
		p.Y.Max = top * 8
		p.X.Min, p.X.Max = -0.5, float64(len(threads))-0.5
		p.Legend.Top = true
		p.Legend.Left = true
		p.Legend.XOffs = vg.Points(6)
		p.Legend.TextStyle.Font.Size = vg.Points(8)
		panels[j] = p
	}

	// A grid of up to chartColumns panels per row, filled row by row.
	cols := min(len(panels), chartColumns)
	rows := (len(panels) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
		for c := range grid[r] {
			if k := r*cols + c; k < len(panels) {
				grid[r][c] = panels[k]
			}
		}
	}
	width := vg.Length(cols) * 3.6 * vg.Inch
	height := vg.Length(rows) * 3.8 * vg.Inch
	img := vgimg.New(width, height)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 6,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(grid, tiles, dc)
	for r, row := range grid {
		for c, p := range row {
			if p != nil {
				p.Draw(canvases[r][c])
			}
		}
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

// logBars is a bar chart for a logarithmic value axis: plotter.BarChart
// draws from 0, which a log scale cannot place, so these bars rise from the
// axis minimum. Bar i is centered on x = i, shifted by offset.
type logBars struct {
	values        []float64 // ≤ 0: no bar
	width, offset vg.Length
	color         color.Color
}

func (b *logBars) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	for i, v := range b.values {
		if v <= 0 {
			continue
		}
		x0 := trX(float64(i)) - b.width/2 + b.offset
		x1 := x0 + b.width
		pts := []vg.Point{{X: x0, Y: c.Min.Y}, {X: x0, Y: trY(v)}, {X: x1, Y: trY(v)}, {X: x1, Y: c.Min.Y}}
		c.FillPolygon(b.color, c.ClipPolygonY(pts))
	}
}

// DataRange is the bars' extent; writeChart sets the axes itself.
func (b *logBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for _, v := range b.values {
		if v > 0 {
			ymin, ymax = math.Min(ymin, v), math.Max(ymax, v)
		}
	}
	if math.IsInf(ymin, 1) {
		ymin, ymax = 1, 1
	}
	return 0, float64(len(b.values) - 1), ymin, ymax
}

// Thumbnail draws the legend's color box.
func (b *logBars) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Min.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Min.Y}}
	c.FillPolygon(b.color, c.ClipPolygonY(pts))
}
