package format

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

// mutator damages a copy of a valid file. fbEnd is the end of its
// FlatBuffer, where most mutations aim: that is where the offsets are.
type mutator struct {
	name string
	f    func(r *rand.Rand, d []byte, fbEnd int) []byte
}

// boundary32 are the 32-bit values most likely to break offset and length
// arithmetic, besides values near the file's own size.
var boundary32 = []uint32{0, 1, 2, 3, 4, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
	0x10000, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffc, 0xfffffffe, 0xffffffff}

func pick32(r *rand.Rand, n int) uint32 {
	switch r.IntN(4) {
	case 0:
		return r.Uint32()
	case 1:
		return uint32(n + r.IntN(9) - 4) // around the file size
	}
	return boundary32[r.IntN(len(boundary32))]
}

var mutators = []mutator{
	{"truncate", func(r *rand.Rand, d []byte, _ int) []byte {
		body := d[:r.IntN(len(d)-trailerSize)]
		return appendTrailer(bytes.Clone(body)) // a well-formed trailer over a cut body
	}},
	{"bit flips", func(r *rand.Rand, d []byte, _ int) []byte {
		for range 1 + r.IntN(4) {
			d[r.IntN(len(d)-trailerSize)] ^= 1 << r.IntN(8)
		}
		return d
	}},
	{"32-bit word", func(r *rand.Rand, d []byte, fbEnd int) []byte {
		for range 1 + r.IntN(2) {
			binary.LittleEndian.PutUint32(d[4*r.IntN(fbEnd/4):], pick32(r, len(d)))
		}
		return d
	}},
	{"16-bit word", func(r *rand.Rand, d []byte, fbEnd int) []byte {
		v := []uint16{0, 2, 4, 6, 0x7ffe, 0x8000, 0xfffe, 0xffff, uint16(r.Uint32())}[r.IntN(9)]
		binary.LittleEndian.PutUint16(d[2*r.IntN(fbEnd/2):], v)
		return d
	}},
	{"64-bit word", func(r *rand.Rand, d []byte, fbEnd int) []byte {
		v := []uint64{0, DataAlignment, uint64(len(d)), uint64(len(d) - trailerSize), 1 << 32, 1 << 63, ^uint64(0), r.Uint64()}[r.IntN(8)]
		binary.LittleEndian.PutUint64(d[8*r.IntN(fbEnd/8):], v)
		return d
	}},
	{"byte", func(r *rand.Rand, d []byte, fbEnd int) []byte {
		d[r.IntN(fbEnd)] = []byte{0, 1, 2, 3, 4, 5, 15, 16, 26, 27, 0x7f, 0x80, 0xff, byte(r.Uint32())}[r.IntN(14)]
		return d
	}},
	{"splice", func(r *rand.Rand, d []byte, fbEnd int) []byte {
		n := 4 + r.IntN(32)
		if n >= fbEnd {
			return d
		}
		copy(d[r.IntN(fbEnd-n):], d[r.IntN(fbEnd-n):][:n])
		return d
	}},
}

// TestCorruption decodes thousands of damaged copies of the test models.
// Most mutations recompute the checksum, so that the verifier and the
// validator (not the CRC) must catch them. Decode must never panic: the
// test has no recover of its own, and the decoder's backstop must not
// fire either. Accepted files must re-encode and decode to the same model.
func TestCorruption(t *testing.T) {
	const perMutator = 60 // per model and mutator; times 2 for with and without a checksum fix
	hits := backstopHits.Load()
	r := rand.New(rand.NewPCG(2024, 7))
	var rejected, accepted, unchanged int
	byMutator := make(map[string][2]int)
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range testModels() {
			if !yield(n) {
				return
			}
		}
	})
	for _, name := range names {
		valid := mustEncode(t, testModels()[name]())
		fbEnd64, err := verifyFlatBuffer(valid[:len(valid)-trailerSize])
		if err != nil {
			t.Fatal(err)
		}
		fbEnd := int(fbEnd64)
		for _, mu := range mutators {
			for i := range 2 * perMutator {
				fix := i%2 == 0
				d := mu.f(r, bytes.Clone(valid), fbEnd)
				if bytes.Equal(d, valid) {
					unchanged++
					continue
				}
				if fix {
					resum(d)
				}
				m, err := Decode(d)
				counts := byMutator[mu.name]
				switch {
				case err != nil:
					rejected++
					counts[0]++
					if _, ok := errors.AsType[*Error](err); !ok {
						t.Errorf("%s %s: error %T %v is not an *Error", name, mu.name, err, err)
					}
					// Unfixed damage is caught by the checksum, unless it hit
					// the identifier, which is checked first.
					if !fix && mu.name != "truncate" && !errors.Is(err, ErrChecksum) && !errors.Is(err, ErrNotModel) {
						t.Errorf("%s %s without a checksum fix: %v, want a checksum mismatch", name, mu.name, err)
					}
				default:
					accepted++
					counts[1]++
					if !fix && mu.name != "truncate" {
						t.Errorf("%s %s: a changed file passed the checksum", name, mu.name)
					}
					checkReencode(t, m)
				}
				byMutator[mu.name] = counts
			}
		}
	}
	if n := backstopHits.Load() - hits; n != 0 {
		t.Fatalf("the decoder's recover backstop fired %d times", n)
	}
	if total := rejected + accepted; total < 1000 {
		t.Fatalf("only %d mutated files", total)
	}
	t.Logf("%d mutated files: %d rejected, %d accepted (valid models after the damage); %d mutations left the file unchanged",
		rejected+accepted, rejected, accepted, unchanged)
	for _, mu := range mutators {
		c := byMutator[mu.name]
		t.Logf("  %-12s rejected %4d  accepted %4d", mu.name, c[0], c[1])
	}
}

// checkReencode requires a decoded model to encode, decode to the same
// model, and encode to the same bytes again.
func checkReencode(t *testing.T, m *Model) {
	t.Helper()
	b1, err := Encode(m)
	if err != nil {
		t.Fatalf("Encode of a decoded model: %v", err)
	}
	m2, err := Decode(b1)
	if err != nil {
		t.Fatalf("Decode of a re-encoded model: %v", err)
	}
	if diff := diffModels(m, m2); diff != "" {
		t.Fatalf("re-encoded model differs: %s", diff)
	}
	b2, err := Encode(m2)
	if err != nil || !bytes.Equal(b1, b2) {
		t.Fatalf("encoding the round-tripped model again: %v, same bytes %v", err, bytes.Equal(b1, b2))
	}
}
