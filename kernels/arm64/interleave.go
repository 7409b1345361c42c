package arm64

// InterleaveBytesGo is the twin of InterleaveBytes: it writes x and y
// interleaved, byte by byte, into dst:
//
//	for k := range x {
//		dst[2*k], dst[2*k+1] = x[k], y[k]
//	}
//
// (len(y) >= len(x), len(dst) >= 2*len(x)): the inner loop of ShuffleNet's
// channel shuffle, a transpose of [H*W, 2, C] into [H*W, C, 2].
func InterleaveBytesGo(dst, x, y []byte) {
	y = y[:len(x)]
	dst = dst[:2*len(x)]
	for k := range x {
		dst[2*k], dst[2*k+1] = x[k], y[k]
	}
}

// InterleaveBytes (NEON ZIP1/ZIP2) is InterleaveBytesGo. dst must not
// overlap x or y: a run's last 16-pair step overlaps pairs the step
// before it wrote, so that it ends exactly at len(x).
func InterleaveBytes(dst, x, y []byte) {
	n := len(x)
	y = y[:n]
	dst = dst[:2*n]
	if n < 16 || !haveAsm {
		InterleaveBytesGo(dst, x, y)
		return
	}
	interleaveNEON(&dst[0], &x[0], &y[0], n)
}
