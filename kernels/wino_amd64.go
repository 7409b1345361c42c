//go:build gc && !purego

package kernels

import (
	"math/rand/v2"
	"slices"

	"github.com/edgeinfer/edgeinfer/kernels/amd64"
)

// The AVX2 Winograd routines (wino.go), checked against their Go twins at
// start-up like the GEMM tiles. Only for the AVX2 variant: the VNNI
// variants' direct GEMM multiplies four int8 pairs per lane, twice
// VPMADDWD's rate, which the 2.25x fewer int16 products of Winograd would
// not beat by enough to pay for the transforms (not measured: this
// machine has no VNNI).
func init() {
	if !amd64.HasAVX2 {
		return
	}
	wk := &winoKernel{input: amd64.WinoInput, gemm: amd64.WinoGemm6x16, output: amd64.WinoOutput,
		input4: amd64.Wino4Input, output4: amd64.Wino4Output,
		pairOK: amd64.GemmPairOK, putPair: amd64.PutGemmPair}
	twin := &winoKernel{input: amd64.WinoInputGo, gemm: amd64.WinoGemm6x16Go, output: amd64.WinoOutputGo,
		input4: amd64.Wino4InputGo, output4: amd64.Wino4OutputGo,
		pairOK: amd64.GemmPairOK, putPair: amd64.PutGemmPair}
	if winoSelfTest(wk, twin) {
		winoKernels[AVX2] = wk
	}
}

// winoSelfTest runs a small convolution (odd output size, padding, a
// partial output block, an input-channel count that is no multiple of
// 16) through wk and through its Go twins and reports whether they agree.
func winoSelfTest(wk, twin *winoKernel) bool {
	p, filter, in, bias := selfTestConv(rand.New(rand.NewPCG(5, 6)), ConvGeom{N: 1, InH: 7, InW: 9, InC: 19,
		OutH: 7, OutW: 9, OutC: 16 + 5, KH: 3, KW: 3, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1,
		PadTop: 1, PadLeft: 1, Groups: 1})
	g := &p.ConvGeom
	run := func(k *winoKernel, tm int) []int8 {
		c := newWinoConv(k, tm, p, filter, bias)
		out := make([]int8, g.OutH*g.OutW*g.OutC)
		c.run(in, out, make([]byte, c.scratchBytes), 0, c.tilesH)
		return out
	}
	return slices.Equal(run(wk, 2), run(twin, 2)) && slices.Equal(run(wk, 4), run(twin, 4))
}
