//go:build gc && !purego

package amd64

// lutInt8AVX2 looks up blocks*32 bytes (elementwise_lut_amd64.s).
//
//go:noescape
func lutInt8AVX2(out, in *int8, blocks int, t *LUTTable)

// LUTInt8AVX2 is LUTInt8Generic with AVX2 (out may be in; len(in) >=
// len(out)). The CPU must have AVX2.
func LUTInt8AVX2(out, in []int8, t *LUTTable) {
	n := len(out)
	in = in[:n]
	if b := n / 32; b > 0 {
		lutInt8AVX2(&out[0], &in[0], b, t)
	}
	if r := n / 32 * 32; r < n {
		LUTInt8Generic(out[r:], in[r:], t)
	}
}
