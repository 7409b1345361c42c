//go:build gc && !purego

package amd64

// interleaveBytes interleaves n >= 16 bytes of x and y into dst
// (interleave_amd64.s).
//
//go:noescape
func interleaveBytes(dst, x, y *byte, n int)

// InterleaveBytes (AVX2) is InterleaveBytesGo: dst[2k], dst[2k+1] = x[k],
// y[k] for k < len(x). dst must not overlap x or y: a run's last vector
// step overlaps bytes the step before it wrote (it ends exactly at
// len(x) instead of handling a tail).
func InterleaveBytes(dst, x, y []byte) {
	n := len(x)
	y = y[:n]
	dst = dst[:2*n]
	if n < 16 {
		InterleaveBytesGo(dst, x, y)
		return
	}
	interleaveBytes(&dst[0], &x[0], &y[0], n)
}
