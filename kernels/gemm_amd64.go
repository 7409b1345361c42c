//go:build gc && !purego

package kernels

import "github.com/edgeinfer/edgeinfer/kernels/amd64"

// The amd64 GEMM microkernels (kernels/amd64/gemm_*_amd64.s):
//
//	avx2        6 x 16, int16 A and weight pairs, VPMADDWD + VPADDD
//	avxvnni     6 x 16, uint8 A (x+128) and int8 weight quads, VEX VPDPBUSD ymm
//	avx512vnni  8 x 32, uint8 A (x+128) and int8 weight quads, VPDPBUSD zmm
func init() {
	registerAMD64GEMM()
	twins := map[Variant]*gemmKernel{
		AVX2: {mr: 6, nr: 16, kr: 2, aElem: 2, bElem: 2,
			packA: func(dst []byte, src []int8, srcStride, mr, k, kp int) {
				amd64.PackAInt16Go(int16s(dst), 6, src, srcStride, mr, k, kp)
			},
			tile: func(a, b []byte, kp, blocks int, c []int8, cStride int, q *gemmOutput) {
				amd64.Gemm6x16Int16Go(int16s(a), b, kp, blocks, c, cStride, q)
			},
			pairOK: amd64.GemmPairOK, putPair: amd64.PutGemmPair},
		AVXVNNI: {mr: 6, nr: 16, kr: 4, aElem: 1, aOffset: 128, bElem: 1,
			packA: func(dst []byte, src []int8, srcStride, mr, k, kp int) {
				amd64.PackAUint8Go(dst, 6, src, srcStride, mr, k, kp)
			},
			tile: amd64.Gemm6x16VNNIGo},
		AVX512VNNI: {mr: 8, nr: 32, kr: 4, aElem: 1, aOffset: 128, bElem: 1,
			packA: func(dst []byte, src []int8, srcStride, mr, k, kp int) {
				amd64.PackAUint8Go(dst, 8, src, srcStride, mr, k, kp)
			},
			tile: amd64.Gemm8x32VNNI512Go},
	}
	for v, twin := range twins {
		if gk := gemmKernels[v]; gk != nil {
			if err := gemmSelfTest(gk, twin); err != nil {
				gemmSelfTestErr[v] = err
				delete(gemmKernels, v)
			}
		}
	}
}

func registerAMD64GEMM() {
	if amd64.HasAVX2 {
		gemmKernels[AVX2] = &gemmKernel{
			mr: 6, nr: 16, kr: 2, aElem: 2, aOffset: 0, bElem: 2,
			packA: func(dst []byte, src []int8, srcStride, mr, k, kp int) {
				amd64.PackAInt16(int16s(dst), 6, src, srcStride, mr, k, kp)
			},
			tile: func(a, b []byte, kp, blocks int, c []int8, cStride int, q *gemmOutput) {
				amd64.Gemm6x16Int16(int16s(a), b, kp, blocks, c, cStride, q)
			},
			tile1: func(a, b []byte, kp, blocks int, c []int8, q *gemmOutput) {
				amd64.Gemm1x16Int16(int16s(a), b, kp, blocks, c, q)
			},
			tilePanels: func(a, b []byte, kp, blocks int, c []int8, cStride int, q *gemmOutput, panels int) {
				amd64.Gemm6x16Int16Panels(int16s(a), b, kp, blocks, c, cStride, q, panels)
			},
			tileHalf: func(a, b []byte, kp int, c []int8, cStride int, q *gemmOutput) {
				amd64.Gemm6x8Int16(int16s(a), b, kp, c, cStride, q)
			},
			convertA: func(dst []byte, src []int8) { amd64.WidenInt16(int16s(dst), src) },
			im2colA: func(dst []byte, src []int8, pixels, pixStep, kh, rowStride, seg, kp int) {
				amd64.Im2colInt16(int16s(dst), src, pixels, pixStep, kh, rowStride, seg, kp)
			},
			im2colSlack: 2 * amd64.Im2colSlack, im2colReach: amd64.Im2colReach,
			pairOK: amd64.GemmPairOK, putPair: amd64.PutGemmPair,
		}
	}
	if amd64.HasAVXVNNI {
		gemmKernels[AVXVNNI] = &gemmKernel{
			mr: 6, nr: 16, kr: 4, aElem: 1, aOffset: 128, bElem: 1,
			packA: func(dst []byte, src []int8, srcStride, mr, k, kp int) {
				amd64.PackAUint8(dst, 6, src, srcStride, mr, k, kp)
			},
			tile:     amd64.Gemm6x16VNNI,
			convertA: amd64.Xor80,
		}
	}
	if amd64.HasAVX512VNNI {
		gemmKernels[AVX512VNNI] = &gemmKernel{
			mr: 8, nr: 32, kr: 4, aElem: 1, aOffset: 128, bElem: 1,
			packA: func(dst []byte, src []int8, srcStride, mr, k, kp int) {
				amd64.PackAUint8(dst, 8, src, srcStride, mr, k, kp)
			},
			tile:     amd64.Gemm8x32VNNI512,
			convertA: amd64.Xor80,
		}
	}
}
