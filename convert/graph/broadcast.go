package graph

import "fmt"

// BroadcastShapes returns the numpy (multidirectional) broadcast of a and
// b: shapes are right-aligned and each dim pair must be equal or contain 1.
func BroadcastShapes(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		da, db := 1, 1
		if k := i - (n - len(a)); k >= 0 {
			da = a[k]
		}
		if k := i - (n - len(b)); k >= 0 {
			db = b[k]
		}
		switch {
		case da == db:
			out[i] = da
		case da == 1:
			out[i] = db
		case db == 1:
			out[i] = da
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", a, b)
		}
	}
	return out, nil
}

// BroadcastsTo reports whether from broadcasts unidirectionally to to: the
// result of broadcasting both is to itself.
func BroadcastsTo(from, to []int) bool {
	if len(from) > len(to) {
		return false
	}
	off := len(to) - len(from)
	for i, d := range from {
		if d != 1 && d != to[off+i] {
			return false
		}
	}
	return true
}

// BroadcastStrides returns strides for reading a row-major array of shape
// from as if it had shape out (right-aligned, stride 0 on broadcast dims).
// The caller has checked that from broadcasts to out.
func BroadcastStrides(from, out []int) []int {
	s := make([]int, len(out))
	off := len(out) - len(from)
	acc := 1
	for i := len(from) - 1; i >= 0; i-- {
		if from[i] != 1 {
			s[off+i] = acc
		}
		acc *= from[i]
	}
	return s
}
