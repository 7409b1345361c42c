package yuvsimd

import (
	"math/rand"
	"testing"
)

// BenchmarkSampleRow samples one 224-pixel output row from 640-wide I420
// and NV12 rows (MobileNetV2's input from a 640x480 frame, center-cropped:
// columns 80-560 at a step of 480/224).
func BenchmarkSampleRow(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	plane := func(n int) []byte { p := make([]byte, n); rng.Read(p); return p }
	luma, u, v, uv := plane(2*640), plane(2*320), plane(2*320), plane(2*640)
	for _, nv12 := range []bool{false, true} {
		var cols Columns
		for d := range 224 {
			src := 80 + (float64(d)+0.5)*480/224 - 0.5
			a := int32(src)
			w := int32((src - float64(a)) * (1 << WeightBits))
			if nv12 {
				cols.Append(a, a+1, a&^1, (a+1)&^1, 1, w)
			} else {
				cols.Append(a, a+1, a>>1, (a+1)>>1, 0, w)
			}
		}
		r := Rows{Y0: luma, Y1: luma[640:], U0: u, U1: u[320:], V0: v, V1: v[320:], WY: 12345}
		name := "i420"
		if nv12 {
			name = "nv12"
			r.U0, r.U1, r.V0, r.V1 = uv, uv[640:], uv, uv[640:]
		}
		dst := make([]byte, 3*224)
		for _, kn := range []Kernel{Go, Best()} {
			b.Run(name+"/"+kn.String(), func(b *testing.B) {
				for b.Loop() {
					kn.SampleRow(dst, &cols, &r, FullRange, false, nil)
				}
			})
		}
	}
}
