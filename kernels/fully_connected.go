package kernels

// FullyConnectedInt8 computes output channels [lo, hi) of the quantized
// fully connected layer that p describes, for every batch row: input
// [Batch][K], weights [N][K], output [Batch][N]. bias may be nil.
// Accumulation and requantization follow Conv2DInt8. Four output channels
// at a time share each input load; their weight rows stay in cache across
// the batch.
func FullyConnectedInt8(p *FullyConnectedInt8Params, in, weights []int8, bias []int32, out []int8, lo, hi int) {
	k, nOut := p.K, p.N
	zp := p.InZeroPoint
	r := &p.Requant
	n := lo
	for ; n+4 <= hi; n += 4 {
		w := weights[n*k:][:4*k]
		w0, w1, w2, w3 := w[:k], w[k:2*k], w[2*k:3*k], w[3*k:]
		for b := 0; b < p.Batch; b++ {
			a0, a1, a2, a3 := dot4Int8(0, 0, 0, 0, in[b*k:][:k], w0, w1, w2, w3, zp)
			if bias != nil {
				a0 += bias[n]
				a1 += bias[n+1]
				a2 += bias[n+2]
				a3 += bias[n+3]
			}
			o := out[b*nOut+n:][:4]
			o[0] = requantizeAcc(a0, r.Multiplier[n], r.Shift[n], r.OutZeroPoint, r.ActMin, r.ActMax)
			o[1] = requantizeAcc(a1, r.Multiplier[n+1], r.Shift[n+1], r.OutZeroPoint, r.ActMin, r.ActMax)
			o[2] = requantizeAcc(a2, r.Multiplier[n+2], r.Shift[n+2], r.OutZeroPoint, r.ActMin, r.ActMax)
			o[3] = requantizeAcc(a3, r.Multiplier[n+3], r.Shift[n+3], r.OutZeroPoint, r.ActMin, r.ActMax)
		}
	}
	for ; n < hi; n++ {
		w := weights[n*k:][:k]
		for b := 0; b < p.Batch; b++ {
			a := dotInt8(0, in[b*k:][:k], w, zp)
			if bias != nil {
				a += bias[n]
			}
			out[b*nOut+n] = requantizeAcc(a, r.Multiplier[n], r.Shift[n], r.OutZeroPoint, r.ActMin, r.ActMax)
		}
	}
}

// FullyConnectedFloat32 is the float32 twin of FullyConnectedInt8: each
// output is accumulated from zero in k order, each product rounded to
// float32 before it is added; then the bias is added and the result clamped
// to [ActMin, ActMax]. bias may be nil.
func FullyConnectedFloat32(p *FullyConnectedFloat32Params, in, weights, bias, out []float32, lo, hi int) {
	k, nOut := p.K, p.N
	n := lo
	for ; n+4 <= hi; n += 4 {
		w := weights[n*k:][:4*k]
		w0, w1, w2, w3 := w[:k], w[k:2*k], w[2*k:3*k], w[3*k:]
		for b := 0; b < p.Batch; b++ {
			a0, a1, a2, a3 := dot4Float32(0, 0, 0, 0, in[b*k:][:k], w0, w1, w2, w3)
			if bias != nil {
				a0 += bias[n]
				a1 += bias[n+1]
				a2 += bias[n+2]
				a3 += bias[n+3]
			}
			o := out[b*nOut+n:][:4]
			o[0] = clampActivation(a0, p.ActMin, p.ActMax)
			o[1] = clampActivation(a1, p.ActMin, p.ActMax)
			o[2] = clampActivation(a2, p.ActMin, p.ActMax)
			o[3] = clampActivation(a3, p.ActMin, p.ActMax)
		}
	}
	for ; n < hi; n++ {
		w := weights[n*k:][:k]
		for b := 0; b < p.Batch; b++ {
			a := dotFloat32(0, in[b*k:][:k], w)
			if bias != nil {
				a += bias[n]
			}
			out[b*nOut+n] = clampActivation(a, p.ActMin, p.ActMax)
		}
	}
}
