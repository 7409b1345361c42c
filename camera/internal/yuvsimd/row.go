package yuvsimd

// WeightBits is the precision of the bilinear weights: a weight w of the
// right (or bottom) tap is w / 2^WeightBits, 0 <= w < 2^WeightBits.
const WeightBits = 16

// Lerp2 interpolates four 8-bit samples (top-left, top-right, bottom-left,
// bottom-right) with weights wx, wy of the right and bottom ones, keeping
// the 2-D sum exact and rounding it once, half up:
//
//	top := p00*(1<<16-wx) + p01*wx
//	bottom := p10*(1<<16-wx) + p11*wx
//	return (top*(1<<16-wy) + bottom*wy + 1<<31) >> 32
func Lerp2(p00, p01, p10, p11 uint8, wx, wy int32) uint8 {
	const one = 1 << WeightBits
	x, y := int64(wx), int64(wy)
	top := int64(p00)*(one-x) + int64(p01)*x
	bottom := int64(p10)*(one-x) + int64(p11)*x
	return uint8((top*(one-y) + bottom*y + 1<<(2*WeightBits-1)) >> (2 * WeightBits))
}

// colBlock is 8 output columns' taps, laid out for the assembly: one
// 32-byte vector per field.
type colBlock struct {
	y      [8]int32 // byte offset of the left tap's Y in a luma row
	yShift [8]int32 // 8 * (bytes from the left tap's Y to the right tap's)
	c      [8]int32 // byte offset of the left tap's U in a chroma row
	cShift [8]int32 // 8 * (bytes from the left tap's U to the right tap's)
	vShift [8]int32 // 8 * (bytes from the left tap's U to its V, in U's row)
	vStep  [8]int32 // vShift + cShift: the right tap's V
	w      [8]int32 // weight of the right tap, of 2^WeightBits
}

// Columns are the horizontal taps of one output row, in the order the
// row is written, for one frame geometry and pixel layout. Build them
// once per geometry (Reset, then Append per column); sampling a row reads
// them only.
type Columns struct {
	blocks     []colBlock
	n          int
	maxY, maxC int32 // the largest offsets the taps read (left tap, 4 bytes)
}

// Reset empties c, keeping its memory.
func (c *Columns) Reset() {
	c.blocks, c.n, c.maxY, c.maxC = c.blocks[:0], 0, 0, 0
}

// Len is the number of columns.
func (c *Columns) Len() int { return c.n }

// Append adds a column whose left and right taps read luma bytes y0 and y1
// (y1 is y0 or y0+1, or y0+2 for 4:2:2 packed luma), chroma bytes c0 and
// c1 (U; c1 - c0 in 0..2), V at c + vOff (0 when V is a plane of its own, 1
// when it follows U), and weight w of the right tap.
func (c *Columns) Append(y0, y1, c0, c1, vOff, w int32) {
	if c.n%8 == 0 {
		c.blocks = append(c.blocks, colBlock{})
	}
	b, j := &c.blocks[c.n/8], c.n%8
	b.y[j], b.yShift[j] = y0, 8*(y1-y0)
	b.c[j], b.cShift[j] = c0, 8*(c1-c0)
	b.vShift[j], b.vStep[j] = 8*vOff, 8*(vOff+c1-c0)
	b.w[j] = w
	c.maxY, c.maxC = max(c.maxY, y0), max(c.maxC, c0)
	c.n++
}

// Rows are the source rows one output row reads: the luma rows of its top
// and bottom taps and their chroma rows, each from the row's first byte to
// its plane's end, and the bottom taps' weight (of 2^WeightBits). V0 and
// V1 are the same slices as U0 and U1 when U and V interleave (NV12).
type Rows struct {
	Y0, Y1 []byte
	U0, U1 []byte
	V0, V1 []byte
	WY     int32
}

// sampleRowGo writes the RGB (bgr: BGR) pixels of columns [lo, hi) to dst,
// 3*(hi-lo) bytes, through lut unless it is nil. It is the definition the
// assembly twins reproduce.
func sampleRowGo(dst []byte, cols *Columns, lo, hi int, r *Rows, k *Coeffs, bgr bool, lut *LUT) {
	ro, bo := 0, 2
	if bgr {
		ro, bo = 2, 0
	}
	dst = dst[:3*(hi-lo)]
	y0, y1, u0, u1, v0, v1, wy := r.Y0, r.Y1, r.U0, r.U1, r.V0, r.V1, r.WY
	terms := &k.tab
	for i := lo; i < hi; i++ {
		b, j := &cols.blocks[uint(i)/8], uint(i)%8
		ya, yb := b.y[j], b.y[j]+int32(uint32(b.yShift[j])>>3)
		ua, ub := b.c[j], b.c[j]+int32(uint32(b.cShift[j])>>3)
		va, vb := b.c[j]+int32(uint32(b.vShift[j])>>3), b.c[j]+int32(uint32(b.vStep[j])>>3)
		r00, g00, b00 := terms.rgb(y0[ya], u0[ua], v0[va])
		r01, g01, b01 := terms.rgb(y0[yb], u0[ub], v0[vb])
		r10, g10, b10 := terms.rgb(y1[ya], u1[ua], v1[va])
		r11, g11, b11 := terms.rgb(y1[yb], u1[ub], v1[vb])
		wx := b.w[j]
		px := dst[3*(i-lo) : 3*(i-lo)+3 : 3*(i-lo)+3]
		rr, gg, bb := Lerp2(r00, r01, r10, r11, wx, wy), Lerp2(g00, g01, g10, g11, wx, wy), Lerp2(b00, b01, b10, b11, wx, wy)
		if lut != nil {
			rr, gg, bb = lut.r[rr], lut.g[gg], lut.b[bb]
		}
		px[ro], px[1], px[bo] = rr, gg, bb
	}
}
