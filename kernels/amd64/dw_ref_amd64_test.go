//go:build gc && !purego

package amd64_test

import (
	"golang.org/x/sys/cpu"

	"github.com/edgeinfer/edgeinfer/kernels/amd64"
)

func init() {
	if cpu.X86.HasAVX2 {
		dwRunners = append(dwRunners, dwRunner{"avx2", (*amd64.DepthwiseInt8).RunAVX2},
			dwRunner{"avx2-taps", amd64.RunAVX2TapKernels})
	}
}
