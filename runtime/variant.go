package runtime

import (
	"fmt"
	"os"
)

// VariantEnv is the environment variable that picks the kernel variant.
const VariantEnv = "EDGEINFER_KERNELS"

// variants lists the kernel implementations this build can run. "purego" is
// the reference kernels package; assembly variants join this list (and
// chooseVariant's CPU checks) when they land.
var variants = []string{"purego"}

// chooseVariant is the one place the kernel variant is decided: the
// variable named by VariantEnv when set, else the best the CPU supports.
func chooseVariant() (string, error) {
	name := os.Getenv(VariantEnv)
	if name == "" {
		return variants[0], nil
	}
	for _, v := range variants {
		if v == name {
			return v, nil
		}
	}
	return "", fmt.Errorf("runtime: %s=%q is not a kernel variant of this build (have %q)", VariantEnv, name, variants)
}

// KernelVariant names the kernel implementation Load uses: "purego" (the
// reference kernels) in this build. When EDGEINFER_KERNELS names an unknown
// variant, KernelVariant reports it as "invalid" and Load fails.
func KernelVariant() string {
	v, err := chooseVariant()
	if err != nil {
		return "invalid"
	}
	return v
}
