//go:build gc && !purego

package amd64_test

import (
	"golang.org/x/sys/cpu"

	"github.com/edgeinfer/edgeinfer/kernels/amd64"
)

func init() {
	if cpu.X86.HasAVX2 {
		poolRunners = append(poolRunners, struct {
			name string
			run  func(p *amd64.MaxPoolInt8, in, out []int8, lo, hi int)
		}{"avx2", (*amd64.MaxPoolInt8).RunAVX2})
		avgPoolRunners = append(avgPoolRunners, struct {
			name string
			run  func(p *amd64.AvgPoolInt8, in, out []int8, lo, hi int)
		}{"avx2", (*amd64.AvgPoolInt8).RunAVX2})
	}
}
