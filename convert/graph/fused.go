package graph

import "fmt"

// FusedActivation returns the clamp fused into op's output, or nil. Conv,
// Gemm, Add, Sub and Mul carry one in their Act field: the converter's
// fusion pass moves a Relu or Clip that follows them into it, because the
// model format (like TFLite) applies such clamps inside the producing
// kernel. The clamp applies to float outputs only, after everything else
// the op computes.
func FusedActivation(op Op) *Clip {
	switch op := op.(type) {
	case *Conv:
		return op.Act
	case *Gemm:
		return op.Act
	case *Add:
		return op.Act
	case *Sub:
		return op.Act
	case *Mul:
		return op.Act
	}
	return nil
}

// SetFusedActivation sets the clamp fused into op's output and reports
// whether op can carry one.
func SetFusedActivation(op Op, act *Clip) bool {
	switch op := op.(type) {
	case *Conv:
		op.Act = act
	case *Gemm:
		op.Act = act
	case *Add:
		op.Act = act
	case *Sub:
		op.Act = act
	case *Mul:
		op.Act = act
	default:
		return false
	}
	return true
}

// String renders the bounds as the graph dump shows every op's parameters,
// so that a fused activation prints as its bounds rather than an address.
func (c *Clip) String() string { return fmt.Sprintf("{Min:%v Max:%v}", c.Min, c.Max) }
