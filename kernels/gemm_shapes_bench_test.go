package kernels

import "testing"

// gemmShapeCases are the GEMM convolutions that the per-op profiles of
// MobileNetV2, EfficientNet-B0 and ResNet-18 (edgeinfer bench --profile)
// show running furthest below the microkernel's peak: first layers on 3
// channels (im2col-bound), 1x1 layers with small K or N (packing and
// requantization-bound) and 7x7-pixel layers.
var gemmShapeCases = []convCase{
	{name: "3x3s2_224x224x3to32", n: 1, inH: 224, inW: 224, inC: 3, outC: 32, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, pb: 1, pr: 1, groups: 1},
	{name: "7x7s2_224x224x3to64", n: 1, inH: 224, inW: 224, inC: 3, outC: 64, kh: 7, kw: 7, sh: 2, sw: 2, dh: 1, dw: 1, pt: 3, pb: 3, pl: 3, pr: 3, groups: 1},
	{name: "1x1_112x112x16to96", n: 1, inH: 112, inW: 112, inC: 16, outC: 96, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "1x1_112x112x32to16", n: 1, inH: 112, inW: 112, inC: 32, outC: 16, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "1x1_56x56x24to144", n: 1, inH: 56, inW: 56, inC: 24, outC: 144, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "1x1_56x56x144to24", n: 1, inH: 56, inW: 56, inC: 144, outC: 24, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "1x1_7x7x320to1280", n: 1, inH: 7, inW: 7, inC: 320, outC: 1280, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
	{name: "3x3_56x56x64to64", n: 1, inH: 56, inW: 56, inC: 64, outC: 64, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
	{name: "3x3s2_56x56x64to128", n: 1, inH: 56, inW: 56, inC: 64, outC: 128, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
	{name: "3x3s2_14x14x256to512", n: 1, inH: 14, inW: 14, inC: 256, outC: 512, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
	{name: "3x3_7x7x512to512", n: 1, inH: 7, inW: 7, inC: 512, outC: 512, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1},
	{name: "1x1_1x1x1280to1000", n: 1, inH: 1, inW: 1, inC: 1280, outC: 1000, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1},
}

// BenchmarkGEMMShapes runs gemmShapeCases through every assembly
// variant's prepared convolution.
//
//	go test -run - -bench GEMMShapes -benchtime 20x ./kernels/
func BenchmarkGEMMShapes(b *testing.B) {
	benchmarkPreparedConvs(b, gemmShapeCases)
}
