package runtime

import "github.com/edgeinfer/edgeinfer/format"

// aliasKind says whether an op's output may share memory with an input.
type aliasKind uint8

const (
	// aliasNone: the output gets its own memory.
	aliasNone aliasKind = iota
	// aliasView: the output is the input reinterpreted (RESHAPE); no kernel runs.
	aliasView
	// aliasInPlace: the kernel computes output element i from input element i
	// only, so the output may overwrite an input that dies at this op.
	aliasInPlace
)

// arenaPlan is where every activation lives in an interpreter's arena.
type arenaPlan struct {
	offset     []int // per tensor: byte offset in the arena, -1 when not in it
	size       int   // arena bytes
	lowerBound int   // the most bytes live at any one op (same buffers)
	strategy   string
	inPlace    []bool // per op: the output overwrites an input
}

// buffer is one block of arena memory: the tensors that share storage
// (RESHAPE views, in-place outputs) live from op first to op last inclusive.
type buffer struct {
	size        int
	first, last int
}

func (b *buffer) overlaps(o *buffer) bool { return b.first <= o.last && o.first <= b.last }

// planArena assigns arena offsets by tensor liveness. Graph inputs live for
// the whole run (so one SetInput serves many Runs) and graph outputs from
// their producer to the end (nothing may overwrite them). Tensors that
// share storage are merged first; then three placement orders are tried
// and the smallest arena kept.
func planArena(m *format.Model, ops []opPlan) arenaPlan {
	n := len(m.Tensors)
	end := max(len(ops)-1, 0)
	first := make([]int, n)
	last := make([]int, n)
	used := make([]bool, n)
	pinned := make([]bool, n) // graph input or output: never overwritten in place
	for t := range first {
		first[t], last[t] = len(ops), -1
	}
	isActivation := func(t int) bool { return t >= 0 && m.Tensors[t].Data == nil }
	for _, t := range m.Inputs {
		used[t], pinned[t] = true, true
		first[t], last[t] = 0, end
	}
	for i := range ops {
		op := &m.Operators[i]
		for _, t := range op.Inputs {
			if isActivation(t) {
				used[t] = true
				last[t] = max(last[t], i)
			}
		}
		for _, t := range ops[i].reads {
			if isActivation(t) {
				used[t] = true
				last[t] = max(last[t], i)
			}
		}
		for _, t := range op.Outputs {
			used[t] = true
			first[t] = min(first[t], i)
			last[t] = max(last[t], i)
		}
	}
	for _, t := range m.Outputs {
		if isActivation(t) {
			used[t], pinned[t] = true, true
			last[t] = end
			if first[t] > last[t] { // an output that no op writes
				first[t] = 0
			}
		}
	}

	// Merge tensors that share storage into groups (union-find; the root
	// carries the group's interval, size and pin).
	parent := make([]int, n)
	size := make([]int, n)
	for t := range parent {
		parent[t] = t
		if used[t] && isActivation(t) {
			size[t] = alignUp(m.Tensors[t].Bytes())
		}
	}
	find := func(t int) int {
		for parent[t] != t {
			parent[t] = parent[parent[t]]
			t = parent[t]
		}
		return t
	}
	union := func(a, b int) {
		a, b = find(a), find(b)
		if a == b {
			return
		}
		parent[b] = a
		first[a] = min(first[a], first[b])
		last[a] = max(last[a], last[b])
		size[a] = max(size[a], size[b])
		pinned[a] = pinned[a] || pinned[b]
	}
	inPlace := make([]bool, len(ops))
	for i := range ops {
		op := &m.Operators[i]
		switch ops[i].alias {
		case aliasView:
			if isActivation(op.Inputs[0]) {
				union(op.Inputs[0], op.Outputs[0])
			}
		case aliasInPlace:
			out := find(op.Outputs[0])
			for _, t := range ops[i].inPlaceInputs {
				if !isActivation(t) {
					continue
				}
				r := find(t)
				if r != out && !pinned[r] && last[r] == i && size[r] == size[out] {
					union(r, out)
					inPlace[i] = true
					break
				}
			}
		}
	}

	bufOf := make([]int, n)
	var bufs []buffer
	for t := range n {
		if !used[t] || !isActivation(t) || find(t) != t {
			continue
		}
		bufOf[t] = len(bufs)
		bufs = append(bufs, buffer{size: size[t], first: first[t], last: last[t]})
	}

	p := arenaPlan{offset: make([]int, n), inPlace: inPlace, lowerBound: liveBound(bufs, end)}
	var best []int
	for _, s := range placementStrategies {
		off, total := s.place(bufs, end)
		if best == nil || total < p.size {
			best, p.size, p.strategy = off, total, s.name
		}
	}
	for t := range n {
		p.offset[t] = -1
		if used[t] && isActivation(t) {
			p.offset[t] = best[bufOf[find(t)]]
		}
	}
	return p
}

// liveBound is the most bytes live at any one op: no placement can use a
// smaller arena.
func liveBound(bufs []buffer, end int) int {
	most := 0
	for t := 0; t <= end; t++ {
		live := 0
		for i := range bufs {
			if bufs[i].first <= t && t <= bufs[i].last {
				live += bufs[i].size
			}
		}
		most = max(most, live)
	}
	return most
}
