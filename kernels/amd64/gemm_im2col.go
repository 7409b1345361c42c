package amd64

// Im2colSlack is how many int16 elements past its last pixel's row
// Im2colInt16 may overwrite (with values of no meaning): the assembly
// widens 16 activations at a time and zeroes 16 elements at once.
const Im2colSlack = 16

// Im2colReach is how many int8 elements past the last pixel's last window
// row segment Im2colInt16 may read (rounding seg up to 16).
const Im2colReach = 15

// Im2colInt16Go is the twin of Im2colInt16. For pixel p < pixels it writes
// row p of an A panel (kp int16 elements at dst[p*kp:]) from a window of
// kh rows of seg contiguous int8 activations:
//
//	dst[p*kp + ky*seg + i] = int16(src[p*pixStep + ky*rowStride + i])   ky < kh, i < seg
//	dst[p*kp + kh*seg .. p*kp + kp - 1] = 0
//
// This is one im2col row of a convolution whose window lies entirely
// inside the input (no padding taps), with one group and no horizontal
// dilation: a window row is KW*InC contiguous input bytes (seg), window
// rows are rowStride = DilationH*InW*InC apart and consecutive output
// pixels of an output row pixStep = StrideW*InC apart. kh*seg <= kp.
func Im2colInt16Go(dst []int16, src []int8, pixels, pixStep, kh, rowStride, seg, kp int) {
	for p := 0; p < pixels; p++ {
		row := dst[p*kp:][:kp]
		for ky := 0; ky < kh; ky++ {
			d := row[ky*seg:][:seg]
			for i, v := range src[p*pixStep+ky*rowStride:][:seg] {
				d[i] = int16(v)
			}
		}
		clear(row[kh*seg:])
	}
}
