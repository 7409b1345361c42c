//go:build gc && !purego

package amd64

// dwPointwiseAVX2 is the pointwise kernel (dw_pointwise_amd64.s); see
// dwPointwiseGeneric and dwPointwiseKernel.
//
//go:noescape
func dwPointwiseAVX2(out, in *int8, count, inStep, outStep, blocks int, packed *int32, clamp *int8)
