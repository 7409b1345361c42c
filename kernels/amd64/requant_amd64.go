//go:build gc && !purego

package amd64

// requantRowAVX2 requantizes groups*8 int32 accumulators at acc into
// groups*8 int8 at dst with the constant groups at k (requant_amd64.s).
//
//go:noescape
func requantRowAVX2(dst *int8, acc *int32, groups int, k *int32, c *RequantConsts)

// RequantizeRowAVX2 is RequantizeRowGeneric with AVX2: dst[i] =
// requant(acc[i]) with channel i's constants, for i < len(dst).
// len(acc) >= len(dst) and len(dst) <= t.N. The CPU must have AVX2.
func RequantizeRowAVX2(dst []int8, acc []int32, t *RequantTable) {
	n := len(dst)
	acc = acc[:n]
	full := n / 8
	if full > 0 {
		requantRowAVX2(&dst[0], &acc[0], full, &t.Groups[0], &t.Consts)
	}
	if full*8 < n {
		RequantizeRowGeneric(dst[full*8:], acc[full*8:], &RequantTable{N: t.N, Groups: t.Groups[full*rqGroupLen:], Consts: t.Consts})
	}
}
