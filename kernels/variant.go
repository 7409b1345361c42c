package kernels

import (
	"fmt"
	"os"
	"strings"
)

// Variant names one implementation of the int8 kernels. PureGo (the
// reference kernels of this package) exists in every build; the others are
// assembly in kernels/amd64 or kernels/arm64 and exist only when the build
// includes assembly (gc compiler, no purego tag) and the CPU has the
// instructions they use.
//
// Every variant produces the same bytes as PureGo: a variant is a speed
// choice, never a numerics choice.
type Variant string

const (
	// PureGo is the reference kernels of this package, on every platform.
	PureGo Variant = "purego"

	// AVX2 (amd64): int8 values sign-extended to int16 and multiplied by
	// VPMADDWD (exact; VPMADDUBSW's int16 saturation is never used).
	AVX2 Variant = "avx2"
	// AVXVNNI (amd64): VEX-encoded VPDPBUSD on ymm registers, activations
	// shifted to uint8 (x+128) with the shift compensated in the bias.
	AVXVNNI Variant = "avxvnni"
	// AVX512VNNI (amd64): EVEX VPDPBUSD on zmm registers, same compensation.
	AVX512VNNI Variant = "avx512vnni"

	// NEON (arm64, every core): SMULL/SMLAL pairs of int8 products summed in
	// int16 (exact because weights are in [-127, 127]), then SADALP.
	NEON Variant = "neon"
	// DotProd (arm64 with FEAT_DotProd, e.g. Cortex-A76): SDOT.
	DotProd Variant = "dotprod"
	// I8MM (arm64 with FEAT_I8MM): SMMLA.
	I8MM Variant = "i8mm"
)

// VariantEnv is the environment variable that forces a variant, for
// example EDGEINFER_KERNELS=avx2. Empty means the best one this CPU runs.
const VariantEnv = "EDGEINFER_KERNELS"

// knownVariants lists every variant name of every architecture, so that a
// misspelling and a variant of the other architecture get different errors.
var knownVariants = []Variant{PureGo, AVX2, AVXVNNI, AVX512VNNI, NEON, DotProd, I8MM}

// Variants returns the variants this build can run on this CPU, fastest
// first. PureGo is always the last entry.
func Variants() []Variant {
	var vs []Variant
	for _, v := range archVariants {
		if archSupport(v) == nil {
			vs = append(vs, v)
		}
	}
	return append(vs, PureGo)
}

// Emulation describes how this build emulates an instruction that variant
// v needs and the CPU lacks (a test build: results are exact, timings are
// not v's), or returns "" when v runs natively, as in every release build.
func Emulation(v Variant) string { return archEmulation(v) }

// BestVariant is Variants()[0]: the fastest variant this build and CPU run.
func BestVariant() Variant { return Variants()[0] }

// ParseVariant returns the variant called name. It fails when the name is
// not a variant, or when this build or CPU cannot run it, saying why (the
// purego build tag, another architecture, a missing CPU feature).
func ParseVariant(name string) (Variant, error) {
	v := Variant(name)
	known := false
	for _, k := range knownVariants {
		known = known || k == v
	}
	if !known {
		names := make([]string, len(knownVariants))
		for i, k := range knownVariants {
			names[i] = string(k)
		}
		return "", fmt.Errorf("kernels: %q is not a kernel variant (one of %s)", name, strings.Join(names, ", "))
	}
	if v == PureGo {
		return v, nil
	}
	if err := archSupport(v); err != nil {
		return "", fmt.Errorf("kernels: variant %q cannot run here: %w", name, err)
	}
	return v, nil
}

// SelectVariant is the one place a process decides its variant: the one
// named by the VariantEnv environment variable when it is set (an error if
// that variant cannot run here), else BestVariant.
func SelectVariant() (Variant, error) {
	name := os.Getenv(VariantEnv)
	if name == "" {
		return BestVariant(), nil
	}
	v, err := ParseVariant(name)
	if err != nil {
		return "", fmt.Errorf("%s: %w", VariantEnv, err)
	}
	return v, nil
}
