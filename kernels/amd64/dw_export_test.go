package amd64

// UsesPairRows reports whether d runs the pair-row kernels (dw_pair.go),
// so that the tests can check that their random shapes reach them.
func UsesPairRows(d *DepthwiseInt8) bool { return d.pair != nil }

// UsesRowsKernel reports whether d runs the rows kernel (dw_rows.go).
func UsesRowsKernel(d *DepthwiseInt8) bool { return d.pair != nil && d.pair.pairs > 0 }

// UsesS2x4 reports whether d has the packing of dwConv3x3S2x4AVX2
// (dw_3x3s2.go).
func UsesS2x4(d *DepthwiseInt8) bool { return d.packedS2 != nil }

// UsesPointwise reports whether d runs the pointwise path (dw_pointwise.go).
func UsesPointwise(d *DepthwiseInt8) bool { return d.pw != nil }
