//go:build gc && !purego

package kernels

import (
	"testing"

	"github.com/edgeinfer/edgeinfer/kernels/amd64"
)

// TestWinogradRegistered checks that a CPU with AVX2 got the Winograd
// routines (their start-up self-test passed), so that the other tests run
// the assembly and not only the twins.
func TestWinogradRegistered(t *testing.T) {
	if !amd64.HasAVX2 {
		t.Skip("no AVX2")
	}
	if wk := winoKernels[AVX2]; wk == nil || wk.input4 == nil {
		t.Fatal("the AVX2 Winograd routines are not registered: their start-up self-test failed")
	}
}
