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
