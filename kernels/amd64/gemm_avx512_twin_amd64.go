//go:build gc && !purego && edgeinfer_avx512twin

package amd64

// avx512Twin: a -tags edgeinfer_avx512twin test build
// (scripts/test-avx512vnni.sh) runs the AVX-512 VNNI tile's Go twin in
// place of its assembly and offers the avx512vnni variant on any AVX2 CPU,
// so that everything else of the variant (8 x 32 tiling, uint8 packing,
// +128 compensation, the AVX2 kernels it shares) runs the model suite on a
// machine without AVX-512. The assembly tile itself is compared with the
// twin in the bochs emulator (TestGemm8x32VNNI512Bochs).
const avx512Twin = true
