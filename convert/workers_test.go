package convert_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/edgeinfer/edgeinfer/convert"
	"github.com/edgeinfer/edgeinfer/convert/quantize"
	"github.com/edgeinfer/edgeinfer/format"
)

// Converting with one worker and with several writes the same file, byte
// for byte: every calibration statistic and report sum takes the samples
// in order (LeNet-5 from models/small on its committed calibration set:
// the histogram methods bin every value, and the first sample sets the
// bins; bias correction sums the channel means; the report runs the int8
// model on every sample).
func TestWorkersSameBytes(t *testing.T) {
	dir := filepath.Join("..", "models", "small", "lenet5")
	model := filepath.Join(dir, "model.onnx")
	if _, err := os.Stat(model); err != nil {
		t.Skipf("no committed LeNet-5: %v", err)
	}
	calibSrc := "raw:" + filepath.Join(dir, "calib.f32")
	for _, method := range []string{"minmax", "percentile", "entropy"} {
		var first []byte
		for _, workers := range []int{1, 2, 5} {
			res, err := convert.Convert(model, convert.Options{Calib: calibSrc, Quantize: quantize.Options{
				Method: method, BiasCorrection: true, Workers: workers,
			}})
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), fmt.Sprintf("%s-%d.einf", method, workers))
			if err := format.WriteFile(out, res.Model); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if workers == 1 {
				first = b
				continue
			}
			if !bytes.Equal(b, first) {
				t.Errorf("%s: the model converted with %d workers differs from the one with 1", method, workers)
			}
		}
	}
}
