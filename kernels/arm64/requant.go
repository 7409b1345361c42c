package arm64

import "unsafe"

// Requantize maps len(out) int32 accumulators (a multiple of 4) to int8
// with the requantization groups params (16 int32 per 4 channels, as
// PackedGEMM.Params: bias, multiplier, left shift, right shift):
// the epilogue of the GEMM and depthwise kernels as a standalone routine.
func Requantize(v Variant, acc []int32, params []int32, out []int8, o Out) {
	groups := len(out) / 4
	if groups == 0 {
		return
	}
	_ = acc[4*groups-1]
	_ = params[groups*paramsPerGroup-1]
	if v == Go {
		requantGo(&acc[0], &params[0], groups, &out[0], o)
		return
	}
	requantNEON(&acc[0], &params[0], groups, &out[0], o.ZeroPoint, o.Min, o.Max)
}

// RequantParams builds one requantization group per 4 channels from
// per-channel bias, multiplier and shift (len a multiple of 4).
func RequantParams(bias, mult, shift []int32) []int32 {
	g := make([]int32, len(mult)/4*paramsPerGroup)
	for ch := range mult {
		setParams(g[ch/4*paramsPerGroup:], ch%4, bias[ch], mult[ch], shift[ch])
	}
	return g
}

// requantGo is the Go twin of requantNEON.
func requantGo(acc *int32, params *int32, groups int, out *int8, o Out) {
	a := unsafe.Slice(acc, 4*groups)
	ps := unsafe.Slice(params, groups*paramsPerGroup)
	os := unsafe.Slice(out, 4*groups)
	for i := range os {
		os[i] = requantLane(a[i], ps[i/4*paramsPerGroup:][:paramsPerGroup], i%4, o)
	}
}
