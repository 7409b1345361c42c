package runtime

import "github.com/edgeinfer/edgeinfer/format"

// tensorUse counts, for every tensor of g, the ops that read it (a graph
// output counts as one more reader: the caller's) and names the op that
// writes it (-1: a constant or graph input). Ops absorbed by an earlier
// fusion read nothing: their outputs are never read, so they run nothing.
// The fusions use it to find an op's only reader.
func tensorUse(g *format.Model, ops []opPlan) (readers, producer []int) {
	readers = make([]int, len(g.Tensors))
	for j := range g.Operators {
		if ops[j].absorbed {
			continue
		}
		for _, t := range g.Operators[j].Inputs {
			if t >= 0 {
				readers[t]++
			}
		}
	}
	for _, t := range g.Outputs {
		readers[t]++
	}
	producer = make([]int, len(g.Tensors))
	for t := range producer {
		producer[t] = -1
	}
	for i := range g.Operators {
		for _, t := range g.Operators[i].Outputs {
			producer[t] = i
		}
	}
	return readers, producer
}
