//go:build gc && !purego && linux

package amd64

import (
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/cpu"
)

// TestMeanSumAVX2StaysInBounds places the input against inaccessible
// pages, ending just before one and starting just after one, so that a
// read past either end of the columns (the overlapping last 16-column step
// backs up into columns already added) faults. Widths 16..100 cover every
// tail of the 32-column blocks.
func TestMeanSumAVX2StaysInBounds(t *testing.T) {
	if !cpu.X86.HasAVX2 {
		t.Skip("no AVX2")
	}
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 4*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skip("mmap:", err)
	}
	defer syscall.Munmap(mem)
	if err := syscall.Mprotect(mem[:page], syscall.PROT_NONE); err != nil {
		t.Skip("mprotect:", err)
	}
	if err := syscall.Mprotect(mem[3*page:], syscall.PROT_NONE); err != nil {
		t.Skip("mprotect:", err)
	}
	usable := mem[page : 3*page]
	for i := range usable {
		usable[i] = byte(i * 7)
	}
	for width := 16; width <= 100; width++ {
		const rows, stride = 3, 101
		n := (rows-1)*stride + width
		for _, start := range []int{0, len(usable) - n} {
			in := make([]int8, n)
			for i := range in {
				in[i] = int8(usable[start+i])
			}
			want := make([]int32, width)
			MeanSumInt8Generic(want, in, rows, stride, -5)
			got := make([]int32, width)
			guarded := unsafeInt8s(usable[start : start+n])
			MeanSumInt8AVX2(got, guarded, rows, stride, -5)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("width %d start %d: column %d = %d, want %d", width, start, i, got[i], want[i])
				}
			}
		}
	}
}

// unsafeInt8s views b as int8s (same memory, so the guard pages stay
// adjacent).
func unsafeInt8s(b []byte) []int8 {
	return unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(b))), len(b))
}
