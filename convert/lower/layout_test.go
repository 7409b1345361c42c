package lower

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// ToStored puts source element (i0, i1, ...) at the stored position its
// permutation gives, checked element by element for every permutation of
// rank 2 to 4.
func TestToStoredPermutes(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var perms func(p []int, k int, fn func([]int))
	perms = func(p []int, k int, fn func([]int)) {
		if k == len(p) {
			fn(slices.Clone(p))
			return
		}
		for i := k; i < len(p); i++ {
			p[k], p[i] = p[i], p[k]
			perms(p, k+1, fn)
			p[k], p[i] = p[i], p[k]
		}
	}
	for rank := 2; rank <= 4; rank++ {
		src := make([]int, rank)
		for d := range src {
			src[d] = 1 + r.IntN(4)
		}
		n := 1
		for _, d := range src {
			n *= d
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(i)
		}
		perms(identityPerm(rank), 0, func(p []int) {
			l := Layout{Perm: p}
			got := l.ToStored(src, v)
			stored := l.StoredShape(src)
			// Stored index s holds source index i with i[p[d]] = s[d].
			sIdx := make([]int, rank)
			for k := range got {
				rem := k
				for d := rank - 1; d >= 0; d-- {
					sIdx[d] = rem % stored[d]
					rem /= stored[d]
				}
				srcIdx := make([]int, rank)
				for d := range rank {
					srcIdx[p[d]] = sIdx[d]
				}
				off := 0
				for d := range rank {
					off = off*src[d] + srcIdx[d]
				}
				if got[k] != v[off] {
					t.Fatalf("shape %v perm %v: stored element %d (%v) is %v, want %v", src, p, k, sIdx, got[k], v[off])
				}
			}
		})
	}
}
