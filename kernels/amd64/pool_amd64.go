//go:build gc && !purego

package amd64

// maxPoolAVX2 is maxPoolGeneric with AVX2 (pool_amd64.s): VPMAXSB over 32
// channels per step, or 16, 8 or 4 for fewer channels, the last step
// overlapping the previous one (two steps in one walk of the taps when
// they are exactly two). channels must be at least poolMinChannels.
//
//go:noescape
func maxPoolAVX2(out, in *int8, count, inStep, outStep, channels int, taps *int64, ntaps int, c *PoolConsts)

// RunAVX2 computes output rows [lo, hi) with AVX2. The CPU must have AVX2.
func (p *MaxPoolInt8) RunAVX2(in, out []int8, lo, hi int) { p.run(maxPoolAVX2, in, out, lo, hi) }

// avgPoolAVX2 is avgPoolGeneric with AVX2 (pool_amd64.s): 8 channels per
// step.
//
//go:noescape
func avgPoolAVX2(out, in *int8, count, inStep, outStep, chunks int, taps *int64, ntaps int, c *AvgPoolConsts)

// RunAVX2 computes output rows [lo, hi) with AVX2. The CPU must have AVX2.
func (p *AvgPoolInt8) RunAVX2(in, out []int8, lo, hi int) {
	p.run(avgPoolAVX2, avgPool32AVX2, in, out, lo, hi)
}

// avgPool32AVX2 is avgPool32Generic with AVX2 (pool_amd64.s): 32 channels
// per step in int16 lanes.
//
//go:noescape
func avgPool32AVX2(out, in *int8, count, inStep, outStep, chunks int, taps *int64, ntaps int, c *AvgPoolConsts)
