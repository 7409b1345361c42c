package runtime

import (
	"errors"
	"fmt"
	"math"
)

// Options configures an Interpreter.
type Options struct {
	// Threads is how many goroutines compute each op: the caller plus
	// Threads-1 workers started by NewInterpreter. 0 means 1.
	Threads int
}

// minChunkWork is the least work (about one multiply-add or element move
// each) of a participant's share of an op: ops with less than twice this
// run on the caller alone. A handoff to a polling worker costs about a
// microsecond (publishing, joining, the caller waiting for the last grain),
// the time of a few thousand such operations.
const minChunkWork = 1 << 11

// Grains. A participant claims its share in up to grainsPerShare grains
// of about equal size and at least minGrainWork each (or the whole share),
// so that a faster participant can take over the last grains of a slower
// one. Every grain is one kernel call, which costs 0.1-0.2 µs beyond its
// work (a broadcast ADD's cursor, a GEMM's panel setup): grains of 512 made
// an ADD of 9408 elements 35% slower on one thread than one call.
const (
	grainsPerShare = 8
	minGrainWork   = 1 << 11
)

// Interpreter runs a Model. It owns its arena (all activations, including
// graph inputs and outputs) and a fixed pool of worker goroutines.
// Interpreters of one Model are independent and may run concurrently; one
// Interpreter is not safe for concurrent use.
type Interpreter struct {
	model   *Model
	threads int
	arena   []byte
	mem     memory
	steps   []step
	pool    *pool // nil with one thread
	inputs  []*Tensor
	outputs []*Tensor
	closed  bool
	prof    *opTimer // per-op timing, nil unless EnableProfile (profile.go)
}

// step is one op bound to this interpreter's memory: run computes units
// [lo, hi), and bounds splits [0, units) into one contiguous chunk per
// goroutine that takes part (bounds[k] to bounds[k+1]).
type step struct {
	run    func(lo, hi int)
	bounds []int
	grain  int  // units per claim (see pool)
	last   bool // the run's last step with more than one chunk: the workers may rest after it
	op     int  // index of the planned operator (for profiles)
}

var errClosed = errors.New("runtime: interpreter is closed")

// NewInterpreter allocates an arena, binds every op's kernel to it and
// starts Threads-1 worker goroutines, which run until Close.
func (m *Model) NewInterpreter(opts Options) (*Interpreter, error) {
	if m.closed {
		return nil, errors.New("runtime: model is closed")
	}
	threads := opts.Threads
	if threads < 0 {
		return nil, fmt.Errorf("runtime: %d threads; want 0 (one) or more", threads)
	}
	threads = max(threads, 1)
	g := m.graph
	it := &Interpreter{model: m, threads: threads, arena: newAlignedBytes(m.arena.size)}
	it.mem.bytes = make([][]byte, len(g.Tensors))
	it.mem.threads = threads
	for t := range g.Tensors {
		switch off := m.arena.offset[t]; {
		case m.consts[t] != nil:
			it.mem.bytes[t] = m.consts[t]
		case off >= 0:
			n := g.Tensors[t].Bytes()
			it.mem.bytes[t] = it.arena[off : off+n : off+n]
		}
	}
	parallel := false
	for i := range m.ops {
		op := &m.ops[i]
		if op.bind == nil || op.units == 0 {
			continue
		}
		s := step{run: op.bind(&it.mem), op: i}
		reread := m.constBytes(i)
		if op.wholeShares {
			// Claimed like an op with large weights: a whole share at a time.
			reread = max(reread, maxRereadBytes+1)
		}
		s.bounds, s.grain = chunkBounds(op.units, op.work, threads, reread)
		if s.grain < op.minGrain {
			s.grain = min(op.minGrain, s.bounds[1]) // shares are at least bounds[1] units
		}
		parallel = parallel || len(s.bounds) > 2
		it.steps = append(it.steps, s)
	}
	if parallel {
		it.pool = newPool(threads - 1)
		for i := len(it.steps) - 1; i >= 0; i-- {
			if len(it.steps[i].bounds) > 2 {
				it.steps[i].last = true
				break
			}
		}
	}
	it.inputs = it.ioTensors(g.Inputs)
	it.outputs = it.ioTensors(g.Outputs)
	return it, nil
}

// chunkBounds splits [0, units) into at most threads contiguous shares of
// at least minChunkWork each (by the op's work estimate), and returns the
// grain in which they are claimed. An op whose constants (weights) exceed
// maxRereadBytes is claimed a whole share at a time: every kernel call
// streams them again from L3 or memory, while a cache-blocked GEMM reuses
// them across the panels of one call. ResNet-18 (3x3 convolutions with
// 0.6-2.4 MB of weights), 1 -> 2 threads, 4 interleaved rounds: grains of
// 1/8 share 1.72x (p50), whole shares for such ops 1.76x, p50 20.9 against
// 23.0 ms at 2 threads.
func chunkBounds(units int, work int64, threads, constBytes int) (bounds []int, grain int) {
	n := int64(threads)
	if most := work / minChunkWork; most < n {
		n = most
	}
	if units > maxSplitUnits {
		n = 1
	}
	n = max(min(n, int64(units)), 1)
	bounds = make([]int, n+1)
	for k := range bounds {
		bounds[k] = int(int64(units) * int64(k) / n)
	}
	if n == 1 {
		return bounds, units
	}
	share := (int64(units) + n - 1) / n
	grains := min(work/n/minGrainWork, grainsPerShare, share)
	if constBytes > maxRereadBytes {
		grains = 1
	}
	grains = max(grains, 1)
	return bounds, int((share + grains - 1) / grains)
}

// maxRereadBytes is the most constant bytes an op may read again on every
// kernel call (see chunkBounds): half a Raspberry Pi 5 core's 512 KiB L2,
// the GEMMs' weight budget (kernels.gemmWeightBudget).
const maxRereadBytes = 256 << 10

// constBytes is the size of op i's constant inputs (weights, biases).
func (m *Model) constBytes(i int) int {
	n := 0
	for _, t := range m.graph.Operators[i].Inputs {
		if t >= 0 {
			n += len(m.consts[t])
		}
	}
	return n
}

// maxSplitUnits bounds the units of an op that is split: a share packs
// two unit indices into one 64-bit word (and int is 32 bits on some targets).
const maxSplitUnits = math.MaxInt32

// Threads is the number of goroutines that compute each op.
func (it *Interpreter) Threads() int { return it.threads }

// Run computes the model's outputs from its inputs. It allocates nothing:
// every op's kernel call was bound in NewInterpreter, and each op's chunks
// go to the caller and the workers through preallocated channels.
func (it *Interpreter) Run() error {
	if it.closed {
		return errClosed
	}
	if it.model.closed {
		return errors.New("runtime: model is closed")
	}
	if it.prof != nil {
		it.runProfiled()
		return nil
	}
	for i := range it.steps {
		s := &it.steps[i]
		if len(s.bounds) == 2 {
			s.run(s.bounds[0], s.bounds[1])
			continue
		}
		it.pool.run(s)
	}
	return nil
}

// Close stops the worker goroutines and releases the arena. Tensors
// obtained from Input and Output must not be used afterwards.
func (it *Interpreter) Close() error {
	if it.closed {
		return nil
	}
	it.closed = true
	if it.pool != nil {
		it.pool.stop()
	}
	it.steps, it.arena, it.mem.bytes = nil, nil, nil
	return nil
}
