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
// reports a difference. It guards against an assembly kernel that this
// CPU executes differently from the machines it was tested on (the
// AVX-VNNI and AVX-512 kernels could not be run where they were written).
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
	for c := range n {
		bias[c] = int32(r.IntN(1<<20) - 1<<19)
		rq.Multiplier[c] = int32(1<<30 + r.IntN(1<<30))
		rq.Shift[c] = int32(r.IntN(16) - 12)
	}
	q := outputParams(&rq, n)
	run := func(g *gemmKernel) []int8 {
		pk := packGEMM(g, w, k, n, k, bias, &rq, 0, 5)
		panel := make([]byte, g.mr*kp*g.aElem)
		g.packA(panel, in, k, rows, k, kp)
		out := make([]int8, g.mr*pk.blocks*g.nr)
		g.tile(panel, pk.data, kp, pk.blocks, out, pk.blocks*g.nr, q)
		return out
	}
	if got, want := run(gk), run(twin); !slices.Equal(got, want) {
		return fmt.Errorf("its GEMM microkernel failed the start-up self-test against its Go twin")
	}
	return nil
}
