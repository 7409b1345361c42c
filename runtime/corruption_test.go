package runtime_test

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/runtime"
)

// TestCorruptedModelsLoadAndRunOrFail damages encoded copies of every suite
// model (bit flips, overwritten 8/16/32/64-bit words with boundary values,
// copied ranges) and decodes them with the checksum skipped, as if the
// damage had come with a matching CRC. Each one must either be rejected
// with an error (by format or by the runtime's planner) or load, plan, and
// run on random input at two threads. The test has no recover: a panic or
// an out-of-range access fails it.
func TestCorruptedModelsLoadAndRunOrFail(t *testing.T) {
	const perModel = 60
	r := rand.New(rand.NewPCG(11, 26))
	var formatRejected, runtimeRejected, ran, unchanged int
	for _, sm := range suiteModels(t) {
		valid, err := format.Encode(sm.model)
		if err != nil {
			t.Fatal(err)
		}
		body := len(valid) - 16 // the trailer is not mutated: the checksum is skipped anyway
		for range perModel {
			d := append([]byte(nil), valid...)
			// Two thirds of the mutations hit the first quarter of the
			// file, where the FlatBuffer's offsets and lengths live.
			span := body
			if r.IntN(3) > 0 {
				span = max(body/4, 8)
			}
			mutate(r, d[:span])
			if string(d) == string(valid) {
				unchanged++
				continue
			}
			m, err := format.DecodeWithOptions(d, format.DecodeOptions{SkipChecksum: true})
			if err != nil {
				if _, ok := errors.AsType[*format.Error](err); !ok {
					t.Errorf("%s: decode error %T %v is not a *format.Error", sm.name, err, err)
				}
				formatRejected++
				continue
			}
			rm, err := runtime.LoadModel(m)
			if err != nil {
				runtimeRejected++
				continue
			}
			it, err := rm.NewInterpreter(runtime.Options{Threads: 2})
			if err != nil {
				t.Fatalf("%s: a loaded model made no interpreter: %v", sm.name, err)
			}
			for i := range it.InputCount() {
				in := it.Input(i).Bytes()
				for k := range in {
					in[k] = byte(r.Uint32())
				}
			}
			if err := it.Run(); err != nil {
				t.Errorf("%s: Run: %v", sm.name, err)
			}
			it.Close()
			rm.Close()
			ran++
		}
	}
	total := formatRejected + runtimeRejected + ran
	t.Logf("%d damaged models: %d rejected by format, %d refused by the runtime, %d loaded and ran; %d mutations changed nothing",
		total, formatRejected, runtimeRejected, ran, unchanged)
	if total < 1000 {
		t.Errorf("only %d damaged models, want at least 1000", total)
	}
	if ran == 0 || formatRejected == 0 {
		t.Errorf("the mutations should produce both rejected and runnable models")
	}
}

// mutate damages d in place with one of the corruption kinds.
func mutate(r *rand.Rand, d []byte) {
	boundary := []uint64{0, 1, 4, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 1 << 32, 1 << 63, ^uint64(0)}
	switch r.IntN(5) {
	case 0: // bit flips
		for range 1 + r.IntN(4) {
			d[r.IntN(len(d))] ^= 1 << r.IntN(8)
		}
	case 1: // a 32-bit word: a boundary value, random, or near the file size
		if len(d) >= 4 {
			v := uint32(boundary[r.IntN(len(boundary))])
			if r.IntN(2) == 0 {
				v = r.Uint32()
			}
			binary.LittleEndian.PutUint32(d[4*r.IntN(len(d)/4):], v)
		}
	case 2: // a 16-bit word
		if len(d) >= 2 {
			binary.LittleEndian.PutUint16(d[2*r.IntN(len(d)/2):], uint16(boundary[r.IntN(len(boundary))]))
		}
	case 3: // a 64-bit word
		if len(d) >= 8 {
			binary.LittleEndian.PutUint64(d[8*r.IntN(len(d)/8):], boundary[r.IntN(len(boundary))])
		}
	case 4: // a copied range
		n := 4 + r.IntN(32)
		if n < len(d) {
			copy(d[r.IntN(len(d)-n):], d[r.IntN(len(d)-n):][:n])
		}
	}
}
