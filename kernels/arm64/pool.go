package arm64

import "unsafe"

// MaxPool is the max pool kernel of kernels/amd64's portable pool driver
// (amd64.MaxPoolKernel's contract): for count pixels (in and out advancing
// by inStep and outStep bytes) and channels channels, the maximum of the
// rows at the ntaps >= 1 byte offsets taps, clamped to [actMin, actMax].
// maxPoolNEON takes 16 or more channels, maxPoolGo the rest.
func MaxPool(v Variant, out, in *int8, count, inStep, outStep, channels int, taps *int64, ntaps int, actMin, actMax int32) {
	if v != Go && channels >= 16 {
		maxPoolNEON(out, in, count, inStep, outStep, channels, taps, ntaps, actMin, actMax)
		return
	}
	maxPoolGo(out, in, count, inStep, outStep, channels, taps, ntaps, actMin, actMax)
}

// maxPoolGo is the Go twin of maxPoolNEON (for any channel count).
func maxPoolGo(out, in *int8, count, inStep, outStep, channels int, taps *int64, ntaps int, actMin, actMax int32) {
	tp := unsafe.Slice(taps, ntaps)
	for px := range count {
		o := unsafe.Slice(ptrAdd(out, px*outStep), channels)
		for ch := range o {
			m := *ptrAdd(in, px*inStep+int(tp[0])+ch)
			for _, t := range tp[1:] {
				m = max(m, *ptrAdd(in, px*inStep+int(t)+ch))
			}
			o[ch] = min(max(m, int8(actMin)), int8(actMax))
		}
	}
}

// MeanSum sets acc to start plus the column sums of an int8 matrix:
// acc[i] = start + sum over r < rows of in[r*rowStride+i] for i <
// len(acc), wrapping like the reference MeanInt8 (rows >= 1). meanSumNEON
// takes the columns in blocks of 16, meanSumGo the rest.
func MeanSum(v Variant, acc []int32, in []int8, rows, rowStride int, start int32) {
	_ = in[(rows-1)*rowStride+len(acc)-1]
	if k := len(acc) &^ 15; v != Go && k > 0 {
		meanSumNEON(&acc[0], &in[0], k, rows, rowStride, start)
		acc, in = acc[k:], in[k:]
	}
	meanSumGo(acc, in, rows, rowStride, start)
}

// meanSumGo is the Go twin of meanSumNEON (for any column count).
func meanSumGo(acc []int32, in []int8, rows, rowStride int, start int32) {
	for i := range acc {
		acc[i] = start
	}
	for r := range rows {
		for i, x := range in[r*rowStride:][:len(acc)] {
			acc[i] += int32(x)
		}
	}
}

// AvgPool32 is the int16 average pool kernel of kernels/amd64's portable
// pool driver (amd64.AvgPoolKernel's contract, avgPool32Generic there):
// for count pixels and chunks*32 channels, padSum plus the sum of the rows
// at the ntaps >= 1 byte offsets taps in int16, divided by the magic
// number (|sum| + half)*magic >> 16 >> shift with the sign put back,
// narrowed with saturation and clamped to [actMin, actMax].
func AvgPool32(v Variant, out, in *int8, count, inStep, outStep, chunks int, taps *int64, ntaps int, half, padSum, magic int32, shift int64, actMin, actMax int32) {
	if v != Go {
		avgPool32NEON(out, in, count, inStep, outStep, chunks, taps, ntaps, half, padSum, magic, int32(-shift), actMin, actMax)
		return
	}
	avgPool32Go(out, in, count, inStep, outStep, chunks, taps, ntaps, half, padSum, magic, int32(-shift), actMin, actMax)
}

// avgPool32Go is the Go twin of avgPool32NEON, lane for lane.
func avgPool32Go(out, in *int8, count, inStep, outStep, chunks int, taps *int64, ntaps int, half, padSum, magic, negShift, actMin, actMax int32) {
	tp := unsafe.Slice(taps, ntaps)
	for px := range count {
		o := unsafe.Slice(ptrAdd(out, px*outStep), chunks*32)
		for ch := range o {
			s := int16(padSum) // DUP
			for _, t := range tp {
				s += int16(*ptrAdd(in, px*inStep+int(t)+ch)) // SADDW
			}
			sign := s >> 15                                                            // SSHR
			a := uint16((s^sign)-sign) + uint16(half)                                  // ABS, ADD
			q := int16(uint16(uint32(a)*uint32(uint16(magic))>>16) >> -negShift)       // UMULL, UZP2, USHL
			q = (q ^ sign) - sign                                                      // EOR, SUB
			o[ch] = min(max(int8(min(max(q, -128), 127)), int8(actMin)), int8(actMax)) // SQXTN, SMAX, SMIN
		}
	}
}
