package kernels

// PrepareFullyConnectedInt8 packs a fully connected layer's weights for
// variant v and returns the op to run in place of FullyConnectedInt8, or
// false when v has no fast path for it (the caller keeps the reference).
// The prepared op's units are blocks of NR output channels (all batch
// rows), so threads split the weights, which dominate the memory traffic.
func PrepareFullyConnectedInt8(v Variant, p *FullyConnectedInt8Params, weights []int8, bias []int32) (*PreparedInt8, bool) {
	gk := gemmKernels[v]
	if gk == nil || !gemmRequantOK(&p.Requant, p.N) {
		return nil, false
	}
	f := &gemmFC{gk: gk, p: *p, q: outputParams(&p.Requant, p.N), tile1: gk.tile1}
	pack := gk
	if row := fcInt8RowTiles[v]; row != nil && p.Batch == 1 && gk.bElem == 2 {
		// One input vector: every weight is read once per run, so the
		// run takes as long as the weights take to stream in; int8 pairs
		// halve that (MobileNetV2's 1280 -> 1000: 2.6 -> 1.3 MB).
		narrow := *gk
		narrow.bElem = 1
		pack, f.tile1 = &narrow, row
	}
	// The int8 weight pairs cannot hold doubled weights: that one-row
	// tile keeps the TFLite-form output stage.
	pair := pack == gk && gemmPairFits(gk, weights, p.K, p.N, p.K, bias, &p.Requant, 0, p.InZeroPoint)
	pairOutput(f.q, pair)
	f.packed = packGEMM(pack, weights, p.K, p.N, p.K, bias, &p.Requant, 0, p.InZeroPoint, pair)
	f.tileOff = roundUp(gk.mr*f.packed.kp*gk.aElem, 64)
	return NewPreparedInt8(v, f.packed.blocks, f.tileOff+gk.mr*gk.nr, f.run), true
}

type gemmFC struct {
	gk      *gemmKernel
	p       FullyConnectedInt8Params
	q       *gemmOutput
	packed  *gemmPacked
	tileOff int
	// tile1 is the one-row tile over packed: gk.tile1, or an
	// fcInt8RowTiles entry when the weights were packed as int8 pairs for
	// a kernel whose GEMM takes int16 ones.
	tile1 func(a, b []byte, kp, blocks int, c []int8, q *gemmOutput)
}

// fcInt8RowTiles maps a variant whose GEMM weights are int16 pairs to a
// one-row tile over the same blocks with int8 pairs, which
// PrepareFullyConnectedInt8 uses for one input vector. Filled by
// gemm_fully_connected_<arch>.go.
var fcInt8RowTiles = map[Variant]func(a, b []byte, kp, blocks int, c []int8, q *gemmOutput){}

// run computes the output channel blocks [lo, hi) for every batch row.
func (f *gemmFC) run(in, out []int8, scratch []byte, lo, hi int) {
	if lo >= hi {
		return
	}
	gk, pk := f.gk, f.packed
	mr, nr := gk.mr, gk.nr
	k, n := f.p.K, f.p.N
	panel := scratch[:f.tileOff]
	tile := int8s(scratch[f.tileOff:][:mr*nr])
	for m0 := 0; m0 < f.p.Batch; m0 += mr {
		rows := min(mr, f.p.Batch-m0)
		full := max(min(hi, n/nr)-lo, 0) // blocks of [lo, hi) with NR real channels
		if rows == 1 && f.tile1 != nil {
			f.packRow(panel, in[m0*k:][:k])
			f.tile1(panel, pk.blocksFrom(lo), pk.kp, full, out[m0*n+lo*nr:], f.q)
			for b := lo + full; b < hi; b++ {
				f.tile1(panel, pk.blocksFrom(b), pk.kp, 1, tile, f.q)
				copy(out[m0*n+b*nr:][:min(nr, n-b*nr)], tile)
			}
			continue
		}
		gk.packA(panel, in[m0*k:], k, rows, k, pk.kp)
		if rows < mr {
			full = 0
		}
		gk.tile(panel, pk.blocksFrom(lo), pk.kp, full, out[m0*n+lo*nr:], n, f.q)
		for b := lo + full; b < hi; b++ {
			width := min(nr, n-b*nr)
			if rows == mr {
				gk.partialTile(panel, pk, b, width, out[m0*n+b*nr:], n, tile, f.q)
				continue
			}
			gk.tile(panel, pk.blocksFrom(b), pk.kp, 1, tile, nr, f.q)
			for r := 0; r < rows; r++ {
				copy(out[(m0+r)*n+b*nr:][:width], tile[r*nr:][:width])
			}
		}
	}
}

// packRow writes one input row as the one-row tile's A: the row in the A
// type, zero to kp. Through convertA when the kernel has one, it leaves
// the panel's other MR-1 rows alone, which packA clears: for one row of
// a squeeze-excite layer (1152 inputs) that clearing is 11.5 KB a call.
func (f *gemmFC) packRow(panel []byte, row []int8) {
	gk := f.gk
	if gk.convertA == nil {
		gk.packA(panel, row, len(row), 1, len(row), f.packed.kp)
		return
	}
	ae := gk.aElem
	gk.convertA(panel[:len(row)*ae], row)
	clear(panel[len(row)*ae : f.packed.kp*ae])
}
