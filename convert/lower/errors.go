package lower

import (
	"fmt"
	"strings"
)

// Issue is one node the lowering cannot map to the model format.
type Issue struct {
	NodeIndex int    // index in the graph's node list
	Node      string // the node's description: `Gather "idx"`
	Detail    string
}

func (is Issue) String() string {
	return fmt.Sprintf("node %d %s: %s", is.NodeIndex, is.Node, is.Detail)
}

// UnsupportedError lists every node the lowering cannot map, so that a
// user sees the whole job at once.
type UnsupportedError struct {
	Issues []Issue
}

func (e *UnsupportedError) Error() string {
	var b strings.Builder
	if len(e.Issues) == 1 {
		b.WriteString("lower: 1 node has no equivalent in the model format:")
	} else {
		fmt.Fprintf(&b, "lower: %d nodes have no equivalent in the model format:", len(e.Issues))
	}
	for _, is := range e.Issues {
		b.WriteString("\n  ")
		b.WriteString(is.String())
	}
	return b.String()
}
