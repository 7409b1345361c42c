//go:build gc && !purego

package amd64

// mulInt8AVX2 and addInt8AVX2 compute groups*8 outputs (elementwise_amd64.s).
//
//go:noescape
func mulInt8AVX2(out, a, b *int8, groups int, k *MulInt8Consts)

//go:noescape
func addInt8AVX2(out, a, b *int8, groups int, k *AddInt8Consts)

// addInt8PairAVX2 computes groups*8 outputs of ADD in the pair form
// (elementwise_add_pair.go).
//
//go:noescape
func addInt8PairAVX2(out, a, b *int8, groups int, p *AddInt8Pair)

// MulInt8AVX2 is MulInt8Generic with AVX2: out[i] for i < len(out) from
// a[i] and b[i] (len(a), len(b) >= len(out); out may be a or b). The CPU
// must have AVX2.
func MulInt8AVX2(out, a, b []int8, k *MulInt8Consts) {
	n := len(out)
	a, b = a[:n], b[:n]
	if g := n / 8; g > 0 {
		mulInt8AVX2(&out[0], &a[0], &b[0], g, k)
	}
	if t := n / 8 * 8; t < n {
		MulInt8Generic(out[t:], a[t:], b[t:], k)
	}
}

// AddInt8AVX2 is AddInt8Generic with AVX2 (same contract as MulInt8AVX2),
// in the pair form when k has one.
func AddInt8AVX2(out, a, b []int8, k *AddInt8Consts) {
	n := len(out)
	a, b = a[:n], b[:n]
	if p := k.Pair; p != nil {
		if g := n / 8; g > 0 {
			addInt8PairAVX2(&out[0], &a[0], &b[0], g, p)
		}
		if t := n / 8 * 8; t < n {
			AddInt8PairGeneric(out[t:], a[t:], b[t:], p)
		}
		return
	}
	if g := n / 8; g > 0 {
		addInt8AVX2(&out[0], &a[0], &b[0], g, k)
	}
	if t := n / 8 * 8; t < n {
		AddInt8Generic(out[t:], a[t:], b[t:], k)
	}
}
