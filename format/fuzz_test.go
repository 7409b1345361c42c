package format

import (
	"errors"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the decoder with the checksum check
// off (the fuzzer cannot forge CRCs, and the checksum is not what keeps
// the decoder safe). It must never panic, its recover backstop must never
// fire, every error must be an *Error, and whatever it accepts must
// re-encode and decode to the same model.
func FuzzDecode(f *testing.F) {
	for _, build := range testModels() {
		f.Add(mustEncode(f, build()))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		before := backstopHits.Load()
		m, err := DecodeWithOptions(data, DecodeOptions{SkipChecksum: true})
		if backstopHits.Load() != before {
			t.Fatalf("the decoder's recover backstop fired: %v", err)
		}
		if err != nil {
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			return
		}
		checkReencode(t, m)
	})
}
