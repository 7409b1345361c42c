package kernels

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/quant"
)

// kernelsBGolden is the checksum of kernelsBChecksum, measured on amd64
// (GOAMD64=v1) and reproduced with GOAMD64=v3 (where Go fuses float
// multiply-adds unless a conversion forbids it) and on arm64 under
// qemu-aarch64, and on 386: the float kernels give the same bits on every
// GOARCH.
const kernelsBGolden = 0xdd15c6629bb5fd63

// kernelsBChecksum runs the float32 kernels (and the int8 ones with
// floating-point inside) on fixed inputs and hashes the output bits.
// Inputs are built from integer bits only, so they too are the same
// everywhere.
func kernelsBChecksum() uint64 {
	r := newRand(99)
	const n = 4096
	x, y := make([]float32, n), make([]float32, n)
	for i := range x {
		x[i] = float32(int32(r.Uint32()>>8)-1<<23) * 0x1p-20 // [-8, 8) in steps of 2^-20
		y[i] = float32(int32(r.Uint32()>>8)-1<<23) * 0x1p-21
	}
	q := make([]int8, n)
	for i := range q {
		q[i] = int8(r.Uint32())
	}
	h := fnv.New64a()
	var buf [4]byte
	sumF := func(v []float32) {
		for _, f := range v {
			binary.LittleEndian.PutUint32(buf[:], math.Float32bits(f))
			h.Write(buf[:])
		}
	}
	sumQ := func(v []int8) {
		for _, b := range v {
			h.Write([]byte{byte(b)})
		}
	}
	out, o8 := make([]float32, n), make([]int8, n)

	bc, _ := NewBroadcast([]int{16, 256}, []int{16, 256}, []int{256})
	bp := &BinaryFloat32Params{Broadcast: bc, ActMin: -3, ActMax: 6}
	for _, run := range []func(*BinaryFloat32Params, []float32, []float32, []float32, int, int){AddFloat32, SubFloat32, MulFloat32} {
		run(bp, x, y, out, 0, n)
		sumF(out)
	}
	up := &UnaryFloat32Params{Elements: n, Min: -1, Max: 2.5, Alpha: 0.1666, Beta: 0.5, Channels: 256, Slope: y[:256]}
	for _, run := range []func(*UnaryFloat32Params, []float32, []float32, int, int){
		ClampFloat32, LeakyReluFloat32, PReluFloat32, HardSwishFloat32, HardSigmoidFloat32, LogisticFloat32, TanhFloat32,
	} {
		run(up, x, out, 0, n)
		sumF(out)
	}
	sp := &SoftmaxFloat32Params{Outer: 16, Axis: 64, Inner: 4, Beta: 1.3}
	SoftmaxFloat32(sp, x, out, 0, sp.Units())
	sumF(out)
	LogSoftmaxFloat32(sp, x, out, 0, sp.Units())
	sumF(out)
	si := &SoftmaxInt8Params{Outer: 16, Axis: 64, Inner: 4, Exp: quant.SoftmaxExpTable(0.07, 1), InScale: 0.07, Beta: 1,
		OutScale: 1.0 / 256, OutZeroPoint: -128}
	SoftmaxInt8(si, q, o8, 0, si.Units())
	sumQ(o8)
	SoftmaxInt8ToFloat32(si, q, out, 0, si.Units())
	sumF(out)
	si.OutScale, si.OutZeroPoint = 16.0/256, 127
	LogSoftmaxInt8(si, q, o8, 0, si.Units())
	sumQ(o8)
	for _, beta := range []float32{0.75, 0.5, 1} {
		lp := &LRNParams{Pixels: n / 32, C: 32, Size: 5, Alpha: 0.01, Beta: beta, Bias: 1.5, InScale: 0.05, OutScale: 0.04, InZeroPoint: 3, OutZeroPoint: -7}
		LRNFloat32(lp, x, out, 0, lp.Units())
		sumF(out)
		LRNInt8(lp, q, o8, 0, lp.Units())
		sumQ(o8)
	}
	rp, _ := NewResizeParams(1, 16, 16, 16, 23, 29, 4, format.ResizeBilinear, format.CoordHalfPixel, 0)
	big := make([]float32, 23*29*16)
	ResizeBilinearFloat32(&rp, x, big, 0, rp.Units())
	sumF(big)
	qp := &QuantizeParams{Elements: n, Scale: 0.0173, ZeroPoint: 5}
	QuantizeFloat32ToInt8(qp, x, o8, 0, n)
	sumQ(o8)
	DequantizeInt8ToFloat32(qp, q, out, 0, n)
	sumF(out)
	return h.Sum64()
}

func TestKernelsBCrossArchGolden(t *testing.T) {
	if got := kernelsBChecksum(); got != kernelsBGolden {
		t.Errorf("checksum %#x, want %#x: a float kernel's bits changed (or differ on this GOARCH)", got, uint64(kernelsBGolden))
	}
}
