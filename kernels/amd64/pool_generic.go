package amd64

import (
	"math"
	"unsafe"
)

// maxPoolGeneric is the pure-Go twin of maxPoolAVX2: for count pixels (in
// and out advancing by inStep and outStep bytes), chunks*32 channels, the
// maximum over the ntaps byte offsets taps, then the clamp.
func maxPoolGeneric(out, in *int8, count, inStep, outStep, chunks int, taps *int64, ntaps int, c *PoolConsts) {
	tp := unsafe.Slice(taps, ntaps)
	for px := range count {
		pin := unsafe.Add(unsafe.Pointer(in), px*inStep)
		o := unsafe.Slice((*int8)(unsafe.Add(unsafe.Pointer(out), px*outStep)), chunks*poolChunk)
		for ch := range o {
			m := int8(math.MinInt8)
			for _, t := range tp {
				m = max(m, *(*int8)(unsafe.Add(pin, int(t)+ch)))
			}
			o[ch] = int8(min(max(int32(m), c.ActMin), c.ActMax))
		}
	}
}
