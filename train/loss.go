package train

import "math"

// softmax writes softmax(z/T) of one row to p, in float64.
func softmax(z []float32, t float64, p []float64) {
	m := math.Inf(-1)
	for _, v := range z {
		m = max(m, float64(v)/t)
	}
	var s float64
	for i, v := range z {
		p[i] = math.Exp(float64(v)/t - m)
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
}

// CrossEntropy is the mean softmax cross-entropy of logits [N, K] against
// labels, with its gradient written to grad (scaled by weight, added).
// Labels < 0 are skipped (unlabeled samples) and not counted in the mean.
// It returns the mean loss and the number of correct top-1 predictions.
func CrossEntropy(logits *Tensor, labels []int, weight float32, grad *Tensor) (loss float64, correct int) {
	n, k := logits.Shape[0], logits.Shape[1]
	p := make([]float64, k)
	labeled := 0
	for _, y := range labels[:n] {
		if y >= 0 {
			labeled++
		}
	}
	for s := range n {
		z := logits.Data[s*k : (s+1)*k]
		if argmax(z) == labels[s] {
			correct++
		}
		y := labels[s]
		if y < 0 {
			continue
		}
		softmax(z, 1, p)
		loss -= math.Log(max(p[y], 1e-30))
		if grad != nil {
			g := grad.Data[s*k : (s+1)*k]
			for i := range g {
				d := p[i]
				if i == y {
					d--
				}
				g[i] += weight * float32(d/float64(labeled))
			}
		}
	}
	if labeled > 0 {
		loss /= float64(labeled)
	}
	return loss, correct
}

// Distillation is the mean over the batch of T²·KL(softmax(teacher/T) ‖
// softmax(student/T)), Hinton's soft-target loss, with its gradient
// weight·T·(p_student − p_teacher)/N added to grad.
func Distillation(student, teacher *Tensor, t float64, weight float32, grad *Tensor) float64 {
	n, k := student.Shape[0], student.Shape[1]
	ps, pt := make([]float64, k), make([]float64, k)
	var loss float64
	for s := range n {
		softmax(student.Data[s*k:(s+1)*k], t, ps)
		softmax(teacher.Data[s*k:(s+1)*k], t, pt)
		for i := range k {
			if pt[i] > 0 {
				loss += pt[i] * (math.Log(pt[i]) - math.Log(max(ps[i], 1e-30)))
			}
		}
		if grad != nil {
			g := grad.Data[s*k : (s+1)*k]
			for i := range g {
				g[i] += weight * float32(t*(ps[i]-pt[i])/float64(n))
			}
		}
	}
	return t * t * loss / float64(n)
}

func argmax(z []float32) int {
	best := 0
	for i, v := range z {
		if v > z[best] {
			best = i
		}
	}
	return best
}

// Argmax is the index of each row's largest value of logits [N, K].
func Argmax(logits *Tensor) []int {
	n, k := logits.Shape[0], logits.Shape[1]
	out := make([]int, n)
	for s := range n {
		out[s] = argmax(logits.Data[s*k : (s+1)*k])
	}
	return out
}
