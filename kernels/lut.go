package kernels

// Table lookups: every int8 pointwise operator whose output depends on one
// input value is one of these, with a table quant built at plan time. out
// may share in's memory (in place).

// LUTInt8 is out[i] = Table[in[i] + 128]. Table must hold 256 entries.
func LUTInt8(p *LUTParams, in, out []int8, lo, hi int) {
	if lo >= hi {
		return
	}
	t := (*[256]int8)(p.Table)
	in, out = in[lo:hi], out[lo:hi]
	for i, q := range in {
		out[i] = t[uint8(q)^0x80]
	}
}

// LUTUint8ToInt8 is out[i] = Table[in[i]] for uint8 input.
func LUTUint8ToInt8(p *LUTParams, in []uint8, out []int8, lo, hi int) {
	if lo >= hi {
		return
	}
	t := (*[256]int8)(p.Table)
	in, out = in[lo:hi], out[lo:hi]
	for i, q := range in {
		out[i] = t[q]
	}
}

// PerChannelLUTInt8 is out[i] = Table[c*256 + in[i] + 128] with channel
// c = i % Channels (PRELU, whose slope is per channel). Table must hold
// 256*Channels entries.
func PerChannelLUTInt8(p *LUTParams, in, out []int8, lo, hi int) {
	if lo >= hi {
		return
	}
	c := lo % p.Channels
	for i := lo; i < hi; {
		// One run from channel c to the end of the pixel (or of the range).
		n := min(p.Channels-c, hi-i)
		src, dst := in[i:i+n], out[i:i+n]
		tables := p.Table[c*256 : (c+n)*256]
		for j, q := range src {
			t := (*[256]int8)(tables[j*256:])
			dst[j] = t[uint8(q)^0x80]
		}
		i += n
		c = 0
	}
}
