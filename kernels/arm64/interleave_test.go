package arm64

import (
	"testing"

	"github.com/edgeinfer/edgeinfer/internal/interleavetest"
)

// TestInterleaveBytes checks InterleaveBytes (the NEON routine where the
// assembly is built: the 16-pair steps, the overlapping last step, the
// twin below 16) and its twin against the definition, with guard bands
// around dst.
func TestInterleaveBytes(t *testing.T) {
	interleavetest.Check(t, "InterleaveBytesGo", InterleaveBytesGo)
	interleavetest.Check(t, "InterleaveBytes", InterleaveBytes)
	if !haveAsm {
		t.Log("no assembly in this build: InterleaveBytes ran the twin")
	}
}
