package runtime

import (
	"fmt"
	"os"

	"github.com/edgeinfer/edgeinfer/kernels"
)

// VariantEnv is the environment variable that forces a kernel variant
// (purego, avx2, avxvnni, avx512vnni, neon, dotprod, i8mm).
const VariantEnv = kernels.VariantEnv

// chooseVariant is the one place Load decides the kernel variant: the one
// named by VariantEnv when it is set (an error when this build or CPU
// cannot run it), else the fastest one this build and CPU run.
func chooseVariant() (kernels.Variant, error) {
	name := os.Getenv(VariantEnv)
	if name == "" {
		return kernels.BestVariant(), nil
	}
	v, err := kernels.ParseVariant(name)
	if err != nil {
		return "", fmt.Errorf("runtime: %s=%q: %w", VariantEnv, name, err)
	}
	return v, nil
}

// KernelVariant names the kernel implementation Load uses with the
// current environment: "purego" (the reference kernels), or an assembly
// variant such as "avx2". When EDGEINFER_KERNELS names a variant this
// build or CPU cannot run, KernelVariant reports "invalid" and Load fails.
func KernelVariant() string {
	v, err := chooseVariant()
	if err != nil {
		return "invalid"
	}
	return string(v)
}
