package runtime

import (
	"errors"
	"unsafe"
)

// alignment is the arena's offset and base alignment, and the size every
// arena buffer is rounded up to: one cache line on the boards we target and
// the alignment of every payload in a model file.
const alignment = 64

// alignUp rounds n up to a multiple of alignment.
func alignUp(n int) int { return (n + alignment - 1) &^ (alignment - 1) }

// errBigEndian is returned by Load on big-endian hosts: tensor payloads are
// little-endian and the runtime reinterprets them in place.
var errBigEndian = errors.New("runtime: big-endian hosts are not supported (model payloads are little-endian and are used in place)")

// littleEndian reports whether the host stores the low byte first.
func littleEndian() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}

// newAlignedBytes returns n zeroed bytes whose first byte is at a multiple of
// alignment.
func newAlignedBytes(n int) []byte {
	if n == 0 {
		return nil
	}
	raw := make([]byte, n+alignment-1)
	skip := int(-uintptr(unsafe.Pointer(&raw[0])) & (alignment - 1))
	return raw[skip : skip+n : skip+n]
}

// aligned reports whether b starts at a multiple of n bytes.
func aligned(b []byte, n int) bool {
	return len(b) == 0 || uintptr(unsafe.Pointer(&b[0]))%uintptr(n) == 0
}

// The views below reinterpret tensor bytes without copying. Callers pass
// slices whose start is aligned to the element size (model payloads are
// 64-byte aligned, arena offsets are multiples of 64, and Model aligns any
// caller-built payload that is not) and whose length is a multiple of it.

func int8s(b []byte) []int8 {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*int8)(unsafe.Pointer(&b[0])), len(b))
}

func int32s(b []byte) []int32 {
	if len(b) < 4 {
		return nil
	}
	return unsafe.Slice((*int32)(unsafe.Pointer(&b[0])), len(b)/4)
}

func float32s(b []byte) []float32 {
	if len(b) < 4 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4)
}

func uint16s(b []byte) []uint16 {
	if len(b) < 2 {
		return nil
	}
	return unsafe.Slice((*uint16)(unsafe.Pointer(&b[0])), len(b)/2)
}
