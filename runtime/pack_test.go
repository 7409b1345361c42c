package runtime

import (
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
)

// TestPreparedOpsUsed checks that the best assembly variant really binds
// int8 convolutions and fully connected layers to prepared (packed)
// kernels: a prepared GEMM convolution counts its work in panels of output
// pixels and a prepared fully connected layer in blocks of output
// channels, not in the reference kernels' units (rows, channels). The
// chain's 3x3 convolution has 10 output rows (17 panels of 6 pixels on
// amd64) and its fully connected layer 5 channels (one block).
func TestPreparedOpsUsed(t *testing.T) {
	best := kernels.BestVariant()
	if best == kernels.PureGo {
		t.Skip("this build runs only the reference kernels")
	}
	g := newInt8Chain(newRand(1)).model
	t.Setenv(VariantEnv, string(kernels.PureGo))
	ref := mustLoad(t, g)
	t.Setenv(VariantEnv, string(best))
	fast := mustLoad(t, g)
	for i := range fast.ops {
		o := &g.Operators[i]
		if o.Op != format.OpConv2D && o.Op != format.OpFullyConnected {
			continue
		}
		if o.Op == format.OpConv2D && o.Options.(*format.Conv2DOptions).Groups > 1 {
			continue // depthwise: the reference's units by contract
		}
		if fast.ops[i].units == ref.ops[i].units {
			t.Errorf("%s op %d %q: %d units with %s and with purego: not prepared", o.Op, i, o.Name, fast.ops[i].units, best)
		}
	}
}
