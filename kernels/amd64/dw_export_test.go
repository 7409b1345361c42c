package amd64

// UsesPairRows reports whether d runs the pair-row kernels (dw_pair.go),
// so that the tests can check that their random shapes reach them.
func UsesPairRows(d *DepthwiseInt8) bool { return d.pair != nil }

// UsesRowsKernel reports whether d runs the rows kernel (dw_rows.go).
func UsesRowsKernel(d *DepthwiseInt8) bool { return d.pair != nil && d.pair.pairs > 0 }
