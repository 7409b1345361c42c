//go:build gc && !purego

package amd64

import (
	"testing"

	"github.com/edgeinfer/edgeinfer/internal/interleavetest"
)

// TestInterleaveBytes checks the AVX2 routine (the 16- and 32-byte steps,
// their overlapping last steps, the twin below 16) and its twin against
// the definition, with guard bands around dst.
func TestInterleaveBytes(t *testing.T) {
	interleavetest.Check(t, "InterleaveBytesGo", InterleaveBytesGo)
	if !HasAVX2 {
		t.Skip("no AVX2")
	}
	interleavetest.Check(t, "InterleaveBytes", InterleaveBytes)
}
