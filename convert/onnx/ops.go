package onnx

import (
	"fmt"
	"slices"
	"sort"

	"github.com/edgeinfer/edgeinfer/convert/graph"
	"github.com/edgeinfer/edgeinfer/convert/onnx/onnxpb"
)

// opSpec describes how the importer handles one ONNX op type.
type opSpec struct {
	// since is the first default-domain opset the converter accepts the
	// op in.
	since int
	// attrs lists every attribute name the op has in any supported opset;
	// anything else is reported as unsupported rather than ignored.
	attrs []string
	// check returns static problems (unsupported attribute values,
	// training mode) without needing shapes.
	check func(c *nodeCtx) []problem
	// convert emits the op's IR.
	convert func(c *nodeCtx) error
}

type problem struct {
	kind   IssueKind
	detail string
}

var opSpecs map[string]*opSpec

func init() {
	windowAttrs := []string{"auto_pad", "dilations", "kernel_shape", "pads", "strides"}
	opSpecs = map[string]*opSpec{
		"Conv":               {1, append([]string{"group"}, windowAttrs...), checkAutoPad, convertConv},
		"Gemm":               {1, []string{"alpha", "beta", "transA", "transB", "broadcast"}, nil, convertGemm},
		"MatMul":             {1, nil, nil, convertMatMul},
		"Add":                {1, []string{"broadcast", "axis"}, nil, convertBinary},
		"Sub":                {1, []string{"broadcast", "axis"}, nil, convertBinary},
		"Mul":                {1, []string{"broadcast", "axis"}, nil, convertBinary},
		"Div":                {1, []string{"broadcast", "axis"}, nil, convertBinary},
		"BatchNormalization": {1, []string{"epsilon", "momentum", "spatial", "is_test", "training_mode"}, checkBatchNorm, convertBatchNorm},
		"Relu":               {1, nil, nil, convertUnary},
		"Sigmoid":            {1, nil, nil, convertUnary},
		"Tanh":               {1, nil, nil, convertUnary},
		"HardSwish":          {14, nil, nil, convertUnary},
		"Clip":               {1, []string{"min", "max"}, nil, convertClip},
		"LeakyRelu":          {1, []string{"alpha"}, nil, convertLeakyRelu},
		"HardSigmoid":        {1, []string{"alpha", "beta"}, nil, convertHardSigmoid},
		"PRelu":              {1, nil, nil, convertPRelu},
		"MaxPool":            {1, append([]string{"ceil_mode", "storage_order"}, windowAttrs...), checkPool, convertMaxPool},
		"AveragePool":        {1, append([]string{"ceil_mode", "count_include_pad"}, windowAttrs...), checkPool, convertAveragePool},
		"GlobalAveragePool":  {1, nil, nil, convertGlobalPool},
		"GlobalMaxPool":      {1, nil, nil, convertGlobalPool},
		"ReduceMean":         {1, []string{"axes", "keepdims", "noop_with_empty_axes"}, nil, convertReduce},
		"ReduceMax":          {1, []string{"axes", "keepdims", "noop_with_empty_axes"}, nil, convertReduce},
		"Flatten":            {1, []string{"axis"}, nil, convertFlatten},
		"Reshape":            {5, []string{"allowzero"}, nil, convertReshape},
		"Transpose":          {1, []string{"perm"}, nil, convertTranspose},
		"Squeeze":            {1, []string{"axes"}, nil, convertSqueeze},
		"Unsqueeze":          {1, []string{"axes"}, nil, convertUnsqueeze},
		"Concat":             {4, []string{"axis"}, nil, convertConcat},
		"Split":              {2, []string{"axis", "split", "num_outputs"}, nil, convertSplit},
		"Slice":              {1, []string{"starts", "ends", "axes"}, nil, convertSlice},
		"Pad":                {2, []string{"mode", "pads", "value"}, checkPad, convertPad},
		"Softmax":            {1, []string{"axis"}, nil, convertSoftmax},
		"LogSoftmax":         {1, []string{"axis"}, nil, convertSoftmax},
		"LRN":                {1, []string{"alpha", "beta", "bias", "size"}, nil, convertLRN},
		"Resize": {10, []string{"antialias", "axes", "coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside",
			"extrapolation_value", "keep_aspect_ratio_policy", "mode", "nearest_mode"}, checkResize, convertResize},
		"Upsample":         {7, []string{"mode", "scales"}, checkUpsample, convertUpsample},
		"Constant":         {1, []string{"value", "value_float", "value_floats", "value_int", "value_ints", "sparse_value", "value_string", "value_strings"}, checkConstant, convertConstant},
		"Dropout":          {1, []string{"ratio", "is_test", "seed"}, checkDropout, convertDropout},
		"Identity":         {1, nil, nil, convertIdentity},
		"Shape":            {1, []string{"start", "end"}, nil, convertShape},
		"Gather":           {1, []string{"axis"}, nil, convertGather},
		"Cast":             {6, []string{"to", "saturate"}, checkCast, convertCast},
		"ConstantOfShape":  {9, []string{"value"}, checkConstantOfShape, convertConstantOfShape},
		"QuantizeLinear":   {10, []string{"axis", "saturate", "block_size", "output_dtype"}, checkQuant, convertQuantizeLinear},
		"DequantizeLinear": {10, []string{"axis", "block_size"}, checkQuant, convertDequantizeLinear},
	}
}

// SupportedOps returns the supported ONNX op types, sorted.
func SupportedOps() []string {
	ops := make([]string, 0, len(opSpecs))
	for name := range opSpecs {
		ops = append(ops, name)
	}
	sort.Strings(ops)
	return ops
}

// attrProblem turns an attribute read error into a problem so that check
// functions can report malformed attributes alongside unsupported ones.
func attrProblem(err error) []problem {
	return []problem{{IssueAttribute, err.Error()}}
}

// oneOf checks a string attribute against the supported values.
func (c *nodeCtx) oneOf(name, def string, supported ...string) []problem {
	v, err := c.attrString(name, def)
	if err != nil {
		return attrProblem(err)
	}
	if !slices.Contains(supported, v) {
		return []problem{{IssueAttribute, fmt.Sprintf("%s %q (supported: %q)", name, v, supported)}}
	}
	return nil
}

func checkAutoPad(c *nodeCtx) []problem {
	return c.oneOf("auto_pad", "NOTSET", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID", "")
}

func checkPool(c *nodeCtx) []problem {
	p := checkAutoPad(c)
	if so, err := c.attrInt("storage_order", 0); err != nil {
		p = append(p, attrProblem(err)...)
	} else if so != 0 && so != 1 {
		p = append(p, problem{IssueAttribute, fmt.Sprintf("storage_order %d", so)})
	}
	return p
}

func checkBatchNorm(c *nodeCtx) []problem {
	var p []problem
	if c.opset >= 14 {
		if tm, err := c.attrInt("training_mode", 0); err != nil {
			p = append(p, attrProblem(err)...)
		} else if tm != 0 {
			p = append(p, problem{IssueAttribute, "training_mode=1 (training); only inference is supported"})
		}
	}
	if c.opset < 7 {
		if it, err := c.attrInt("is_test", 0); err != nil {
			p = append(p, attrProblem(err)...)
		} else if it == 0 {
			p = append(p, problem{IssueAttribute, "is_test=0 (training); only inference is supported"})
		}
	}
	if c.opset < 9 {
		if sp, err := c.attrInt("spatial", 1); err != nil {
			p = append(p, attrProblem(err)...)
		} else if sp != 1 {
			p = append(p, problem{IssueAttribute, "spatial=0 (per-activation statistics)"})
		}
	}
	for k := 1; k < len(c.pb.Outputs); k++ {
		if c.pb.Outputs[k] != "" {
			p = append(p, problem{IssueAttribute, "training outputs (running or saved mean and variance) requested; only inference is supported"})
			break
		}
	}
	return p
}

func checkPad(c *nodeCtx) []problem {
	return c.oneOf("mode", "constant", "constant", "reflect", "edge", "wrap")
}

func checkResize(c *nodeCtx) []problem {
	var p []problem
	p = append(p, c.oneOf("mode", "nearest", "nearest", "linear", "cubic")...)
	if c.opset >= 11 {
		p = append(p, c.oneOf("coordinate_transformation_mode", "half_pixel",
			"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_crop_and_resize", "half_pixel_symmetric", "tf_half_pixel_for_nn")...)
		p = append(p, c.oneOf("nearest_mode", "round_prefer_floor", "round_prefer_floor", "round_prefer_ceil", "floor", "ceil")...)
		p = append(p, c.oneOf("keep_aspect_ratio_policy", "stretch", "stretch", "not_larger", "not_smaller")...)
	} else if m, _ := c.attrString("mode", "nearest"); m == "cubic" {
		p = append(p, problem{IssueAttribute, `mode "cubic" before opset 11`})
	}
	if aa, err := c.attrInt("antialias", 0); err != nil {
		p = append(p, attrProblem(err)...)
	} else if aa != 0 {
		p = append(p, problem{IssueAttribute, "antialias=1"})
	}
	return p
}

func checkUpsample(c *nodeCtx) []problem {
	return c.oneOf("mode", "nearest", "nearest", "linear")
}

func checkConstant(c *nodeCtx) []problem {
	for _, name := range []string{"sparse_value", "value_string", "value_strings"} {
		if c.pb.Attribute(name) != nil {
			return []problem{{IssueAttribute, name}}
		}
	}
	if a := c.pb.Attribute("value"); a != nil && a.T != nil {
		if _, ok := irType(a.T.DataType); !ok {
			return []problem{{IssueDType, fmt.Sprintf("constant of element type %v", a.T.DataType)}}
		}
	}
	return nil
}

func checkConstantOfShape(c *nodeCtx) []problem {
	if a := c.pb.Attribute("value"); a != nil && a.T != nil {
		if _, ok := activationType(a.T.DataType); !ok {
			return []problem{{IssueDType, fmt.Sprintf("value of element type %v", a.T.DataType)}}
		}
	}
	return nil
}

func checkDropout(c *nodeCtx) []problem {
	if c.opset < 7 {
		if it, err := c.attrInt("is_test", 0); err != nil {
			return attrProblem(err)
		} else if it == 0 {
			return []problem{{IssueAttribute, "is_test=0 (training); only inference is supported"}}
		}
	}
	return nil
}

func checkCast(c *nodeCtx) []problem {
	to, err := c.attrInt("to", -1)
	if err != nil {
		return attrProblem(err)
	}
	if _, ok := activationType(onnxpb.DataType(to)); !ok {
		return []problem{{IssueDType, fmt.Sprintf("cast to %v", onnxpb.DataType(to))}}
	}
	return nil
}

func checkQuant(c *nodeCtx) []problem {
	var p []problem
	if bs, err := c.attrInt("block_size", 0); err != nil {
		p = append(p, attrProblem(err)...)
	} else if bs != 0 {
		p = append(p, problem{IssueAttribute, fmt.Sprintf("block_size %d (blocked quantization)", bs)})
	}
	if od, err := c.attrInt("output_dtype", 0); err != nil {
		p = append(p, attrProblem(err)...)
	} else if od != 0 {
		if dt, ok := irType(onnxpb.DataType(od)); !ok || !isQuantType(dt) {
			p = append(p, problem{IssueDType, fmt.Sprintf("output_dtype %v", onnxpb.DataType(od))})
		}
	}
	return p
}

func isQuantType(dt graph.DType) bool {
	switch dt {
	case graph.Int8, graph.Uint8, graph.Int16, graph.Uint16:
		return true
	}
	return false
}
