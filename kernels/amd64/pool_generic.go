package amd64

import (
	"math"
	"unsafe"
)

// maxPoolGeneric is the pure-Go twin of maxPoolAVX2: for count pixels (in
// and out advancing by inStep and outStep bytes) and channels channels,
// the maximum over the ntaps byte offsets taps, then the clamp.
func maxPoolGeneric(out, in *int8, count, inStep, outStep, channels int, taps *int64, ntaps int, c *PoolConsts) {
	tp := unsafe.Slice(taps, ntaps)
	for px := range count {
		pin := unsafe.Add(unsafe.Pointer(in), px*inStep)
		o := unsafe.Slice((*int8)(unsafe.Add(unsafe.Pointer(out), px*outStep)), channels)
		for ch := range o {
			m := int8(math.MinInt8)
			for _, t := range tp {
				m = max(m, *(*int8)(unsafe.Add(pin, int(t)+ch)))
			}
			o[ch] = int8(min(max(int32(m), c.ActMin), c.ActMax))
		}
	}
}

// avgPoolGeneric is the pure-Go twin of avgPoolAVX2: for count pixels,
// chunks*8 channels, the sum over the ntaps byte offsets taps plus
// PadSum, divided by Count with the float32 division the vector code uses,
// then clamped.
func avgPoolGeneric(out, in *int8, count, inStep, outStep, chunks int, taps *int64, ntaps int, c *AvgPoolConsts) {
	tp := unsafe.Slice(taps, ntaps)
	for px := range count {
		pin := unsafe.Add(unsafe.Pointer(in), px*inStep)
		o := unsafe.Slice((*int8)(unsafe.Add(unsafe.Pointer(out), px*outStep)), chunks*avgPoolChunk)
		for ch := range o {
			s := c.PadSum
			for _, t := range tp {
				s += int32(*(*int8)(unsafe.Add(pin, int(t)+ch)))
			}
			sign := s >> 31                                           // VPSRAD
			q := int32(float32((s^sign)-sign+c.Half) / c.Count)       // VPABSD, VPADDD, VCVTDQ2PS, VDIVPS, VCVTTPS2DQ
			o[ch] = int8(min(max((q^sign)-sign, c.ActMin), c.ActMax)) // VPXOR, VPSUBD, packs and clamp
		}
	}
}

// avgPool32Generic is the pure-Go twin of avgPool32AVX2, lane for lane:
// for count pixels and chunks*32 channels, the int16 sum over the ntaps
// byte offsets taps plus PadSum, its magnitude plus Half divided by the
// multiply-high with Magic and the shift by MagicShift, the sign put back,
// then the saturating narrowing and the clamp.
func avgPool32Generic(out, in *int8, count, inStep, outStep, chunks int, taps *int64, ntaps int, c *AvgPoolConsts) {
	tp := unsafe.Slice(taps, ntaps)
	for px := range count {
		pin := unsafe.Add(unsafe.Pointer(in), px*inStep)
		o := unsafe.Slice((*int8)(unsafe.Add(unsafe.Pointer(out), px*outStep)), chunks*avgPool32Chunk)
		for ch := range o {
			s := int16(c.PadSum) // VPBROADCASTW
			for _, t := range tp {
				s += int16(*(*int8)(unsafe.Add(pin, int(t)+ch))) // VPMOVSXBW, VPADDW
			}
			sign := s >> 15                                                           // VPSRAW
			a := uint16((s^sign)-sign) + uint16(c.Half)                               // VPABSW, VPADDW
			q := int16(uint16(uint32(a)*uint32(uint16(c.Magic))>>16) >> c.MagicShift) // VPMULHUW, VPSRLW
			q = (q ^ sign) - sign                                                     // VPXOR, VPSUBW
			v := min(max(int32(q), math.MinInt8), math.MaxInt8)                       // VPACKSSWB
			o[ch] = int8(min(max(v, c.ActMin), c.ActMax))                             // VPMAXSB, VPMINSB
		}
	}
}
