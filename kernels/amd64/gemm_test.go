//go:build gc && !purego

package amd64

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// gemmGuard is the sentinel byte of the gemmGuard bands around every output.
const gemmGuard = int8(0x5a)

// gemmRandomBlock returns a packed block of nr channels over kp with weights of
// bElem bytes, and random requantization headers covering the corners:
// left shifts that saturate, right shifts up to 31, negative multipliers.
func gemmRandomBlock(rng *rand.Rand, nr, kp, bElem int) []byte {
	b := make([]byte, headerRows*nr*4+nr*kp*bElem)
	le := binary.LittleEndian
	for j := 0; j < nr; j++ {
		bias := int32(rng.Uint32())
		if rng.IntN(2) == 0 {
			bias = int32(rng.IntN(1<<16)) - 1<<15
		}
		mult := int32(1<<30 + rng.IntN(1<<30))
		if rng.IntN(8) == 0 {
			mult = -mult
		}
		shift := int32(rng.IntN(62)) - 31
		if rng.IntN(3) == 0 {
			shift = int32(rng.IntN(12)) - 10
		}
		left, right := max(shift, 0), max(-shift, 0)
		mask := int32(int64(1)<<uint(right) - 1)
		for h, v := range []int32{bias, mult, left, right, mask, mask >> 1} {
			le.PutUint32(b[(h*nr+j)*4:], uint32(v))
		}
	}
	w := b[headerRows*nr*4:]
	for i := 0; i < nr*kp; i++ {
		v := int8(rng.IntN(255) - 127)
		if bElem == 2 {
			le.PutUint16(w[2*i:], uint16(int16(v)))
		} else {
			w[i] = byte(v)
		}
	}
	return b
}

func gemmRandomOutput(rng *rand.Rand) *Output {
	q := new(Output)
	zp := int32(rng.IntN(256) - 128)
	lo := int32(rng.IntN(128) - 128)
	hi := int32(rng.IntN(128))
	if rng.IntN(3) == 0 {
		lo, hi = -128, 127
	}
	for l := range 16 {
		q[0][l], q[1][l], q[2][l] = zp, lo-zp, hi-zp
	}
	q[3][0] = int32(rng.IntN(2))
	return q
}

// gemmGuarded returns a buffer of n bytes between gemmGuard bands, and the bands'
// check.
func gemmGuarded(n int) (buf []int8, check func(t *testing.T, what string)) {
	all := make([]int8, n+128)
	for i := range all {
		all[i] = gemmGuard
	}
	buf = all[64 : 64+n : 64+n]
	return buf, func(t *testing.T, what string) {
		t.Helper()
		for i := range 64 {
			if all[i] != gemmGuard || all[64+n+i] != gemmGuard {
				t.Fatalf("%s: gemmGuard band overwritten", what)
			}
		}
	}
}

func TestGemm6x16Int16(t *testing.T) {
	if !HasAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, kp := range []int{0, 2, 4, 6, 8, 14, 16, 18, 30, 32, 34, 62, 64, 66, 128, 130, 576, 1154} {
		for trial := 0; trial < 8; trial++ {
			blocks := 1 + trial%3
			var b []byte
			for range blocks {
				b = append(b, gemmRandomBlock(rng, 16, kp, 2)...)
			}
			q := gemmRandomOutput(rng)
			a := make([]int16, 6*kp)
			for i := range a {
				a[i] = int16(rng.IntN(256) - 128)
				if trial == 0 {
					a[i] = -128 // largest products, all one sign
				}
			}
			cStride := 16*blocks + rng.IntN(5)
			want, checkW := gemmGuarded(5*cStride + 16*blocks)
			got, checkG := gemmGuarded(5*cStride + 16*blocks)
			Gemm6x16Int16Go(a, b, kp, blocks, want, cStride, q)
			Gemm6x16Int16(a, b, kp, blocks, got, cStride, q)
			if !slices.Equal(got, want) {
				t.Fatalf("kp %d trial %d: asm\n%v\nwant\n%v", kp, trial, got, want)
			}
			checkW(t, "twin")
			checkG(t, "asm")
		}
	}
}

// TestRequantizeMatchesMBQM checks the vector-form output stage of the
// twins against the reference arithmetic on corner accumulators.
func TestRequantizeMatchesMBQM(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	accs := []int32{0, 1, -1, math.MaxInt32, math.MinInt32, 1 << 30, -1 << 30, 12345, -12345}
	for i := 0; i < 2000; i++ {
		b := gemmRandomBlock(rng, 1, 0, 1)
		q := gemmRandomOutput(rng)
		q[3][0] = 1
		acc := int32(rng.Uint32())
		if i < len(accs) {
			acc = accs[i]
		}
		mult, left, right := header(b, 1, 1, 0), header(b, 1, 2, 0), header(b, 1, 3, 0)
		want := gemmRefRequant(acc, mult, left-right, q[0][0], q[1][0]+q[0][0], q[2][0]+q[0][0])
		if got := requantize(acc, b, 1, 0, q); got != want {
			t.Fatalf("acc %d mult %d shift %d: %d, want %d", acc, mult, left-right, got, want)
		}
	}
}

// gemmRefRequant is gemmlowp's MultiplyByQuantizedMultiplier written out
// independently (int64 saturating shift, nudge by sign and truncating
// division, mask/threshold rounding), then zero point and clamp in int64.
func gemmRefRequant(x, mult, shift, zp, lo, hi int32) int8 {
	v := int64(x)
	if shift > 0 {
		v <<= uint(shift)
		v = max(min(v, math.MaxInt32), math.MinInt32)
	}
	ab := v * int64(mult)
	nudge := int64(1 << 30)
	if ab < 0 {
		nudge = 1 - 1<<30
	}
	h := (ab + nudge) / (1 << 31)
	if v == math.MinInt32 && mult == math.MinInt32 {
		h = math.MaxInt32
	}
	if shift < 0 {
		e := uint(-shift)
		mask := int64(1)<<e - 1
		rem := h & mask
		thr := mask >> 1
		if h < 0 {
			thr++
		}
		h >>= e
		if rem > thr {
			h++
		}
	}
	r := max(min(h+int64(zp), int64(hi)), int64(lo))
	return int8(r)
}

func TestGemm6x16VNNI(t *testing.T) {
	if !HasAVXVNNI {
		t.Skip("no AVX-VNNI on this CPU")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, kp := range []int{0, 4, 8, 12, 16, 20, 60, 64, 68, 128, 132, 576, 1156} {
		for trial := 0; trial < 8; trial++ {
			blocks := 1 + trial%3
			var b []byte
			for range blocks {
				b = append(b, gemmRandomBlock(rng, 16, kp, 1)...)
			}
			q := gemmRandomOutput(rng)
			a := make([]byte, 6*kp)
			for i := range a {
				a[i] = byte(rng.IntN(256))
				if trial == 0 {
					a[i] = 255 // largest products, all one sign
				}
			}
			cStride := 16*blocks + rng.IntN(5)
			want, checkW := gemmGuarded(5*cStride + 16*blocks)
			got, checkG := gemmGuarded(5*cStride + 16*blocks)
			Gemm6x16VNNIGo(a, b, kp, blocks, want, cStride, q)
			Gemm6x16VNNI(a, b, kp, blocks, got, cStride, q)
			if !slices.Equal(got, want) {
				t.Fatalf("kp %d trial %d: asm\n%v\nwant\n%v", kp, trial, got, want)
			}
			checkW(t, "twin")
			checkG(t, "asm")
		}
	}
}

func TestPackA(t *testing.T) {
	if !HasAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, k := range []int{1, 3, 15, 16, 17, 31, 32, 33, 64, 100} {
		for _, mrMax := range []int{6, 8} {
			for rows := 1; rows <= mrMax; rows++ {
				stride := k + rng.IntN(9)
				src := make([]int8, (rows-1)*stride+k)
				for i := range src {
					src[i] = int8(rng.IntN(256) - 128)
				}
				kp := (k + 3) &^ 3
				w16, g16 := make([]int16, mrMax*kp), make([]int16, mrMax*kp)
				for i := range g16 {
					g16[i] = 0x5a5a // stale panel contents must be overwritten
				}
				PackAInt16Go(w16, mrMax, src, stride, rows, k, kp)
				PackAInt16(g16, mrMax, src, stride, rows, k, kp)
				if !slices.Equal(g16, w16) {
					t.Fatalf("PackAInt16 k %d rows %d/%d differs", k, rows, mrMax)
				}
				w8, g8 := make([]byte, mrMax*kp), make([]byte, mrMax*kp)
				for i := range g8 {
					g8[i] = 0x5a
				}
				PackAUint8Go(w8, mrMax, src, stride, rows, k, kp)
				PackAUint8(g8, mrMax, src, stride, rows, k, kp)
				if !slices.Equal(g8, w8) {
					t.Fatalf("PackAUint8 k %d rows %d/%d differs", k, rows, mrMax)
				}
			}
		}
	}
}

func TestGemm8x32VNNI512(t *testing.T) {
	if !HasAVX512VNNI {
		t.Skip("no AVX-512 VNNI on this CPU")
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for _, kp := range []int{0, 4, 8, 12, 16, 60, 64, 68, 128, 132, 576, 1156} {
		for trial := 0; trial < 8; trial++ {
			blocks := 1 + trial%3
			var b []byte
			for range blocks {
				b = append(b, gemmRandomBlock(rng, 32, kp, 1)...)
			}
			q := gemmRandomOutput(rng)
			a := make([]byte, 8*kp)
			for i := range a {
				a[i] = byte(rng.IntN(256))
				if trial == 0 {
					a[i] = 255
				}
			}
			cStride := 32*blocks + rng.IntN(5)
			want, checkW := gemmGuarded(7*cStride + 32*blocks)
			got, checkG := gemmGuarded(7*cStride + 32*blocks)
			Gemm8x32VNNI512Go(a, b, kp, blocks, want, cStride, q)
			Gemm8x32VNNI512(a, b, kp, blocks, got, cStride, q)
			if !slices.Equal(got, want) {
				t.Fatalf("kp %d trial %d: asm\n%v\nwant\n%v", kp, trial, got, want)
			}
			checkW(t, "twin")
			checkG(t, "asm")
		}
	}
}
