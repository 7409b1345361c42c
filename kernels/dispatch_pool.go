package kernels

import "github.com/edgeinfer/edgeinfer/kernels/amd64"

// meanPreparers maps a variant to its MeanInt8 preparation (false keeps
// the reference kernel). Filled by dispatch_pool_<arch>.go.
var meanPreparers = map[Variant]func(p *MeanInt8Params) (*PreparedInt8, bool){}

// PrepareMeanInt8 returns MeanInt8 prepared for variant v (same units as
// MeanInt8, no scratch), or false when v has no fast path for it: the
// caller then runs MeanInt8.
func PrepareMeanInt8(v Variant, p *MeanInt8Params) (*PreparedInt8, bool) {
	if prep := meanPreparers[v]; prep != nil {
		return prep(p)
	}
	return nil, false
}

// maxPoolPreparers maps a variant to its MaxPoolInt8 preparation. Filled
// by dispatch_pool_<arch>.go.
var maxPoolPreparers = map[Variant]func(p *PoolInt8Params) (*PreparedInt8, bool){}

// PrepareMaxPoolInt8 returns MaxPoolInt8 prepared for variant v (same
// units, no scratch), or false when v has no fast path for it.
func PrepareMaxPoolInt8(v Variant, p *PoolInt8Params) (*PreparedInt8, bool) {
	if prep := maxPoolPreparers[v]; prep != nil {
		return prep(p)
	}
	return nil, false
}

// avgPoolPreparers maps a variant to its AvgPoolInt8 preparation. Filled
// by dispatch_pool_<arch>.go.
var avgPoolPreparers = map[Variant]func(p *PoolInt8Params) (*PreparedInt8, bool){}

// PrepareAvgPoolInt8 returns AvgPoolInt8 prepared for variant v (same
// units, no scratch), or false when v has no fast path for it.
func PrepareAvgPoolInt8(v Variant, p *PoolInt8Params) (*PreparedInt8, bool) {
	if prep := avgPoolPreparers[v]; prep != nil {
		return prep(p)
	}
	return nil, false
}

// amd64PoolGeom is g for package amd64's pool drivers (portable Go, which
// the arm64 max pool also runs).
func amd64PoolGeom(g *PoolGeom) amd64.PoolGeom {
	return amd64.PoolGeom{N: g.N, InH: g.InH, InW: g.InW, C: g.C, OutH: g.OutH, OutW: g.OutW,
		KH: g.KH, KW: g.KW, StrideH: g.StrideH, StrideW: g.StrideW, DilationH: g.DilationH, DilationW: g.DilationW,
		PadTop: g.PadTop, PadLeft: g.PadLeft}
}
