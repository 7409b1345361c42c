package train

import (
	"fmt"
	"math"
)

// Optimizer updates parameters from their gradients.
type Optimizer interface {
	// Step applies one update with learning rate lr.
	Step(params []*Param, lr float64)
	// State is the per-parameter state (momenta) for checkpoints, in
	// parameter order; SetState restores it.
	State() [][]float32
	SetState([][]float32) error
}

// SGD is stochastic gradient descent with (heavy-ball) momentum and L2
// weight decay added to the gradient, as torch.optim.SGD.
type SGD struct {
	Momentum    float64
	WeightDecay float64
	Nesterov    bool
	velocity    [][]float32
}

func (o *SGD) Step(params []*Param, lr float64) {
	if o.velocity == nil {
		o.velocity = make([][]float32, len(params))
		for i, p := range params {
			o.velocity[i] = make([]float32, len(p.Value))
		}
	}
	for i, p := range params {
		v := o.velocity[i]
		wd := float32(o.WeightDecay)
		if p.NoDecay {
			wd = 0
		}
		mu := float32(o.Momentum)
		for j, g := range p.Grad {
			g += wd * p.Value[j]
			v[j] = mu*v[j] + g
			if o.Nesterov {
				g += mu * v[j]
			} else {
				g = v[j]
			}
			p.Value[j] -= float32(lr) * g
		}
	}
}

func (o *SGD) State() [][]float32 { return o.velocity }

func (o *SGD) SetState(s [][]float32) error {
	o.velocity = s
	return nil
}

// AdamW is Adam with decoupled weight decay (Loshchilov & Hutter), as
// torch.optim.AdamW.
type AdamW struct {
	Beta1, Beta2 float64 // 0: 0.9, 0.999
	Eps          float64 // 0: 1e-8
	WeightDecay  float64
	t            int
	m, v         [][]float32
}

func (o *AdamW) Step(params []*Param, lr float64) {
	b1, b2, eps := o.Beta1, o.Beta2, o.Eps
	if b1 == 0 {
		b1 = 0.9
	}
	if b2 == 0 {
		b2 = 0.999
	}
	if eps == 0 {
		eps = 1e-8
	}
	if o.m == nil {
		o.m, o.v = make([][]float32, len(params)), make([][]float32, len(params))
		for i, p := range params {
			o.m[i], o.v[i] = make([]float32, len(p.Value)), make([]float32, len(p.Value))
		}
	}
	o.t++
	c1 := 1 - math.Pow(b1, float64(o.t))
	c2 := 1 - math.Pow(b2, float64(o.t))
	step := float32(lr / c1)
	for i, p := range params {
		m, v := o.m[i], o.v[i]
		decay := float32(1 - lr*o.WeightDecay)
		if p.NoDecay {
			decay = 1
		}
		for j, g := range p.Grad {
			m[j] = float32(b1)*m[j] + float32(1-b1)*g
			v[j] = float32(b2)*v[j] + float32(1-b2)*g*g
			p.Value[j] = p.Value[j]*decay - step*m[j]/(float32(math.Sqrt(float64(v[j])/c2))+float32(eps))
		}
	}
}

// State is the first moments, then the second moments, then the step
// count as a one-element slice.
func (o *AdamW) State() [][]float32 {
	if o.m == nil {
		return nil
	}
	s := append(append([][]float32{}, o.m...), o.v...)
	return append(s, []float32{float32(o.t)})
}

func (o *AdamW) SetState(s [][]float32) error {
	if len(s) == 0 {
		o.m, o.v, o.t = nil, nil, 0
		return nil
	}
	if len(s)%2 != 1 || len(s[len(s)-1]) != 1 {
		return fmt.Errorf("train: AdamW state has %d slices, want 2 per parameter and a step count", len(s))
	}
	n := len(s) / 2
	o.m, o.v, o.t = s[:n], s[n:2*n], int(s[len(s)-1][0])
	return nil
}

// ClipGradNorm scales all gradients down so that their global L2 norm is
// at most maxNorm, and returns the norm before clipping.
func ClipGradNorm(params []*Param, maxNorm float64) float64 {
	var sq float64
	for _, p := range params {
		for _, g := range p.Grad {
			sq += float64(g) * float64(g)
		}
	}
	norm := math.Sqrt(sq)
	if maxNorm > 0 && norm > maxNorm {
		k := float32(maxNorm / (norm + 1e-12))
		for _, p := range params {
			for j := range p.Grad {
				p.Grad[j] *= k
			}
		}
	}
	return norm
}

// Cosine is a learning-rate schedule: linear warm-up from 0 to Base over
// Warmup steps, then cosine decay to Min at step Total.
type Cosine struct {
	Base, Min     float64
	Warmup, Total int
}

// LR is the learning rate of step (0-based).
func (c Cosine) LR(step int) float64 {
	if step < c.Warmup {
		return c.Base * float64(step+1) / float64(c.Warmup)
	}
	if c.Total <= c.Warmup {
		return c.Base
	}
	p := min(float64(step-c.Warmup)/float64(c.Total-c.Warmup), 1)
	return c.Min + (c.Base-c.Min)*0.5*(1+math.Cos(math.Pi*p))
}

// EarlyStopping tracks a validation metric (higher is better) and says
// when it has not improved for Patience evaluations.
type EarlyStopping struct {
	Patience int
	Best     float64
	BestAt   int
	seen     int
}

// Update records the metric of evaluation at (e.g. the epoch) and reports
// whether it is the best so far and whether training should stop.
func (e *EarlyStopping) Update(at int, metric float64) (best, stop bool) {
	if e.seen == 0 || metric > e.Best {
		e.Best, e.BestAt = metric, at
		best = true
	}
	e.seen++
	return best, e.Patience > 0 && at-e.BestAt >= e.Patience
}
