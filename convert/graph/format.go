package graph

import (
	"fmt"
	"strings"
)

// String renders the graph one line per input, node and output, for
// debugging and converter logs:
//
//	input x float32[1 3 8 8]
//	node 0 Conv "conv1": x, w (const float32[4 3 3 3]) -> y float32[1 4 8 8] {Strides:[1 1] ...}
//	output y float32[1 4 8 8]
func (g *Graph) String() string {
	var b strings.Builder
	consts := 0
	for _, t := range g.Tensors {
		if t.Const != nil {
			consts++
		}
	}
	fmt.Fprintf(&b, "graph %q: %d inputs, %d outputs, %d nodes, %d constants\n", g.Name, len(g.Inputs), len(g.Outputs), len(g.Nodes), consts)
	for _, i := range g.Inputs {
		fmt.Fprintf(&b, "input %s\n", g.tensorString(i))
	}
	for ni, n := range g.Nodes {
		fmt.Fprintf(&b, "node %d %s:", ni, n.Describe())
		for k, i := range n.Inputs {
			if k > 0 {
				b.WriteByte(',')
			}
			b.WriteByte(' ')
			switch {
			case i < 0:
				b.WriteString("-")
			case g.Tensors[i].Const != nil:
				fmt.Fprintf(&b, "%s (const %s)", g.Tensors[i].Name, typeString(g.Tensors[i]))
			default:
				b.WriteString(g.Tensors[i].Name)
			}
		}
		b.WriteString(" ->")
		for k, o := range n.Outputs {
			if k > 0 {
				b.WriteByte(',')
			}
			b.WriteByte(' ')
			if o < 0 {
				b.WriteString("-")
			} else {
				b.WriteString(g.tensorString(o))
			}
		}
		if s := fmt.Sprintf("%+v", n.Op); s != "&{}" {
			b.WriteByte(' ')
			b.WriteString(strings.TrimPrefix(s, "&"))
		}
		b.WriteByte('\n')
	}
	for _, o := range g.Outputs {
		fmt.Fprintf(&b, "output %s\n", g.tensorString(o))
	}
	return b.String()
}

func (g *Graph) tensorString(i int) string {
	t := g.Tensors[i]
	return t.Name + " " + typeString(t)
}

func typeString(t *Tensor) string {
	return fmt.Sprintf("%v%v", t.DType, t.Shape)
}
