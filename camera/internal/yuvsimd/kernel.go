package yuvsimd

// Kernel is one implementation of SampleRow. Every kernel writes the same
// bytes as Go: a kernel is a speed choice, never a numerics choice.
type Kernel uint8

const (
	// Go is the pure-Go definition, on every platform.
	Go Kernel = iota
	// AVX2 (amd64) gathers the taps with VPGATHERDD and computes 8
	// columns per step in int32 lanes.
	AVX2
	// NEON (arm64) loads the taps into lanes with scalar loads and
	// computes 4 columns per step in int32 lanes.
	NEON
)

func (kn Kernel) String() string {
	switch kn {
	case Go:
		return "go"
	case AVX2:
		return "avx2"
	case NEON:
		return "neon"
	}
	return "unknown"
}

// Best is the fastest kernel this build and CPU run.
func Best() Kernel { return bestKernel }

// SampleRow writes the pixels of every column of cols to dst (3 bytes a
// column, RGB, or BGR when bgr is set), sampled from the rows r and
// converted with k, and mapped through lut unless it is nil. A kernel
// this build or CPU cannot run falls back to Go.
func (kn Kernel) SampleRow(dst []byte, cols *Columns, r *Rows, k *Coeffs, bgr bool, lut *LUT) {
	n := cols.n
	dst = dst[:3*n]
	done := 0
	if kn != Go {
		done = sampleRowAsm(kn, dst, cols, r, k, bgr, lut)
	}
	if done < n {
		sampleRowGo(dst[3*done:], cols, done, n, r, k, bgr, lut)
	}
}

// A LUT maps sampled 8-bit R, G and B values to the bytes SampleRow
// writes (a model input's normalization and quantization, say), so that
// the row is written once, in its final form.
type LUT struct {
	r, g, b *[256]byte
	wide    [3][256]int32 // r, g, b widened for the assembly's gathers
}

// NewLUT is the LUT mapping R through r, G through g and B through b.
func NewLUT(r, g, b *[256]byte) *LUT {
	t := &LUT{r: r, g: g, b: b}
	for i := range 256 {
		t.wide[0][i], t.wide[1][i], t.wide[2][i] = int32(r[i]), int32(g[i]), int32(b[i])
	}
	return t
}

// readable reports whether every tap's 4-byte read lies inside the rows:
// the assembly loads 4 bytes at each left tap and shifts the others out.
func (c *Columns) readable(r *Rows) bool {
	y, ch := int(c.maxY)+4, int(c.maxC)+4
	return y <= len(r.Y0) && y <= len(r.Y1) && ch <= len(r.U0) && ch <= len(r.U1) && ch <= len(r.V0) && ch <= len(r.V1)
}
