package kernels

import "testing"

// stemShapeCases are the first convolutions of MobileNetV2 and
// EfficientNet-B0 (3x3/2 onto 32 channels, TFLite's SAME padding at the
// bottom and right) and of ResNet (7x7/2 onto 64).
var stemShapeCases = []convCase{gemmShapeCases[0], gemmShapeCases[1]}

// BenchmarkRowsConvVsGEMM runs each stem shape through the rows kernel and
// through the GEMM path (im2col panels) it replaces, call by call, so their
// ratio comes from the same stretch of a noisy machine.
//
//	go test -run - -bench RowsConvVsGEMM -count 3 ./kernels/
func BenchmarkRowsConvVsGEMM(b *testing.B) {
	for _, v := range Variants() {
		rk := rowsConvKernels[v]
		if rk == nil || gemmKernels[v] == nil {
			continue
		}
		for _, c := range stemShapeCases {
			p, filter, in, out := benchConvOperands(c)
			g := &p.ConvGeom
			rows, _ := PrepareConv2DInt8(v, p, filter, nil)
			delete(rowsConvKernels, v)
			gemm, _ := PrepareConv2DInt8(v, p, filter, nil)
			rowsConvKernels[v] = rk
			macs := float64(len(out) * g.KH * g.KW * g.InC)
			rowsScratch, gemmScratch := make([]byte, rows.ScratchBytes), make([]byte, gemm.ScratchBytes)
			b.Run(string(v)+"/"+c.name, func(b *testing.B) {
				benchAlternate(b, "rows", "gemm", macs,
					func() { rows.Run(in, out, rowsScratch, 0, rows.Units) },
					func() { gemm.Run(in, out, gemmScratch, 0, gemm.Units) })
			})
		}
	}
}
