package train

import "math/rand/v2"

// Augment describes random image transformations for training batches.
type Augment struct {
	// CropPad > 0 pads each side by CropPad zeros (in the normalized
	// domain: the value Fill) and crops back to the original size at a
	// random offset.
	CropPad int
	Fill    float32
	// HFlip mirrors half of the images left-right.
	HFlip bool
	// Brightness and Contrast > 0 add a random offset in ±Brightness and
	// scale the deviation from the image mean by a factor in
	// 1 ± Contrast.
	Brightness, Contrast float32
}

// Enabled reports whether a does anything.
func (a Augment) Enabled() bool {
	return a.CropPad > 0 || a.HFlip || a.Brightness > 0 || a.Contrast > 0
}

// Apply transforms the batch x [N, C, H, W] in place. Sample i draws from
// its own stream (seed, ids[i]): the result depends on the seed and the
// sample identities (e.g. epoch·size + index), not on goroutines or on the
// batch composition.
func (a Augment) Apply(x *Tensor, seed uint64, ids []uint64) {
	n, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	parallelFor(n, func(lo, hi int) {
		tmp := make([]float32, c*h*w)
		for s := lo; s < hi; s++ {
			r := rand.New(rand.NewPCG(seed, ids[s]))
			img := x.sample(s)
			if a.CropPad > 0 {
				dy := r.IntN(2*a.CropPad+1) - a.CropPad
				dx := r.IntN(2*a.CropPad+1) - a.CropPad
				copy(tmp, img)
				for ch := range c {
					for y := range h {
						for xx := range w {
							sy, sx := y+dy, xx+dx
							v := a.Fill
							if sy >= 0 && sy < h && sx >= 0 && sx < w {
								v = tmp[(ch*h+sy)*w+sx]
							}
							img[(ch*h+y)*w+xx] = v
						}
					}
				}
			}
			if a.HFlip && r.IntN(2) == 1 {
				for row := range c * h {
					line := img[row*w : (row+1)*w]
					for i, j := 0, w-1; i < j; i, j = i+1, j-1 {
						line[i], line[j] = line[j], line[i]
					}
				}
			}
			if a.Contrast > 0 {
				k := 1 + a.Contrast*(2*r.Float32()-1)
				var mean float32
				for _, v := range img {
					mean += v
				}
				mean /= float32(len(img))
				for i, v := range img {
					img[i] = mean + (v-mean)*k
				}
			}
			if a.Brightness > 0 {
				d := a.Brightness * (2*r.Float32() - 1)
				for i := range img {
					img[i] += d
				}
			}
		}
	})
}
