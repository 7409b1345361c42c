//go:build gc && !purego

package amd64

// mulRowInt8AVX2 computes groups*8 outputs of a row-broadcast MUL
// (mul_row_amd64.s).
//
//go:noescape
func mulRowInt8AVX2(out, x *int8, groups int, l *MulRowLanes, k *MulRowInt8)

// MulRowInt8AVX2 is MulRowInt8Generic with AVX2: out[i] for i < len(out)
// from x[i] and lane i of l (len(x) >= len(out), len(out) <= the lanes
// filled; out may be x). The CPU must have AVX2.
func MulRowInt8AVX2(out, x []int8, l *MulRowLanes, k *MulRowInt8) {
	n := len(out)
	if n == 0 {
		return
	}
	x = x[:n]
	_ = l.y2[n-1] // the assembly reads lanes [0, n): at most MulRowMaxLanes
	if g := n / 8; g > 0 {
		mulRowInt8AVX2(&out[0], &x[0], g, l, k)
	}
	if t := n / 8 * 8; t < n {
		mulRowLanes(out[t:], x[t:], l, t, k)
	}
}
