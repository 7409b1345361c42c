package amd64

// The rows kernel: depthwise windows of KH rows and KW columns on pair rows
// (dw_pair.go), at stride 1 or 2 along W. It takes the 5x5 windows
// (EfficientNet-B0); 3x3 at stride 1 keeps dwConv3x3PairAVX2, whose
// vertical pair saves a sixth of the multiplies, and 3x3 at stride 2 has
// dwConv3x3S2x4AVX2 (dw_3x3s2.go; see rowsTakes).
//
// Window row ky contributes ceil(KW/2) weight pairs, taps (ky, 2p) and
// (ky, 2p+1) (a zero weight past the last column): output pixel ox
// multiplies pair p with the entry of padded column ox*StrideW + 2p. At
// stride 1 that is entry ox + 2p of the pair rows, which pair every column
// with the next. At stride 2 the pair rows hold only the even columns'
// pairs (x[2k], x[2k+1]), half the widening work, and it is entry ox + p.
// Either way a pixel's entries lie pairStep bytes apart (128 or 64) and the
// next pixel's follow 64 bytes on. 5x5 takes 15 VPMADDWD per 8 channels
// for 25 taps (83% of the multiply slots).
//
// The kernel walks groups of 8 output pixels per half block, window rows
// outer. A row's three weight vectors sit in registers and each of the
// row's entries that the group reads (12 at stride 1, 10 at stride 2) is
// loaded once and multiplied into the accumulators of every pixel that
// reads it: 24 VPMADDWD for 15 loads. (Multiply-adds with the entry as a
// memory operand, loading each entry three times, ran the 5x5 stride-1
// layers 1.2-1.3x faster than dwConv5x5AVX2; this runs them 1.3-1.5x.)
// The group's accumulators then requantize with dw_pair.go's 9-operation
// sequence. A last group of 5-7 pixels runs as a partial group of eight
// (computing 8, storing count%8; the pair rows have dwRowsSpare entries of
// room), which took the 7-wide layers from 1.2x to 1.3x; one of 1-4 runs
// as a group of four (overlapping the previous group when it can) or
// single pixels, which loop over the pairs with memory operands.
//
// The pair rows cost one widening per input pixel per Run call. At stride
// 2 along H and W that is four input pixels per output pixel, which for
// 3x3 windows (six VPMADDWD per 8 channels) took a third of the time: the
// rows kernel ran MobileNetV2's and EfficientNet-B0's 3x3 stride-2 layers
// at 0.75-0.92x of dwConv3x3AVX2. 5x5 at stride 2 runs here, 1.07-1.38x.

import "unsafe"

// rowsTakes reports whether the rows kernel takes the window: 5x5 at
// stride 1 or 2 along W (dilation and the requantization are checked by
// packPair).
func rowsTakes(g *DepthwiseGeom) bool {
	return g.KH == 5 && g.KW == 5 && g.StrideW <= 2
}

// dwRowsSpare is the entries the rows kernel may read past a row's last
// one: a partial last group of eight has at least 5 pixels, so its eighth
// pixel is at most 3 past the row's last.
const dwRowsSpare = 3

// rowsHalfLen is the int32s of one half block's constants: kh*pairs
// weight vectors of 8 int16 pairs (row-major: pair p of row ky at
// (ky*pairs+p)*8), then the dwPairRqLen requantization constants. A
// block is the lo half, then the hi half.
func rowsHalfLen(kh, pairs int) int { return kh*pairs*8 + dwPairRqLen }

// packRows returns the rows kernel's packing, or nil when it does not take
// the window.
func (d *DepthwiseInt8) packRows(filter []int8, bias []int32, inZP int32, mult, shift []int32) *dwPair {
	g := &d.g
	if !rowsTakes(g) || g.KH > dwPairMaxRows {
		return nil
	}
	pairs := (g.KW + 1) / 2
	// Pixel ox reads entries up to ox + 2*(pairs-1) at stride 1 and
	// ox + pairs-1 at stride 2.
	entries := g.OutW + (pairs-1)*2/g.StrideW
	halfLen := rowsHalfLen(g.KH, pairs)
	// The last group of eight may be partial, count%8 >= 5 pixels: its
	// last pixel reads up to 3 entries past the row's (dwRowsSpare).
	p := d.newPairRows(2*halfLen, entries, entries+dwRowsSpare, g.StrideW, inZP)
	p.pairs = pairs
	d.putRowsBlocks(p.packed, pairs, filter, bias, inZP, mult, shift)
	return p
}

// putRowsBlocks fills packed with the rows layout's constants of every
// block: per half, the KH*pairs weight pairs of the window rows, then the
// requantization (rowsHalfLen int32s).
func (d *DepthwiseInt8) putRowsBlocks(packed []int32, pairs int, filter []int8, bias []int32, inZP int32, mult, shift []int32) {
	g := &d.g
	halfLen := rowsHalfLen(g.KH, pairs)
	for b := range d.allBlocks {
		for h := range 2 {
			half := packed[(2*b+h)*halfLen:][:halfLen]
			for i, lc := range dwPairAcc[h] {
				for ky := range g.KH {
					for pr := range pairs {
						t0, t1 := ky*g.KW+2*pr, ky*g.KW+2*pr+1
						if 2*pr+1 >= g.KW {
							t1 = -1
						}
						half[(ky*pairs+pr)*8+i] = d.pairWeights(filter, d.blockStart(b)+lc, t0, t1)
					}
				}
			}
			d.putPairRequant(half[g.KH*pairs*8:], h, b, filter, bias, inZP, mult, shift)
		}
	}
}

// dwRowsGeneric is the pure-Go twin of dwRowsAVX2, lane for lane: for
// blocks blocks of 16 channels of count output pixels, window row ky's
// entries for the first pixel of block 0 at rows[ky] (block b at
// rows[ky] + b*rows[dwPairMaxRows+ky] bytes, the next pixel's 64 bytes
// on, the next weight pair's pairStep bytes on), kh*pairs weight pairs per
// half (packed as packRows), out advancing by outStep per pixel and 16 per
// block.
func dwRowsGeneric(out *int8, rows *uintptr, kh, pairs, pairStep, count, blocks, outStep int, packed *int32, clamp *int8) {
	table := unsafe.Slice(rows, 2*dwPairMaxRows)
	halfLen := rowsHalfLen(kh, pairs)
	pk := unsafe.Slice(packed, blocks*2*halfLen)
	for b := range blocks {
		for px := range count {
			var res [16]int32
			for h := range 2 {
				half := pk[(2*b+h)*halfLen:][:halfLen]
				var acc [8]int32
				for ky := range kh {
					row := unsafe.Add(*(*unsafe.Pointer)(unsafe.Pointer(&table[ky])), b*int(table[dwPairMaxRows+ky])+px*dwPairEntry+32*h)
					for p := range pairs {
						e := unsafe.Slice((*int16)(unsafe.Add(row, p*pairStep)), 16)
						w := half[(ky*pairs+p)*8:][:8]
						for i := range acc {
							acc[i] += int32(e[2*i])*int32(int16(w[i])) + int32(e[2*i+1])*int32(int16(w[i]>>16))
						}
					}
				}
				dwPairRequant(&acc, half[kh*pairs*8:], res[8*h:][:8])
			}
			dwPairStore((*int8)(unsafe.Add(unsafe.Pointer(out), b*dwBlock+px*outStep)), &res, clamp)
		}
	}
}
