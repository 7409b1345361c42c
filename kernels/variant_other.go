//go:build !(amd64 || arm64) || !gc || purego

package kernels

import "errors"

// archVariants is empty: this build has no assembly (another architecture,
// another compiler, or the purego build tag).
var archVariants []Variant

// archEmulation: a build without assembly emulates nothing.
func archEmulation(Variant) string { return "" }

func archSupport(v Variant) error {
	return errors.New("this build has no assembly kernels (purego build tag, non-gc compiler or an architecture without them)")
}
