package arm64

import "unsafe"

// Run computes pixels output pixels of the depthwise convolution: pixel i's
// tap t reads input channel 0 at ind[i*2*Pairs+t] (len(ind) ==
// pixels*2*Pairs; when Taps is odd, tap Taps must be a readable pointer such
// as the zero-point buffer: it meets zero weights) and writes its C outputs
// from c + i*cStride. Padding taps point to a buffer of C zero-point bytes.
func (p *PackedDepthwise) Run(v Variant, ind []*int8, pixels int, c *int8, cStride int, o Out) {
	if p.CBlocks > 0 && pixels > 0 {
		if v == Go {
			depthwiseGoBlocks(&ind[0], p.Pairs, p.CBlocks, &p.Weights[0], &p.Params[0], pixels, c, cStride, o)
		} else {
			// Pixel pairs share weight and parameter loads; an odd last
			// pixel runs alone.
			if pp := pixels / 2; pp > 0 {
				depthwise2NEON(&ind[0], p.Pairs, p.CBlocks, &p.Weights[0], &p.Params[0], pp, c, cStride, o.ZeroPoint, o.Min, o.Max)
			}
			if pixels%2 == 1 {
				last := pixels - 1
				depthwiseNEON(&ind[last*2*p.Pairs], p.Pairs, p.CBlocks, &p.Weights[0], &p.Params[0], 1,
					ptrAdd(c, last*cStride), cStride, o.ZeroPoint, o.Min, o.Max)
			}
		}
	}
	tail := p.C - p.CBlocks*DepthwiseChannels
	if tail == 0 {
		return
	}
	var g [paramsPerGroup]int32
	for i := 0; i < pixels; i++ {
		taps := ind[i*2*p.Pairs:][:p.Taps]
		out := unsafe.Slice((*int8)(unsafe.Add(unsafe.Pointer(c), i*cStride+p.CBlocks*DepthwiseChannels)), tail)
		for j := range out {
			ch := p.CBlocks*DepthwiseChannels + j
			var acc int32
			for t, x := range taps {
				acc += int32(p.TailWeights[j*p.Taps+t]) * int32(*(*int8)(unsafe.Add(unsafe.Pointer(x), ch)))
			}
			setParams(g[:], 0, p.TailBias[j], p.TailMult[j], p.TailShift[j])
			out[j] = requantLane(acc, g[:], 0, o)
		}
	}
}

// depthwiseGoBlocks is the Go twin of depthwiseNEON.
func depthwiseGoBlocks(ind **int8, pairs, cBlocks int, w *int8, params *int32, pixels int, c *int8, cStride int, o Out) {
	ptrs := unsafe.Slice(ind, pixels*2*pairs)
	ws := unsafe.Slice(w, cBlocks*2*pairs*DepthwiseChannels)
	ps := unsafe.Slice(params, cBlocks*4*paramsPerGroup)
	for i := 0; i < pixels; i++ {
		taps := ptrs[i*2*pairs:][:2*pairs]
		out := unsafe.Slice((*int8)(unsafe.Add(unsafe.Pointer(c), i*cStride)), cBlocks*DepthwiseChannels)
		for cb := 0; cb < cBlocks; cb++ {
			var acc [DepthwiseChannels]int32
			for t, x := range taps {
				xs := unsafe.Slice((*int8)(unsafe.Add(unsafe.Pointer(x), cb*DepthwiseChannels)), DepthwiseChannels)
				wt := ws[(cb*2*pairs+t)*DepthwiseChannels:][:DepthwiseChannels]
				for j := range acc {
					acc[j] += int32(wt[j]) * int32(xs[j])
				}
			}
			for j := range acc {
				g := ps[(cb*4+j/4)*paramsPerGroup:][:paramsPerGroup]
				out[cb*DepthwiseChannels+j] = requantLane(acc[j], g, j%4, o)
			}
		}
	}
}

// ptrAdd is &(*[∞]int8)(p)[i].
func ptrAdd(p *int8, i int) *int8 { return (*int8)(unsafe.Add(unsafe.Pointer(p), i)) }
