// Package passes rewrites the converter's float IR (package graph) into the
// form the lowering to the model format expects, without changing what the
// graph computes beyond float32 rounding:
//
//   - FoldConstants evaluates nodes whose inputs are all constants (the
//     importer already does so; passes that create constants reuse it).
//   - RemoveIdentities drops Identity, no-op Reshape and Transpose, float
//     Casts to float, and merges chains of Reshapes and Transposes.
//   - DivToMul turns division by a constant into multiplication by its
//     reciprocal.
//   - GemmToFC brings Gemm and MatMul with constant weights to the fully
//     connected form: Y = A·Bᵀ + C with B [N, K] and C [N] constant.
//   - FoldAffine folds BatchNormalization, and Mul, Add and Sub by
//     per-channel constants, into the Conv or fully connected Gemm before
//     them; LowerBatchNorm turns the BatchNormalizations left into a
//     depthwise 1x1 Conv (4-D) or a Mul and an Add.
//   - FoldPad folds a zero Pad into the Conv or AveragePool after it, and a
//     -Inf Pad into a MaxPool.
//   - FuseHardSwish turns x·HardSigmoid(x) (PyTorch's parameters) into
//     HardSwish.
//   - FuseActivations moves Relu and Clip into the Conv, Gemm, Add, Sub or
//     Mul before them (graph.FusedActivation).
//   - RemoveDeadNodes drops nodes no graph output depends on.
//
// Swish (x·sigmoid(x)) is left as Sigmoid and Mul, which lower to LOGISTIC
// and MUL: both have exact int8 kernels, and rewriting it to an
// approximation would change the float model.
//
// Every pass keeps the graph valid and every tensor's shape what inference
// computes. A pass never modifies a constant's payload in place, because
// constants may be shared by several nodes; it adds a new constant.
package passes

import (
	"fmt"

	"github.com/edgeinfer/edgeinfer/convert/graph"
)

// Optimize runs every pass in the order the lowering needs, then checks
// the graph. The order matters: Gemm normalization before affine folding
// (so that a BatchNorm after a MatMul folds), affine folding before
// activation fusion (a clamp blocks folding), pad folding before fusion is
// independent.
func Optimize(g *graph.Graph) error {
	steps := []struct {
		name string
		run  func(*graph.Graph) (int, error)
	}{
		{"remove identities", RemoveIdentities},
		{"fold constants", FoldConstants},
		{"div to mul", DivToMul},
		{"gemm to fully connected", GemmToFC},
		{"fold affine", FoldAffine},
		{"lower batch norm", LowerBatchNorm},
		{"fold pad", FoldPad},
		{"fuse hard swish", FuseHardSwish},
		{"fuse activations", FuseActivations},
		{"remove identities", RemoveIdentities},
		{"remove dead nodes", RemoveDeadNodes},
	}
	for _, s := range steps {
		if _, err := s.run(g); err != nil {
			return fmt.Errorf("passes: %s: %w", s.name, err)
		}
	}
	if err := g.CheckShapes(); err != nil {
		return fmt.Errorf("passes: the optimized graph is inconsistent: %w", err)
	}
	return nil
}
