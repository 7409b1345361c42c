package runtime

import (
	"fmt"

	"github.com/edgeinfer/edgeinfer/format"
)

// Model is a loaded, planned model: every op resolved to a kernel with its
// parameters, and one arena layout. It is read-only after Load and shared
// by any number of Interpreters.
type Model struct {
	file    *format.File // the mapping weights are read from; nil unless Load
	graph   *format.Model
	consts  [][]byte // per tensor: the constant payload, element-aligned; nil for activations
	ops     []opPlan
	arena   arenaPlan
	variant string
	closed  bool
}

// Load opens a model file (memory-mapped where the OS allows), which
// validates it, and plans it. Close the Model when done; its weights live
// in the mapping.
func Load(path string) (*Model, error) {
	if err := hostSupported(); err != nil {
		return nil, err
	}
	f, err := format.Open(path)
	if err != nil {
		return nil, err
	}
	m, err := plan(f.Model)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m.file = f
	return m, nil
}

// LoadBytes decodes (and so validates) a model held in memory and plans
// it. The Model reads its weights from data, which must stay unchanged
// while the Model is in use.
func LoadBytes(data []byte) (*Model, error) {
	if err := hostSupported(); err != nil {
		return nil, err
	}
	fm, err := format.Decode(data)
	if err != nil {
		return nil, err
	}
	return plan(fm)
}

// LoadModel validates a model built in memory (as Decode would) and plans
// it. The Model keeps m and its payloads; do not change them afterwards.
func LoadModel(m *format.Model) (*Model, error) {
	if err := hostSupported(); err != nil {
		return nil, err
	}
	if err := format.ValidateModel(m); err != nil {
		return nil, err
	}
	return plan(m)
}

// hostSupported rejects hosts the runtime cannot run on.
func hostSupported() error {
	if !littleEndian() {
		return errBigEndian
	}
	return nil
}

// Close releases the model file's mapping. Interpreters of the Model must
// not run after it.
func (m *Model) Close() error {
	m.closed = true
	if m.file == nil {
		return nil
	}
	f := m.file
	m.file = nil
	return f.Close()
}

// Format returns the decoded model (graph, tensors and metadata). It is
// shared; do not modify it.
func (m *Model) Format() *format.Model { return m.graph }

// ArenaBytes is the size of the activation arena each Interpreter allocates.
func (m *Model) ArenaBytes() int { return m.arena.size }

// ArenaLowerBound is the most activation bytes live during any one op,
// counting buffers rounded to 64 bytes and shared (aliased) buffers once:
// no placement of the same buffers fits in less.
func (m *Model) ArenaLowerBound() int { return m.arena.lowerBound }

// ArenaStrategy names the placement order that produced the arena layout.
func (m *Model) ArenaStrategy() string { return m.arena.strategy }

// KernelVariant names the kernel implementation this Model's ops run.
func (m *Model) KernelVariant() string { return m.variant }

// OpInfo describes one planned operator.
type OpInfo struct {
	Index   int
	Name    string
	Op      format.OpCode
	Kernel  string // the kernel function, or "view" for a RESHAPE that aliases its input
	InPlace bool   // the output overwrites a dying input
	MACs    int64  // multiply-accumulates per run (conv and fully connected)
	Inputs  []int  // tensor indices; -1 for an absent optional input
	Outputs []int
}

// Ops describes the planned operators in execution order.
func (m *Model) Ops() []OpInfo {
	infos := make([]OpInfo, len(m.ops))
	for i := range m.ops {
		op := &m.graph.Operators[i]
		infos[i] = OpInfo{
			Index:   i,
			Name:    op.Name,
			Op:      op.Op,
			Kernel:  m.ops[i].kernel,
			InPlace: m.arena.inPlace[i],
			MACs:    m.ops[i].macs,
			Inputs:  append([]int(nil), op.Inputs...),
			Outputs: append([]int(nil), op.Outputs...),
		}
	}
	return infos
}

// MACs is the model's multiply-accumulates per run.
func (m *Model) MACs() int64 {
	var n int64
	for i := range m.ops {
		n += m.ops[i].macs
	}
	return n
}
