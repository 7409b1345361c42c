package amd64

// InterleaveBytesGo is the twin of InterleaveBytes: it writes x and y
// interleaved, byte by byte, into dst:
//
//	for k := range x {
//		dst[2*k], dst[2*k+1] = x[k], y[k]
//	}
//
// (len(y) >= len(x), len(dst) >= 2*len(x)). This is the inner loop of
// ShuffleNet's channel shuffle, a transpose of [H*W, 2, C] into
// [H*W, C, 2].
func InterleaveBytesGo(dst, x, y []byte) {
	y = y[:len(x)]
	dst = dst[:2*len(x)]
	for k := range x {
		dst[2*k], dst[2*k+1] = x[k], y[k]
	}
}
