package amd64

// Int8 table lookup out[i] = Table[in[i] + 128] (kernels.LUTInt8), the
// form of every int8 pointwise activation. The AVX2 routine looks up 32
// bytes at a time with VPSHUFB, which indexes 16-byte tables: the 256-entry
// table is 16 sub-tables, one per high nibble of the index, and each
// sub-table's result is kept where the high nibble matches.

// LUTTable is a 256-entry int8 table prepared for LUTInt8AVX2. The
// assembly reads Sub at 0, Nibble at 512, Mask0F at 1024 and Flip at 1056.
type LUTTable struct {
	Sub    [16][32]int8 // Table[16h : 16h+16] in both 128-bit halves
	Nibble [16][32]int8 // h in every byte
	Mask0F [32]int8     // 0x0F
	Flip   [32]int8     // -128 (0x80): index = q ^ 0x80 = q + 128
	Table  [256]int8
}

// NewLUTTable prepares table (256 entries, index q + 128).
func NewLUTTable(table []int8) *LUTTable {
	t := &LUTTable{}
	copy(t.Table[:], table[:256])
	for h := range 16 {
		for j := range 32 {
			t.Sub[h][j] = table[16*h+j%16]
			t.Nibble[h][j] = int8(h)
		}
	}
	for j := range 32 {
		t.Mask0F[j], t.Flip[j] = 0x0F, -128
	}
	return t
}

// LUTInt8Generic is the pure-Go twin of LUTInt8AVX2: out[i] =
// Table[in[i]+128] for i < len(out) (out may be in).
func LUTInt8Generic(out, in []int8, t *LUTTable) {
	in = in[:len(out)]
	for i, q := range in {
		out[i] = t.Table[uint8(q)^0x80]
	}
}
