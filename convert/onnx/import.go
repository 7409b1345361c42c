// Package onnx imports trained float ONNX models into the converter's IR
// (package graph): it decodes the protobuf (package onnxpb), checks that
// every operator, attribute and element type is supported (reporting all
// problems at once), resolves static shapes, normalizes each opset's
// variant of an op to one IR form, and folds every node whose inputs are
// constants (shape arithmetic, Constant, Shape, weight transposes), using
// the reference interpreter for the arithmetic.
//
// Supported: default-domain operator sets 6 to 21 and the ops listed by
// SupportedOps. Shapes are static: a dynamic first (batch) dim of a graph
// input becomes 1, any other dynamic dim needs Options.InputShapes.
package onnx

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxpb"
)

// The supported range of default-domain operator set versions. Opsets 6
// to 8 are accepted for the older semantics of the ops they share with
// later sets (legacy Add broadcasting, per-channel PRelu, attribute-driven
// Upsample); earlier ones changed too much (consumed_inputs, string Cast).
const (
	MinOpset = 6
	MaxOpset = 21
)

// Options controls the import.
type Options struct {
	// InputShapes overrides the shapes of graph inputs by name. It is
	// required for dynamic dims other than the first, and may fix a
	// dynamic batch to something other than 1. It cannot change a dim the
	// model declares static.
	InputShapes map[string][]int
	// Constants freezes graph inputs to values by name: the input becomes
	// a constant and disappears from the graph's inputs. Its dtype must
	// match the declared one and its shape the declared static dims.
	Constants map[string]*graph.Value
	// BaseDir is the folder external tensor data is read from. Load sets
	// it to the model file's folder; with Import and an empty BaseDir,
	// models with external data are refused.
	BaseDir string
}

// Load reads, decodes and imports the ONNX model at path.
func Load(path string, opts Options) (*graph.Graph, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := onnxpb.DecodeModel(b)
	if err != nil {
		return nil, fmt.Errorf("%s: not a complete ONNX model (truncated or corrupt, %d bytes): %w", path, len(b), err)
	}
	if opts.BaseDir == "" {
		opts.BaseDir = filepath.Dir(path)
	}
	g, err := Import(m, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return g, nil
}

// Import converts a decoded model to the IR. Errors are an
// *UnsupportedError when the model uses features the converter lacks, a
// *ConstantInputError when a parameter input is not constant, and plain
// errors naming the node or tensor for malformed models.
func Import(m *onnxpb.Model, opts Options) (*graph.Graph, error) {
	if m.Graph == nil {
		return nil, errors.New("onnx: model has no graph")
	}
	opset, err := defaultOpset(m)
	if err != nil {
		return nil, err
	}
	imp := &importer{
		m:     m,
		opts:  opts,
		opset: opset,
		g:     &graph.Graph{Name: m.Graph.Name},
		names: make(map[string]int),
		ext:   &externalData{dir: opts.BaseDir},
	}
	defer imp.ext.close()
	return imp.run()
}

func isDefaultDomain(d string) bool { return d == "" || d == "ai.onnx" }

// defaultOpset returns the model's default-domain operator set version.
func defaultOpset(m *onnxpb.Model) (int, error) {
	v := int64(-1)
	for _, o := range m.OpsetImports {
		if isDefaultDomain(o.Domain) {
			if v >= 0 && o.Version != v {
				return 0, fmt.Errorf("onnx: model imports the default domain twice (opsets %d and %d)", v, o.Version)
			}
			v = o.Version
		}
	}
	if v < 0 {
		if len(m.OpsetImports) == 0 && m.IRVersion < 3 {
			// IR version 1 and 2 files predate opset_import and mean
			// opset 1, which is below the supported range anyway.
			v = 1
		} else {
			return 0, noDefaultOpset(m)
		}
	}
	if v < MinOpset || v > MaxOpset {
		return 0, &UnsupportedError{Issues: []Issue{{
			Kind: IssueOpset, NodeIndex: -1, Opset: int(v),
			Detail: fmt.Sprintf("the model uses default-domain opset %d; supported: %d to %d", v, MinOpset, MaxOpset),
		}}}
	}
	return int(v), nil
}

// noDefaultOpset explains a model without a default-domain opset: either
// every node is in another domain (unsupported operators), or the model is
// malformed.
func noDefaultOpset(m *onnxpb.Model) error {
	var issues []Issue
	for i, n := range m.Graph.Nodes {
		if isDefaultDomain(n.Domain) {
			return fmt.Errorf("onnx: node %d %q uses the default domain, which the model does not import", i, n.Name)
		}
		issues = append(issues, Issue{Kind: IssueOperator, NodeIndex: i, NodeName: n.Name, OpType: n.Domain + "." + n.OpType, Detail: "custom domain " + n.Domain})
	}
	if len(issues) == 0 {
		return errors.New("onnx: model imports no default-domain opset")
	}
	return &UnsupportedError{Issues: issues}
}

type importer struct {
	m     *onnxpb.Model
	opts  Options
	opset int
	g     *graph.Graph
	names map[string]int // ONNX value name -> tensor index
	// used holds every value name in the model, so that intermediate
	// tensors get names that cannot collide with a later ONNX value.
	used   map[string]bool
	inputs map[int]bool // tensors that are graph inputs
	ext    *externalData
}

func (imp *importer) isGraphInput(id int) bool { return imp.inputs[id] }

func (imp *importer) tempName(base string) string {
	name := base
	for i := 1; imp.used[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	imp.used[name] = true
	return name
}

func (imp *importer) run() (*graph.Graph, error) {
	mg := imp.m.Graph
	imp.used = make(map[string]bool)
	for _, t := range mg.Initializers {
		imp.used[t.Name] = true
	}
	for _, v := range mg.Inputs {
		imp.used[v.Name] = true
	}
	for _, n := range mg.Nodes {
		for _, o := range n.Outputs {
			imp.used[o] = true
		}
	}
	if issues := imp.check(); len(issues) > 0 {
		return nil, &UnsupportedError{Issues: issues}
	}
	if mg.SparseInitializers > 0 {
		return nil, errors.New("onnx: sparse initializers are not supported")
	}
	if err := imp.initializers(); err != nil {
		return nil, err
	}
	if err := imp.graphInputs(); err != nil {
		return nil, err
	}
	for i, n := range mg.Nodes {
		if err := imp.node(i, n); err != nil {
			return nil, err
		}
	}
	if err := imp.graphOutputs(); err != nil {
		return nil, err
	}
	imp.g.Compact()
	if err := imp.g.Validate(); err != nil {
		return nil, fmt.Errorf("onnx: imported graph is inconsistent: %w", err)
	}
	return imp.g, nil
}

// check lists every unsupported operator, attribute, attribute value and
// element type the model uses, before any conversion work.
func (imp *importer) check() []Issue {
	var issues []Issue
	mg := imp.m.Graph
	used := imp.usedNames()
	for _, t := range mg.Initializers {
		if _, ok := irType(t.DataType); !ok && used[t.Name] {
			issues = append(issues, Issue{Kind: IssueDType, NodeIndex: -1, Detail: fmt.Sprintf("initializer %q has element type %v", t.Name, t.DataType)})
		}
	}
	isInit := imp.initializerNames()
	for _, v := range mg.Inputs {
		if isInit[v.Name] {
			continue
		}
		if v.Type == nil || v.Type.Kind != onnxpb.TypeTensor {
			kind := "no type"
			if v.Type != nil {
				kind = v.Type.Kind.String()
			}
			issues = append(issues, Issue{Kind: IssueDType, NodeIndex: -1, Detail: fmt.Sprintf("graph input %q is a %s, not a tensor", v.Name, kind)})
			continue
		}
		if _, ok := activationType(v.Type.ElemType); !ok {
			issues = append(issues, Issue{Kind: IssueDType, NodeIndex: -1, Detail: fmt.Sprintf("graph input %q has element type %v", v.Name, v.Type.ElemType)})
		}
	}
	for _, v := range mg.Outputs {
		if v.Type != nil && v.Type.Kind == onnxpb.TypeTensor && v.Type.ElemType != onnxpb.Undefined {
			if _, ok := activationType(v.Type.ElemType); !ok {
				issues = append(issues, Issue{Kind: IssueDType, NodeIndex: -1, Detail: fmt.Sprintf("graph output %q has element type %v", v.Name, v.Type.ElemType)})
			}
		}
	}
	for i, n := range mg.Nodes {
		c := imp.nodeCtx(i, n)
		issues = append(issues, c.check()...)
	}
	return issues
}

func (imp *importer) nodeCtx(i int, n *onnxpb.Node) *nodeCtx {
	name := n.Name
	if name == "" {
		name = fmt.Sprintf("%s_%d", n.OpType, i)
	}
	return &nodeCtx{imp: imp, pb: n, index: i, name: name, opset: imp.opset}
}

// check returns the node's static issues: unknown op, op newer than the
// model's opset, unknown attributes, unsupported attribute values.
func (c *nodeCtx) check() []Issue {
	n := c.pb
	if !isDefaultDomain(n.Domain) {
		return []Issue{c.issue(IssueOperator, "custom domain "+n.Domain)}
	}
	spec := opSpecs[n.OpType]
	if spec == nil {
		return []Issue{c.issue(IssueOperator, "")}
	}
	if spec.since > c.opset {
		return []Issue{c.issue(IssueOperator, fmt.Sprintf("%s first appears in opset %d", n.OpType, spec.since))}
	}
	var issues []Issue
	for _, a := range n.Attributes {
		if a.RefAttrName != "" {
			issues = append(issues, c.issue(IssueAttribute, fmt.Sprintf("attribute %q refers to a function attribute", a.Name)))
		} else if !slices.Contains(spec.attrs, a.Name) {
			issues = append(issues, c.issue(IssueAttribute, fmt.Sprintf("attribute %q", a.Name)))
		}
	}
	if spec.check != nil {
		for _, p := range spec.check(c) {
			issues = append(issues, c.issue(p.kind, p.detail))
		}
	}
	return issues
}

// usedNames returns the value names that nodes read or the graph outputs.
func (imp *importer) usedNames() map[string]bool {
	used := make(map[string]bool)
	for _, n := range imp.m.Graph.Nodes {
		for _, in := range n.Inputs {
			used[in] = true
		}
	}
	for _, v := range imp.m.Graph.Outputs {
		used[v.Name] = true
	}
	return used
}

func (imp *importer) initializerNames() map[string]bool {
	m := make(map[string]bool, len(imp.m.Graph.Initializers))
	for _, t := range imp.m.Graph.Initializers {
		m[t.Name] = true
	}
	return m
}

// initializers converts the initializers something reads; unused ones
// (often weights of pruned nodes) are skipped without decoding.
func (imp *importer) initializers() error {
	used := imp.usedNames()
	for i, t := range imp.m.Graph.Initializers {
		if t.Name == "" {
			return fmt.Errorf("onnx: initializer %d has no name", i)
		}
		if _, dup := imp.names[t.Name]; dup {
			return fmt.Errorf("onnx: initializer %q is defined twice", t.Name)
		}
		if _, frozen := imp.opts.Constants[t.Name]; frozen {
			return fmt.Errorf("onnx: Options.Constants names %q, which is an initializer, not a graph input", t.Name)
		}
		if !used[t.Name] {
			imp.names[t.Name] = -1
			continue
		}
		v, err := tensorValue(t, imp.ext)
		if err != nil {
			return fmt.Errorf("onnx: initializer %d: %w", i, err)
		}
		imp.names[t.Name] = imp.g.AddTensor(&graph.Tensor{Name: t.Name, DType: v.DType, Shape: v.Shape, Const: v})
	}
	return nil
}

// graphInputs defines the graph inputs that are not initializers (IR
// versions before 4 list initializers among the inputs; later ones allow
// it to mark overridable defaults, which this converter treats as
// constants).
func (imp *importer) graphInputs() error {
	imp.inputs = make(map[int]bool)
	declared := make(map[string]bool)
	for _, v := range imp.m.Graph.Inputs {
		declared[v.Name] = true
		if _, isInit := imp.names[v.Name]; isInit {
			continue
		}
		if v.Name == "" {
			return errors.New("onnx: graph input without a name")
		}
		shape, err := imp.inputShape(v)
		if err != nil {
			return err
		}
		dt, _ := activationType(v.Type.ElemType) // checked in check()
		if fv, ok := imp.opts.Constants[v.Name]; ok {
			if err := fv.Check(); err != nil {
				return fmt.Errorf("onnx: Options.Constants[%q]: %w", v.Name, err)
			}
			if fv.DType != dt {
				return fmt.Errorf("onnx: Options.Constants[%q] is %v, the input is %v", v.Name, fv.DType, dt)
			}
			if err := matchDeclared(v, fv.Shape); err != nil {
				return fmt.Errorf("onnx: Options.Constants[%q]: %w", v.Name, err)
			}
			imp.names[v.Name] = imp.g.AddTensor(&graph.Tensor{Name: v.Name, DType: dt, Shape: append([]int(nil), fv.Shape...), Const: fv})
			continue
		}
		id := imp.g.AddTensor(&graph.Tensor{Name: v.Name, DType: dt, Shape: shape})
		imp.names[v.Name] = id
		imp.inputs[id] = true
		imp.g.Inputs = append(imp.g.Inputs, id)
	}
	for name := range imp.opts.InputShapes {
		if !declared[name] {
			return fmt.Errorf("onnx: Options.InputShapes names %q, which is not a graph input", name)
		}
	}
	for name := range imp.opts.Constants {
		if !declared[name] {
			return fmt.Errorf("onnx: Options.Constants names %q, which is not a graph input", name)
		}
	}
	return nil
}

// inputShape resolves a graph input's static shape from its declaration
// and Options.InputShapes.
func (imp *importer) inputShape(v *onnxpb.ValueInfo) ([]int, error) {
	override, hasOverride := imp.opts.InputShapes[v.Name]
	if fv, ok := imp.opts.Constants[v.Name]; ok && !hasOverride {
		override, hasOverride = fv.Shape, true
	}
	if hasOverride {
		for _, d := range override {
			if d < 0 {
				return nil, fmt.Errorf("onnx: input %q: shape override %v has a negative dim", v.Name, override)
			}
		}
		if _, err := graph.NumElements(override); err != nil {
			return nil, fmt.Errorf("onnx: input %q: %w", v.Name, err)
		}
		if err := matchDeclared(v, override); err != nil {
			return nil, fmt.Errorf("onnx: input %q: %w", v.Name, err)
		}
		return append([]int(nil), override...), nil
	}
	s := v.Type.Shape
	if s == nil {
		return nil, fmt.Errorf("onnx: input %q has no declared shape; give it one with an input-shape override", v.Name)
	}
	shape := make([]int, len(s.Dims))
	for i, d := range s.Dims {
		switch {
		case d.HasValue && d.Value >= 0 && d.Value <= graph.MaxElements:
			shape[i] = int(d.Value)
		case d.HasValue:
			return nil, fmt.Errorf("onnx: input %q declares dim %d = %d", v.Name, i, d.Value)
		case i == 0:
			shape[i] = 1 // a dynamic batch becomes 1
		default:
			return nil, fmt.Errorf("onnx: input %q has dynamic dim %d (%s) in shape %s; give a static shape with an input-shape override, e.g. %s=%s",
				v.Name, i, d, dimsString(s.Dims), v.Name, exampleShape(s.Dims))
		}
	}
	if _, err := graph.NumElements(shape); err != nil {
		return nil, fmt.Errorf("onnx: input %q: %w", v.Name, err)
	}
	return shape, nil
}

// matchDeclared checks a shape against a declared one: same rank (when
// declared) and the same value for every static dim.
func matchDeclared(v *onnxpb.ValueInfo, shape []int) error {
	if v.Type == nil || v.Type.Shape == nil {
		return nil
	}
	dims := v.Type.Shape.Dims
	if len(dims) != len(shape) {
		return fmt.Errorf("shape %v has rank %d, the model declares %s", shape, len(shape), dimsString(dims))
	}
	for i, d := range dims {
		if d.HasValue && int64(shape[i]) != d.Value {
			return fmt.Errorf("shape %v conflicts with the model's declared %s at dim %d", shape, dimsString(dims), i)
		}
	}
	return nil
}

func dimsString(dims []onnxpb.Dim) string {
	s := "["
	for i, d := range dims {
		if i > 0 {
			s += " "
		}
		s += d.String()
	}
	return s + "]"
}

func exampleShape(dims []onnxpb.Dim) string {
	s := ""
	for i, d := range dims {
		if i > 0 {
			s += ","
		}
		switch {
		case d.HasValue:
			s += fmt.Sprint(d.Value)
		case i == 0:
			s += "1"
		default:
			s += "N"
		}
	}
	return s
}

func (imp *importer) node(i int, n *onnxpb.Node) error {
	c := imp.nodeCtx(i, n)
	if err := opSpecs[n.OpType].convert(c); err != nil {
		return err
	}
	for k, o := range n.Outputs {
		if _, ok := imp.names[o]; o != "" && !ok {
			return c.errf("output %d %q: the op has no such output", k, o)
		}
	}
	return nil
}

// graphOutputs binds the graph outputs and checks them against their
// declared types and static dims, which catches both stale declarations
// and inference bugs.
func (imp *importer) graphOutputs() error {
	if len(imp.m.Graph.Outputs) == 0 {
		return errors.New("onnx: graph has no outputs")
	}
	for _, v := range imp.m.Graph.Outputs {
		id, ok := imp.names[v.Name]
		if !ok {
			return fmt.Errorf("onnx: graph output %q is never computed", v.Name)
		}
		t := imp.g.Tensors[id]
		if v.Type != nil && v.Type.Kind == onnxpb.TypeTensor {
			if et := v.Type.ElemType; et != onnxpb.Undefined && et != onnxType(t.DType) {
				return fmt.Errorf("onnx: graph output %q is declared %v, computes %v", v.Name, et, t.DType)
			}
			if s := v.Type.Shape; s != nil {
				if len(s.Dims) != len(t.Shape) {
					return fmt.Errorf("onnx: graph output %q is declared %s, computes %v", v.Name, dimsString(s.Dims), t.Shape)
				}
				for i, d := range s.Dims {
					if d.HasValue && d.Value != int64(t.Shape[i]) {
						return fmt.Errorf("onnx: graph output %q is declared %s, computes %v", v.Name, dimsString(s.Dims), t.Shape)
					}
				}
			}
		}
		imp.g.Outputs = append(imp.g.Outputs, id)
	}
	return nil
}
