package train

import (
	"fmt"
	"math"
)

// BatchNorm normalizes each channel (dim 1) of an [N, C, ...] tensor. In
// training it uses the batch's statistics and updates the running ones
// (exponential average with Momentum, unbiased variance, as PyTorch); in
// evaluation it uses the running ones.
type BatchNorm struct {
	C           int
	Eps         float32
	Momentum    float32
	Gamma, Beta *Param
	RunMean     []float32
	RunVar      []float32

	xhat   []float32
	invStd []float32
}

// NewBatchNorm returns a batch normalization with scale 1, shift 0,
// running mean 0 and variance 1.
func NewBatchNorm(name string, c int) *BatchNorm {
	b := &BatchNorm{C: c, Eps: 1e-5, Momentum: 0.1,
		Gamma: NewParam(name+".weight", true, c), Beta: NewParam(name+".bias", true, c),
		RunMean: make([]float32, c), RunVar: make([]float32, c)}
	for i := range c {
		b.Gamma.Value[i] = 1
		b.RunVar[i] = 1
	}
	return b
}

func (b *BatchNorm) Kind() string     { return "batchnorm" }
func (b *BatchNorm) Params() []*Param { return []*Param{b.Gamma, b.Beta} }

func (b *BatchNorm) OutShape(in [][]int) ([]int, error) {
	if len(in) != 1 || len(in[0]) < 2 || in[0][1] != b.C {
		return nil, fmt.Errorf("want one [N, %d, ...] input, have %v", b.C, in)
	}
	return in[0], nil
}

// inner is the number of values per (sample, channel).
func (b *BatchNorm) inner(x *Tensor) int { return numel(x.Shape[2:]) }

func (b *BatchNorm) Forward(in []*Tensor, out *Tensor, training bool) {
	x := in[0]
	n, hw := x.Shape[0], b.inner(x)
	if !training {
		parallelFor(b.C, func(lo, hi int) {
			for c := lo; c < hi; c++ {
				inv := float32(1 / math.Sqrt(float64(b.RunVar[c])+float64(b.Eps)))
				scale := b.Gamma.Value[c] * inv
				shift := b.Beta.Value[c] - b.RunMean[c]*scale
				for s := range n {
					off := (s*b.C + c) * hw
					for i, v := range x.Data[off : off+hw] {
						out.Data[off+i] = v*scale + shift
					}
				}
			}
		})
		return
	}
	b.xhat = grow(b.xhat, len(x.Data))
	b.invStd = grow(b.invStd, b.C)
	count := float64(n * hw)
	parallelFor(b.C, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			var sum float64
			for s := range n {
				off := (s*b.C + c) * hw
				for _, v := range x.Data[off : off+hw] {
					sum += float64(v)
				}
			}
			mean := sum / count
			var sq float64
			for s := range n {
				off := (s*b.C + c) * hw
				for _, v := range x.Data[off : off+hw] {
					d := float64(v) - mean
					sq += d * d
				}
			}
			variance := sq / count
			inv := 1 / math.Sqrt(variance+float64(b.Eps))
			b.invStd[c] = float32(inv)
			g, be := b.Gamma.Value[c], b.Beta.Value[c]
			m32, inv32 := float32(mean), float32(inv)
			for s := range n {
				off := (s*b.C + c) * hw
				xs, xh, ys := x.Data[off:off+hw], b.xhat[off:off+hw], out.Data[off:off+hw]
				for i, v := range xs {
					h := (v - m32) * inv32
					xh[i] = h
					ys[i] = h*g + be
				}
			}
			m := b.Momentum
			unbiased := variance
			if count > 1 {
				unbiased = variance * count / (count - 1)
			}
			b.RunMean[c] = (1-m)*b.RunMean[c] + m*float32(mean)
			b.RunVar[c] = (1-m)*b.RunVar[c] + m*float32(unbiased)
		}
	})
}

func (b *BatchNorm) Backward(in []*Tensor, out, dOut *Tensor, dIn []*Tensor) {
	x := in[0]
	n, hw := x.Shape[0], b.inner(x)
	count := float32(n * hw)
	parallelFor(b.C, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			var sumG, sumGX float64
			for s := range n {
				off := (s*b.C + c) * hw
				for i, g := range dOut.Data[off : off+hw] {
					sumG += float64(g)
					sumGX += float64(g) * float64(b.xhat[off+i])
				}
			}
			b.Beta.Grad[c] += float32(sumG)
			b.Gamma.Grad[c] += float32(sumGX)
			if dIn[0] == nil {
				continue
			}
			// dx = γ/σ · (g − mean(g) − x̂·mean(g·x̂))
			k := b.Gamma.Value[c] * b.invStd[c]
			mg, mgx := float32(sumG)/count, float32(sumGX)/count
			for s := range n {
				off := (s*b.C + c) * hw
				d := dIn[0].Data[off : off+hw]
				for i, g := range dOut.Data[off : off+hw] {
					d[i] += k * (g - mg - b.xhat[off+i]*mgx)
				}
			}
		}
	})
}

// Fold returns the per-channel scale and shift that evaluation-mode
// normalization applies: y = x·scale + shift.
func (b *BatchNorm) Fold() (scale, shift []float32) {
	scale, shift = make([]float32, b.C), make([]float32, b.C)
	for c := range b.C {
		inv := float32(1 / math.Sqrt(float64(b.RunVar[c])+float64(b.Eps)))
		scale[c] = b.Gamma.Value[c] * inv
		shift[c] = b.Beta.Value[c] - b.RunMean[c]*scale[c]
	}
	return scale, shift
}
