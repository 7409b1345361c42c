//go:build gc && !purego

package kernels

import (
	"errors"

	"golang.org/x/sys/cpu"
)

// archVariants are the assembly variants of arm64, fastest first. NEON
// (ASIMD) is part of the arm64 baseline. I8MM is not listed: kernels/arm64
// has no SMMLA microkernel yet, so a CPU with FEAT_I8MM runs DotProd.
var archVariants = []Variant{DotProd, NEON}

// archEmulation: arm64 builds emulate nothing.
func archEmulation(Variant) string { return "" }

// archSupport reports why variant v cannot run on this CPU (nil if it can).
// x/sys/cpu's HasASIMDDP is the HWCAP ASIMDDP bit: the dot-product
// extension (SDOT/UDOT), despite its field comment.
func archSupport(v Variant) error {
	a := &cpu.ARM64
	switch v {
	case NEON:
		return nil
	case DotProd:
		if !a.HasASIMDDP {
			return errors.New("the CPU lacks the dot-product extension (SDOT)")
		}
		return nil
	case I8MM:
		return errors.New("this build has no SMMLA (i8mm) kernels; dotprod is the fastest arm64 variant")
	}
	return errors.New("it is not an arm64 variant")
}
