package amd64

// Int8 table lookup out[i] = Table[in[i] + 128] (kernels.LUTInt8), the
// form of every int8 pointwise activation. The AVX2 routine looks up 32
// bytes at a time with VPSHUFB, which indexes 16-byte tables and yields 0
// where the index byte has its top bit set.
//
// The 256 entries are two halves of eight 16-entry sub-tables T_0..T_7.
// A half's lookup walks an index down by 16 per step with signed
// saturation, so step h sees a non-negative index (and VPSHUFB looks up
// its low nibble) exactly when the index's high nibble is at least h, and
// XORs the looked-up bytes together: with step h reading D_h = T_h ^
// T_{h-1} (D_0 = T_0) the XOR telescopes to T_hi. Indexes of the other
// half are negative from the start and contribute nothing. The index is
// q ^ 0x80 for the lower half (q < 0) and q itself for the upper half.
//
// This replaced a form that kept, per sub-table, the lookup where a
// byte compare matched the high nibble (VPCMPEQB + VPBLENDVB, and a
// second table load per step): 16 KiB in place on the build machine's
// Zen 3, 2.8-2.9 -> 4.6-5.5 GB/s.

// LUTTable is a 256-entry int8 table prepared for LUTInt8AVX2. The
// assembly reads Diff at 0, Step at 512 and Flip at 544.
type LUTTable struct {
	Diff  [16][32]int8 // D_h of the lower half (0-7) and the upper half (8-15), in both 128-bit lanes
	Step  [32]int8     // 16: the index decrement per step
	Flip  [32]int8     // -128 (0x80): the lower half's index q ^ 0x80
	Table [256]int8
}

// NewLUTTable prepares table (256 entries, index q + 128).
func NewLUTTable(table []int8) *LUTTable {
	t := &LUTTable{}
	copy(t.Table[:], table[:256])
	sub := func(h, j int) int8 { return table[16*h+j%16] }
	for h := range 16 {
		for j := range 32 {
			d := sub(h, j)
			if h%8 != 0 {
				d ^= sub(h-1, j)
			}
			t.Diff[h][j] = d
		}
	}
	for j := range 32 {
		t.Step[j], t.Flip[j] = 16, -128
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
