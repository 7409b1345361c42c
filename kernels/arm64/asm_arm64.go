//go:build gc && !purego && !noasm

package arm64

import "golang.org/x/sys/cpu"

const haveAsm = true

// haveDot is the dot-product extension (Linux HWCAP ASIMDDP; x/sys/cpu
// documents the field as "double precision" but maps the dot-product bit).
var haveDot = cpu.ARM64.HasASIMDDP

//go:noescape
func gemmNEON(ind **int8, taps, kBlocks int, w *int8, params *int32, nBlocks, wSkip, pSkip int, c0, c1, c2, c3 *int8, zp, actMin, actMax int32)

//go:noescape
func gemmDot(ind **int8, taps, kBlocks int, w *int8, params *int32, nBlocks, wSkip, pSkip int, c0, c1, c2, c3 *int8, zp, actMin, actMax int32)

//go:noescape
func depthwiseNEON(ind **int8, pairs, cBlocks int, w *int8, params *int32, pixels int, c *int8, cStride int, zp, actMin, actMax int32)

//go:noescape
func requantNEON(acc *int32, params *int32, groups int, out *int8, zp, actMin, actMax int32)

//go:noescape
func gemmDot4x16(a0, a1, a2, a3 *int8, kp int, b *int8, headerBytes, blockBytes, nBlocks int, c0, c1, c2, c3 *int8, zp, actMin, actMax int32)

//go:noescape
func depthwise2NEON(ind **int8, pairs, cBlocks int, w *int8, params *int32, pixelPairs int, c *int8, cStride int, zp, actMin, actMax int32)

//go:noescape
func interleaveNEON(dst, x, y *byte, n int)

//go:noescape
func mulNEON(out, a, b *int8, n int, c *MulConsts)

//go:noescape
func lutNEON(out, in *int8, n int, table *[256]int8)

//go:noescape
func addNEON(out, a, b *int8, n int, c *AddConsts)

//go:noescape
func maxPoolNEON(out, in *int8, count, inStep, outStep, channels int, taps *int64, ntaps int, actMin, actMax int32)

//go:noescape
func meanSumNEON(acc *int32, in *int8, cols, rows, rowStride int, start int32)

//go:noescape
func avgPool32NEON(out, in *int8, count, inStep, outStep, chunks int, taps *int64, ntaps int, half, padSum, magic, negShift, actMin, actMax int32)

//go:noescape
func mulRowNEON(out, full, row *int8, pixels, c int, k *MulConsts)
