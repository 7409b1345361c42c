package runtime_test

import (
	"maps"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/internal/testmodels"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// TestFuseConvTableSuite checks which table ops the int8 MobileNet v3 /
// EfficientNet block of the model suite folds into their convolutions:
// every HARD_SWISH (stem, expand, depthwise, head: all after a
// convolution), both swishes x*sigmoid(x) (after the MBConv expansion and
// depthwise convolutions) and the 1x1-convolution squeeze-excite's
// HARD_SIGMOID gate, but not the FC squeeze-excite's gate (a fully
// connected layer produces it). That the outputs stay the same bytes is
// TestCrossArchGolden's and TestSuiteVariants' job.
func TestFuseConvTableSuite(t *testing.T) {
	var model *format.Model
	for _, c := range testmodels.All() {
		if c.Name == "mobilenet_v3_block" {
			m, err := c.Int8()
			if err != nil {
				t.Fatal(err)
			}
			model = m
		}
	}
	if model == nil {
		t.Fatal("the suite has no mobilenet_v3_block")
	}
	m, err := runtime.LoadModel(model)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	it, err := m.NewInterpreter(runtime.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	it.EnableProfile(true)
	if err := it.Run(); err != nil {
		t.Fatal(err)
	}
	absorbed, details := map[string]int{}, map[string]int{}
	for _, op := range it.Profile().Ops {
		switch {
		case op.Detail == "fused":
			absorbed[op.Op.String()]++
		case op.Op == format.OpConv2D:
			details[op.Detail]++
		}
	}
	wantAbsorbed := map[string]int{"HARD_SWISH": 4, "HARD_SIGMOID": 1, "LOGISTIC": 2, "MUL": 2}
	if !maps.Equal(absorbed, wantAbsorbed) {
		t.Errorf("absorbed ops by type %v, want %v", absorbed, wantAbsorbed)
	}
	wantDetails := map[string]int{
		"3x3/2 +HARD_SWISH": 1, "1x1 +HARD_SWISH": 2, "dw 5x5 +HARD_SWISH": 1,
		"1x1 +SiLU": 1, "dw 3x3/2 +SiLU": 1, "1x1 +HARD_SIGMOID": 1,
		"1x1": 3, // the SE reduction (ReLU fused), the projections
	}
	if !maps.Equal(details, wantDetails) {
		t.Errorf("convolutions by detail %v, want %v", details, wantDetails)
	}
}
