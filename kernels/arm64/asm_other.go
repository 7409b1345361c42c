//go:build !arm64 || !gc || purego || noasm

package arm64

import "unsafe"

// Without the assembly, Supported reports only Go, and these stand-ins (which
// the dispatch never reaches) run the Go twins so every call site compiles.

const haveAsm = false

var haveDot = false

func gemmNEON(ind **int8, taps, kBlocks int, w *int8, params *int32, nBlocks, wSkip, pSkip int, c0, c1, c2, c3 *int8, zp, actMin, actMax int32) {
	gemmGoBlocks(ind, taps, kBlocks*GEMMDepth, kBlocks, w, params, nBlocks*GEMMCols, wSkip, pSkip, [4]*int8{c0, c1, c2, c3}, Out{zp, actMin, actMax})
}

func gemmDot(ind **int8, taps, kBlocks int, w *int8, params *int32, nBlocks, wSkip, pSkip int, c0, c1, c2, c3 *int8, zp, actMin, actMax int32) {
	gemmNEON(ind, taps, kBlocks, w, params, nBlocks, wSkip, pSkip, c0, c1, c2, c3, zp, actMin, actMax)
}

func depthwiseNEON(ind **int8, pairs, cBlocks int, w *int8, params *int32, pixels int, c *int8, cStride int, zp, actMin, actMax int32) {
	depthwiseGoBlocks(ind, pairs, cBlocks, w, params, pixels, c, cStride, Out{zp, actMin, actMax})
}

func requantNEON(acc *int32, params *int32, groups int, out *int8, zp, actMin, actMax int32) {
	requantGo(acc, params, groups, out, Out{zp, actMin, actMax})
}

func gemmDot4x16(a0, a1, a2, a3 *int8, kp int, b *int8, headerBytes, blockBytes, nBlocks int, c0, c1, c2, c3 *int8, zp, actMin, actMax int32) {
	gemmDot4x16Go([4]*int8{a0, a1, a2, a3}, kp, b, headerBytes, blockBytes, nBlocks, [4]*int8{c0, c1, c2, c3}, Out{zp, actMin, actMax})
}

func depthwise2NEON(ind **int8, pairs, cBlocks int, w *int8, params *int32, pixelPairs int, c *int8, cStride int, zp, actMin, actMax int32) {
	depthwiseGoBlocks(ind, pairs, cBlocks, w, params, 2*pixelPairs, c, cStride, Out{zp, actMin, actMax})
}

func interleaveNEON(dst, x, y *byte, n int) {
	InterleaveBytesGo(unsafe.Slice(dst, 2*n), unsafe.Slice(x, n), unsafe.Slice(y, n))
}

func mulNEON(out, a, b *int8, n int, c *MulConsts) {
	mulGo(unsafe.Slice(out, n), unsafe.Slice(a, n), unsafe.Slice(b, n), c)
}

func lutNEON(out, in *int8, n int, table *[256]int8) {
	lutGo(unsafe.Slice(out, n), unsafe.Slice(in, n), table)
}

func addNEON(out, a, b *int8, n int, c *AddConsts) {
	addGo(unsafe.Slice(out, n), unsafe.Slice(a, n), unsafe.Slice(b, n), c)
}

func maxPoolNEON(out, in *int8, count, inStep, outStep, channels int, taps *int64, ntaps int, actMin, actMax int32) {
	maxPoolGo(out, in, count, inStep, outStep, channels, taps, ntaps, actMin, actMax)
}

func meanSumNEON(acc *int32, in *int8, cols, rows, rowStride int, start int32) {
	meanSumGo(unsafe.Slice(acc, cols), unsafe.Slice(in, (rows-1)*rowStride+cols), rows, rowStride, start)
}

func avgPool32NEON(out, in *int8, count, inStep, outStep, chunks int, taps *int64, ntaps int, half, padSum, magic, negShift, actMin, actMax int32) {
	avgPool32Go(out, in, count, inStep, outStep, chunks, taps, ntaps, half, padSum, magic, negShift, actMin, actMax)
}

func mulRowNEON(out, full, row *int8, pixels, c int, k *MulConsts) {
	mulRowGo(unsafe.Slice(out, pixels*c), unsafe.Slice(full, pixels*c), unsafe.Slice(row, c), c, k)
}
