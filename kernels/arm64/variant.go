package arm64

// Variant selects an implementation of the microkernels.
type Variant int

const (
	Go   Variant = iota // pure-Go twin
	NEON                // ARMv8.0: SMULL/SMLAL2 + SADALP
	Dot                 // ARMv8.2 dot product: SDOT
)

func (v Variant) String() string {
	switch v {
	case NEON:
		return "neon"
	case Dot:
		return "dotprod"
	}
	return "go"
}

// Supported reports whether this build and CPU can run v: Go always; NEON
// on arm64 builds with the assembly; Dot also needs the dot-product
// extension (cpu.ARM64.HasASIMDDP).
func Supported(v Variant) bool {
	switch v {
	case Go:
		return true
	case NEON:
		return haveAsm
	case Dot:
		return haveAsm && haveDot
	}
	return false
}

// Best is the fastest variant Supported on this CPU.
func Best() Variant {
	for _, v := range []Variant{Dot, NEON} {
		if Supported(v) {
			return v
		}
	}
	return Go
}
