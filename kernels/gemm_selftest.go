package kernels

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// gemmSelfTestErr records, per variant, why its GEMM microkernel failed the
// start-up self-test; archSupport reports it and the variant is not used.
var gemmSelfTestErr = map[Variant]error{}

// gemmSelfTest runs gk's tile and its pure-Go twin on the same small
// random problem (two blocks, a K tail, positive and negative shifts) and
// reports a difference; a kernel with the pair-form output stage runs a
// second problem (right shifts only) in that form. It guards against an
// assembly kernel that this CPU executes differently from the machines it
// was tested on (the AVX-VNNI and AVX-512 kernels could not be run where
// they were written).
func gemmSelfTest(gk, twin *gemmKernel) error {
	r := rand.New(rand.NewPCG(1, 2))
	const k, n, rows = 37, 2*32 - 3, 5
	kp := roundUp(k, gk.kr)
	w := make([]int8, n*k)
	for i := range w {
		w[i] = int8(r.IntN(255) - 127)
	}
	in := make([]int8, rows*k)
	for i := range in {
		in[i] = int8(r.IntN(256) - 128)
	}
	bias := make([]int32, n)
	rq := Requant{Multiplier: make([]int32, n), Shift: make([]int32, n), OutZeroPoint: -7, ActMin: -100, ActMax: 120}
	rqPair := rq
	rqPair.Shift = make([]int32, n)
	for c := range n {
		bias[c] = int32(r.IntN(1<<20) - 1<<19)
		rq.Multiplier[c] = int32(1<<30 + r.IntN(1<<30))
		rq.Shift[c] = int32(r.IntN(16) - 12)
		rqPair.Shift[c] = -int32(r.IntN(13))
	}
	run := func(g *gemmKernel, rq *Requant, pair bool) []int8 {
		q := pairOutput(outputParams(rq, n), pair)
		pk := packGEMM(g, w, k, n, k, bias, rq, 0, 5, pair)
		panel := make([]byte, g.mr*kp*g.aElem)
		g.packA(panel, in, k, rows, k, kp)
		out := make([]int8, g.mr*pk.blocks*g.nr)
		g.tile(panel, pk.data, kp, pk.blocks, out, pk.blocks*g.nr, q)
		return out
	}
	if got, want := run(gk, &rq, false), run(twin, &rq, false); !slices.Equal(got, want) {
		return fmt.Errorf("its GEMM microkernel failed the start-up self-test against its Go twin")
	}
	if gk.putPair == nil {
		return nil
	}
	if !gemmPairFits(gk, w, k, n, k, bias, &rqPair, 0, 5) {
		return fmt.Errorf("the start-up self-test's pair-form problem does not fit the pair form")
	}
	if got, want := run(gk, &rqPair, true), run(twin, &rqPair, true); !slices.Equal(got, want) {
		return fmt.Errorf("its GEMM microkernel's pair-form output stage failed the start-up self-test against its Go twin")
	}
	return nil
}
