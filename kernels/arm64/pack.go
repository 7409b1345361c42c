package arm64

// Block sizes of the packed layouts.
const (
	GEMMRows          = 4  // output rows (pixels) per microkernel call
	GEMMCols          = 4  // output channels per packed block
	GEMMDepth         = 16 // K per block; each tap's depth is padded to a multiple
	DepthwiseChannels = 16 // channels per depthwise block

	// paramsPerGroup is the int32 count of one group of four channels'
	// requantization block: bias (zero point folded in), multiplier, left
	// shift, right shift, four of each (the first four rows of package
	// kernels' packed GEMM block header).
	paramsPerGroup = 16
)

// Out is the output quantization every channel shares: zero point and the
// activation clamp [Min, Max] in the quantized domain.
type Out struct {
	ZeroPoint, Min, Max int32
}

// PackedGEMM is a weight matrix [N][Taps][TapDepth] packed for the GEMM
// microkernels. A row's K = Taps*TapDepth values come from Taps separate
// input pointers (indirect GEMM; Taps is 1 for fully connected, 1x1
// convolutions and im2col rows).
//
// Weights is [ceil(N/4)][Taps][KBlocks][4 columns][16], zero beyond N and
// beyond TapDepth; Params is [ceil(N/4)][16] requantization groups.
type PackedGEMM struct {
	N, Taps, TapDepth, KBlocks int
	Weights                    []int8
	Params                     []int32
}

// PackGEMM packs w ([n][taps][tapDepth], row-major) with per-channel bias
// (nil means zero), the input zero point and per-channel multipliers and
// shifts (quant.QuantizeMultiplier's).
func PackGEMM(w []int8, n, taps, tapDepth int, bias []int32, inZeroPoint int32, mult, shift []int32) *PackedGEMM {
	kBlocks := (tapDepth + GEMMDepth - 1) / GEMMDepth
	nBlocks := (n + GEMMCols - 1) / GEMMCols
	p := &PackedGEMM{
		N: n, Taps: taps, TapDepth: tapDepth, KBlocks: kBlocks,
		Weights: make([]int8, nBlocks*taps*kBlocks*GEMMCols*GEMMDepth),
		Params:  make([]int32, nBlocks*paramsPerGroup),
	}
	k := taps * tapDepth
	dst := p.Weights
	for nb := 0; nb < nBlocks; nb++ {
		for t := 0; t < taps; t++ {
			for kb := 0; kb < kBlocks; kb++ {
				for col := 0; col < GEMMCols; col++ {
					blk := dst[:GEMMDepth]
					dst = dst[GEMMDepth:]
					oc := nb*GEMMCols + col
					if oc >= n {
						continue
					}
					src := w[oc*k+t*tapDepth:][:tapDepth]
					copy(blk, src[min(kb*GEMMDepth, tapDepth):min((kb+1)*GEMMDepth, tapDepth)])
				}
			}
		}
		for col := 0; col < GEMMCols; col++ {
			if oc := nb*GEMMCols + col; oc < n {
				setParams(p.Params[nb*paramsPerGroup:], col, foldedBias(bias, oc, w[oc*k:][:k], inZeroPoint), mult[oc], shift[oc])
			}
		}
	}
	return p
}

// foldedBias is bias[oc] - zp*sum(w), wrapping like the accumulators.
func foldedBias(bias []int32, oc int, w []int8, zp int32) int32 {
	var sum int32
	for _, v := range w {
		sum += int32(v)
	}
	b := int32(0)
	if bias != nil {
		b = bias[oc]
	}
	return b - zp*sum
}

// setParams writes lane i of a requantization group.
func setParams(g []int32, i int, bias, mult, shift int32) {
	g[i] = bias
	g[4+i] = mult
	g[8+i] = max(shift, 0)
	g[12+i] = max(-shift, 0)
}

// PackedDepthwise is a depthwise filter [C][Taps] packed for the depthwise
// microkernel (channel multiplier 1). The first CBlocks*16 channels run in
// the microkernel; the rest (C mod 16) in Go from the Tail* fields.
//
// Weights is [CBlocks][2*Pairs taps][16], zero for the padding tap when
// Taps is odd; Params is [CBlocks][4][16].
type PackedDepthwise struct {
	C, Taps, Pairs, CBlocks int
	Weights                 []int8
	Params                  []int32
	// Tail channels c >= CBlocks*16: weights [c-CBlocks*16][Taps] and the
	// same folded bias, multiplier and shift as the blocks.
	TailWeights                   []int8
	TailBias, TailMult, TailShift []int32
}

// PackDepthwise packs w ([c][taps]) with per-channel bias (nil means
// zero), the input zero point and per-channel multipliers and shifts.
func PackDepthwise(w []int8, c, taps int, bias []int32, inZeroPoint int32, mult, shift []int32) *PackedDepthwise {
	pairs := (taps + 1) / 2
	cBlocks := c / DepthwiseChannels
	p := &PackedDepthwise{
		C: c, Taps: taps, Pairs: pairs, CBlocks: cBlocks,
		Weights: make([]int8, cBlocks*2*pairs*DepthwiseChannels),
		Params:  make([]int32, cBlocks*4*paramsPerGroup),
	}
	for cb := 0; cb < cBlocks; cb++ {
		for t := 0; t < taps; t++ {
			blk := p.Weights[(cb*2*pairs+t)*DepthwiseChannels:][:DepthwiseChannels]
			for j := range blk {
				blk[j] = w[(cb*DepthwiseChannels+j)*taps+t]
			}
		}
		for j := 0; j < DepthwiseChannels; j++ {
			ch := cb*DepthwiseChannels + j
			g := p.Params[(cb*4+j/4)*paramsPerGroup:]
			setParams(g, j%4, foldedBias(bias, ch, w[ch*taps:][:taps], inZeroPoint), mult[ch], shift[ch])
		}
	}
	for ch := cBlocks * DepthwiseChannels; ch < c; ch++ {
		p.TailWeights = append(p.TailWeights, w[ch*taps:][:taps]...)
		p.TailBias = append(p.TailBias, foldedBias(bias, ch, w[ch*taps:][:taps], inZeroPoint))
		p.TailMult = append(p.TailMult, mult[ch])
		p.TailShift = append(p.TailShift, shift[ch])
	}
	return p
}
