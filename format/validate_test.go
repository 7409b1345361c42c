package format

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// A rule case breaks one rule of a valid model and names the error it
// must give: every substring of want, which include the operator and
// tensor the error must point at.
type rule struct {
	name   string
	base   func() *Model
	mutate func(m *Model)
	want   []string
}

func checkRules(t *testing.T, rules []rule) {
	t.Helper()
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			m := r.base()
			r.mutate(m)
			err := ValidateModel(m)
			if err == nil {
				t.Fatalf("ValidateModel accepted the model; want an error containing %q", r.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrVersion) {
				t.Errorf("error %v wraps neither ErrInvalid nor ErrVersion", err)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("error spans lines: %q", msg)
			}
			for _, w := range r.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error\n\t%s\ndoes not contain\n\t%s", msg, w)
				}
			}
			// Encode validates first, so it must refuse the same model.
			if _, err := Encode(m); err == nil || err.Error() != msg {
				t.Errorf("Encode error %v, want the ValidateModel error", err)
			}
		})
	}
}

// Locations in int8Model and floatModel used by the cases below.
const (
	opQuantize = `format: operator 0 "quantize" (QUANTIZE)`
	opConv1    = `format: operator 1 "conv1" (CONV_2D)`
	opDW       = `format: operator 2 "dw" (CONV_2D)`
	opMaxPool  = `format: operator 3 "maxpool" (MAX_POOL_2D)`
	opAvgPool  = `format: operator 4 "avgpool" (AVERAGE_POOL_2D)`
	opAdd      = `format: operator 5 "add" (ADD)`
	opMean     = `format: operator 8 "mean" (MEAN)`
	opRMax     = `format: operator 9 "reducemax" (REDUCE_MAX)`
	opFlatMax  = `format: operator 10 "flatmax" (RESHAPE)`
	opConcat   = `format: operator 12 "concat" (CONCATENATION)`
	opFC       = `format: operator 13 "fc" (FULLY_CONNECTED)`
	opSoftmax  = `format: operator 14 "softmax" (SOFTMAX)`
	opDequant  = `format: operator 15 "dequantize" (DEQUANTIZE)`

	opPad       = `format: operator 0 "pad" (PAD)`
	opToNCHW    = `format: operator 1 "to_nchw" (TRANSPOSE)`
	opSlice     = `format: operator 2 "slice" (SLICE)`
	opResize    = `format: operator 4 "resize" (RESIZE)`
	opRelu      = `format: operator 5 "relu" (CLAMP)`
	opLeaky     = `format: operator 6 "leaky" (LEAKY_RELU)`
	opPRelu     = `format: operator 7 "prelu" (PRELU)`
	opHSigmoid  = `format: operator 9 "hsigmoid" (HARD_SIGMOID)`
	opLRN       = `format: operator 12 "lrn" (LRN)`
	opLogSM     = `format: operator 15 "logsoftmax" (LOG_SOFTMAX)`
	opFloatMean = `format: operator 18 "mean" (MEAN)`
	opFSoftmax  = `format: operator 19 "softmax" (SOFTMAX)`
	opQuantF    = `format: operator 20 "quantize" (QUANTIZE)`
)

func TestValidateTensors(t *testing.T) {
	checkRules(t, []rule{
		{"unknown dtype", int8Model, func(m *Model) { m.Tensors[4].DType = 7 },
			[]string{`format: tensor 4 "conv1": unknown dtype 7`}},
		{"rank above 6", floatModel, func(m *Model) { m.Tensors[1].Shape = []int{1, 1, 6, 6, 2, 1, 1} },
			[]string{`tensor 1 "pad": shape [1 1 6 6 2 1 1]: rank 7 is above the maximum 6`}},
		{"negative dimension", floatModel, func(m *Model) { m.Tensors[1].Shape = []int{1, -6, -6, 2} },
			[]string{`tensor 1 "pad": shape [1 -6 -6 2]: dimension 1 is -6`}},
		{"too many elements", floatModel, func(m *Model) { m.Tensors[1].Shape = []int{65536, 65536, 0} },
			[]string{`tensor 1 "pad": shape [65536 65536 0] has more than 2147483647 elements`}},
		{"too many bytes", floatModel, func(m *Model) { m.Tensors[1].Shape = []int{1 << 29} },
			[]string{`tensor 1 "pad": shape [536870912] of float32 is 2147483648 bytes; a tensor must stay below 2 GiB`}},
		{"payload length", int8Model, func(m *Model) { m.Tensors[3].Data = m.Tensors[3].Data[:28] },
			[]string{`tensor 3 "conv1.bias": the constant holds 28 bytes, but shape [8] of int32 needs 32`}},
		{"int8 without quantization", int8Model, func(m *Model) { m.Tensors[6].Quant = nil },
			[]string{`tensor 6 "dw": int8 tensor has no quantization parameters`}},
		{"uint8 without quantization", int8Model, func(m *Model) { m.Tensors[0].Quant = nil },
			[]string{`tensor 0 "image": uint8 tensor has no quantization parameters`}},
		{"float with quantization", int8Model, func(m *Model) { m.Tensors[22].Quant = perTensor(1, 0) },
			[]string{`tensor 22 "probabilities": float32 tensor has quantization parameters`}},
		{"no scale", int8Model, func(m *Model) { m.Tensors[6].Quant = &Quant{Axis: -1} },
			[]string{`tensor 6 "dw": quantization has no scale`}},
		{"zero point count", int8Model, func(m *Model) { m.Tensors[6].Quant.ZeroPoint = nil },
			[]string{`tensor 6 "dw": quantization has 1 scales but 0 zero points`}},
		{"zero scale", int8Model, func(m *Model) { m.Tensors[6].Quant.Scale[0] = 0 },
			[]string{`tensor 6 "dw": quantization scale 0 is 0; scales must be finite and positive`}},
		{"negative scale", int8Model, func(m *Model) { m.Tensors[2].Quant.Scale[3] = -0.5 },
			[]string{`tensor 2 "conv1.weight": quantization scale 3 is -0.5`}},
		{"NaN scale", int8Model, func(m *Model) { m.Tensors[6].Quant.Scale[0] = float32(math.NaN()) },
			[]string{`tensor 6 "dw": quantization scale 0 is NaN`}},
		{"infinite scale", int8Model, func(m *Model) { m.Tensors[6].Quant.Scale[0] = float32(math.Inf(1)) },
			[]string{`tensor 6 "dw": quantization scale 0 is +Inf`}},
		{"int8 zero point range", int8Model, func(m *Model) { m.Tensors[6].Quant.ZeroPoint[0] = 128 },
			[]string{`tensor 6 "dw": quantization zero point 0 is 128, outside the int8 range [-128, 127]`}},
		{"uint8 zero point range", int8Model, func(m *Model) { m.Tensors[0].Quant.ZeroPoint[0] = -1 },
			[]string{`tensor 0 "image": quantization zero point 0 is -1, outside the uint8 range [0, 255]`}},
		{"per-tensor with two scales", int8Model, func(m *Model) {
			m.Tensors[6].Quant = &Quant{Scale: []float32{1, 2}, ZeroPoint: []int32{0, 0}, Axis: -1}
		}, []string{`tensor 6 "dw": per-tensor quantization (axis -1) has 2 scales`}},
		{"axis past rank", int8Model, func(m *Model) { m.Tensors[2].Quant.Axis = 4 },
			[]string{`tensor 2 "conv1.weight": quantization axis 4 is out of range for shape [8 3 3 3]`}},
		{"axis below -1", int8Model, func(m *Model) { m.Tensors[2].Quant.Axis = -2 },
			[]string{`tensor 2 "conv1.weight": quantization axis -2 is out of range`}},
		{"per-channel activation", int8Model, func(m *Model) {
			m.Tensors[6].Quant = &Quant{Scale: make8(0.1), ZeroPoint: make([]int32, 8), Axis: 3}
		}, []string{`tensor 6 "dw": activations are quantized per tensor, but this one is quantized along axis 3`}},
		{"per-channel count", int8Model, func(m *Model) { m.Tensors[2].Quant.Axis = 1 },
			[]string{`tensor 2 "conv1.weight": per-channel quantization along axis 1 has 8 scales, but shape [8 3 3 3] has 3 channels there`}},
		{"per-channel zero point", int8Model, func(m *Model) { m.Tensors[2].Quant.ZeroPoint[2] = 1 },
			[]string{`tensor 2 "conv1.weight": per-channel zero point 2 is 1; per-channel quantization is symmetric`}},
	})
}

func make8(s float32) []float32 { return []float32{s, s, s, s, s, s, s, s} }

func TestValidateOperators(t *testing.T) {
	checkRules(t, []rule{
		{"unknown opcode", int8Model, func(m *Model) { m.Operators[0].Op = 99 },
			[]string{`format: operator 0 "quantize" (opcode(99)): unknown opcode`}},
		{"two outputs", int8Model, func(m *Model) { m.Operators[0].Outputs = []int{1, 4} },
			[]string{opQuantize + `: has 2 outputs; every operator has exactly one`}},
		{"no outputs", int8Model, func(m *Model) { m.Operators[0].Outputs = nil },
			[]string{opQuantize + `: has 0 outputs`}},
		{"too few inputs", int8Model, func(m *Model) { m.Operators[5].Inputs = m.Operators[5].Inputs[:1] },
			[]string{opAdd + `: has 1 inputs; ADD takes 2`}},
		{"too many inputs", int8Model, func(m *Model) { m.Operators[1].Inputs = append(m.Operators[1].Inputs, 3) },
			[]string{opConv1 + `: has 4 inputs; CONV_2D takes 2 or 3`}},
		{"concat without inputs", int8Model, func(m *Model) { m.Operators[12].Inputs = nil },
			[]string{opConcat + `: has 0 inputs; CONCATENATION takes at least 1`}},
		{"absent required input", int8Model, func(m *Model) { m.Operators[5].Inputs[1] = -1 },
			[]string{opAdd + `: input 1: is absent (-1), but only an optional input may be`}},
		{"absent weights", int8Model, func(m *Model) { m.Operators[1].Inputs[1] = -1 },
			[]string{opConv1 + `: input 1: is absent (-1)`}},
		{"input index too large", int8Model, func(m *Model) { m.Operators[5].Inputs[1] = 99 },
			[]string{opAdd + `: input 1: tensor index 99 is out of range (the model has 24 tensors)`}},
		{"input index negative", int8Model, func(m *Model) { m.Operators[5].Inputs[0] = -7 },
			[]string{opAdd + `: input 0: tensor index -7 is out of range`}},
		{"output index out of range", int8Model, func(m *Model) { m.Operators[5].Outputs[0] = 24 },
			[]string{opAdd + `: output 0: tensor index 24 is out of range (the model has 24 tensors)`}},
		{"read before write", int8Model, func(m *Model) {
			m.Operators[1], m.Operators[2] = m.Operators[2], m.Operators[1]
		}, []string{`format: operator 1 "dw" (CONV_2D): input 0 tensor 4 "conv1": is not a constant, not a graph input and not the output of an earlier operator`}},
		{"cycle through itself", int8Model, func(m *Model) { m.Operators[5].Inputs[0] = 10 },
			[]string{opAdd + `: input 0 tensor 10 "add": is not a constant, not a graph input and not the output of an earlier operator`}},
		{"dangling activation", int8Model, func(m *Model) {
			m.Tensors = append(m.Tensors, Tensor{Name: "ghost", Shape: []int{8}, DType: Int8, Quant: perTensor(1, 0)})
			m.Operators[5].Inputs[1] = 24
		}, []string{opAdd + `: input 1 tensor 24 "ghost": is not a constant, not a graph input and not the output of an earlier operator`}},
		{"written twice", int8Model, func(m *Model) { m.Operators[3].Outputs[0] = 6 },
			[]string{opMaxPool + `: output 0 tensor 6 "dw": is already written by operator 2 "dw" (CONV_2D)`}},
		{"writes a constant", int8Model, func(m *Model) { m.Operators[5].Outputs[0] = 9 },
			[]string{opAdd + `: output 0 tensor 9 "addend": is a constant; operators write activations`}},
		{"writes a graph input", int8Model, func(m *Model) { m.Operators[5].Outputs[0] = 0 },
			[]string{opAdd + `: output 0 tensor 0 "image": is a graph input; operators may not write graph inputs`}},
		{"empty operand", int8Model, func(m *Model) { m.Tensors[13].Shape = []int{1, 0, 1, 8} },
			[]string{opMean + `: output 0 tensor 13 "mean": shape [1 0 1 8] has no elements`}},
		{"per-channel data operand", int8Model, func(m *Model) {
			m.Tensors[9].Quant = &Quant{Scale: make8(0.1), ZeroPoint: make([]int32, 8), Axis: 0}
		}, []string{opAdd + `: input 1 tensor 9 "addend": is quantized per channel (axis 0); ADD needs per-tensor quantization here`}},
		{"wrong options type", int8Model, func(m *Model) { m.Operators[1].Options = &ClampOptions{} },
			[]string{opConv1 + `: options are ClampOptions; CONV_2D takes Conv2DOptions`}},
		{"options where none belong", int8Model, func(m *Model) { m.Operators[10].Options = &ConcatOptions{} },
			[]string{opFlatMax + `: options are ConcatOptions; RESHAPE takes none`}},
		{"missing options", int8Model, func(m *Model) { m.Operators[5].Options = nil },
			[]string{opAdd + `: options are none; ADD takes ElementwiseOptions`}},
		{"nil options pointer", int8Model, func(m *Model) { m.Operators[1].Options = (*Conv2DOptions)(nil) },
			[]string{opConv1 + `: options are a nil *Conv2DOptions`}},
		{"foreign options type", int8Model, func(m *Model) { m.Operators[1].Options = Conv2DOptions{} },
			[]string{opConv1 + `: options are format.Conv2DOptions; CONV_2D takes Conv2DOptions`}},
	})
}

func TestValidateConv2D(t *testing.T) {
	conv := func(m *Model) *Conv2DOptions { return m.Operators[1].Options.(*Conv2DOptions) }
	dw := func(m *Model) *Conv2DOptions { return m.Operators[2].Options.(*Conv2DOptions) }
	checkRules(t, []rule{
		{"weights rank", int8Model, func(m *Model) {
			m.Tensors[2].Shape = []int{8, 9, 3}
			m.Tensors[2].Quant.Axis = 0
		}, []string{opConv1 + `: input 1 tensor 2 "conv1.weight": shape [8 9 3]; CONV_2D needs rank 4`}},
		{"output rank", floatModel, func(m *Model) { m.Tensors[21].Shape = []int{4, 6, 3} },
			[]string{`operator 16 "conv" (CONV_2D): output 0 tensor 21 "conv": shape [4 6 3]; CONV_2D needs rank 4`}},
		{"weights not constant", int8Model, func(m *Model) {
			w := &m.Tensors[2]
			w.Data, w.Quant = nil, perTensor(0.01, 0)
			m.Inputs = append(m.Inputs, 2)
		}, []string{opConv1 + `: input 1 tensor 2 "conv1.weight": must be a constant`}},
		{"bias type", int8Model, func(m *Model) { m.Tensors[3].DType = Float32 },
			[]string{opConv1 + `: operand types (int8, int8, float32) -> int8; CONV_2D takes (float32, float32, float32) -> float32 or (int8, int8, int32) -> int8`}},
		{"float weights in int8 conv", int8Model, func(m *Model) {
			m.Tensors[5].DType, m.Tensors[5].Quant = Uint8, perTensor(0.01, 0)
		}, []string{opDW + `: operand types (int8, uint8, none) -> int8`}},
		{"bias shape", int8Model, func(m *Model) { m.Tensors[3].Shape = []int{1, 8} },
			[]string{opConv1 + `: input 2 tensor 3 "conv1.bias": shape [1 8]; the bias needs one value per output channel: [8]`}},
		{"weights axis", int8Model, func(m *Model) {
			m.Tensors[2].Quant = &Quant{Scale: []float32{1, 1, 1}, ZeroPoint: []int32{0, 0, 0}, Axis: 3}
		}, []string{opConv1 + `: input 1 tensor 2 "conv1.weight": is quantized along axis 3; weights are quantized per tensor or per output channel (axis 0)`}},
		{"asymmetric weights", int8Model, func(m *Model) { m.Tensors[5].Quant.ZeroPoint[0] = 3 },
			[]string{opDW + `: input 1 tensor 5 "dw.weight": zero point 0 is 3; int8 weights are symmetric (zero point 0)`}},
		{"weight -128", int8Model, func(m *Model) {
			m.Tensors[2].Data = append([]byte(nil), m.Tensors[2].Data...)
			m.Tensors[2].Data[5] = 0x80
		}, []string{opConv1 + `: input 1 tensor 2 "conv1.weight": weight 5 is -128; int8 weights lie in [-127, 127]`}},
		{"stride 0", int8Model, func(m *Model) { conv(m).StrideH = 0 },
			[]string{opConv1 + `: stride_h 0 is out of range [1, 1048576]`}},
		{"dilation too large", int8Model, func(m *Model) { conv(m).DilationW = 1<<20 + 1 },
			[]string{opConv1 + `: dilation_w 1048577 is out of range [1, 1048576]`}},
		{"negative pad", int8Model, func(m *Model) { conv(m).PadRight = -1 },
			[]string{opConv1 + `: pad_right -1 is out of range [0, 1048576]`}},
		{"unknown activation", int8Model, func(m *Model) { conv(m).Act.Kind = 9 },
			[]string{opConv1 + `: unknown fused activation 9`}},
		{"clamp not an interval", int8Model, func(m *Model) { dw(m).Act = Activation{Kind: ActClamp, Min: 3, Max: -1} },
			[]string{opDW + `: fused clamp [3, -1] is not an interval`}},
		{"clamp NaN", int8Model, func(m *Model) { dw(m).Act.Max = float32(math.NaN()) },
			[]string{opDW + `: fused clamp [-1, NaN] is not an interval`}},
		{"groups do not divide", int8Model, func(m *Model) { dw(m).Groups = 3 },
			[]string{opDW + `: groups 3 must divide both the 8 input and the 8 output channels`}},
		{"groups 0", int8Model, func(m *Model) { conv(m).Groups = 0 },
			[]string{opConv1 + `: groups 0 must divide`}},
		{"channels per group", int8Model, func(m *Model) { dw(m).Groups = 4 },
			[]string{opDW + `: input 1 tensor 5 "dw.weight": shape [8 3 3 1]: OHWI weights need 2 input channels per group (8 channels / 4 groups), not 1`}},
		{"output shape", int8Model, func(m *Model) { conv(m).StrideH, conv(m).StrideW = 2, 2 },
			[]string{opConv1 + `: output 0 tensor 4 "conv1": shape [1 8 8 8]; input [1 8 8 3] with weights [8 3 3 3], strides 2x2, dilations 1x1 and pads 1,1,1,1 (top, left, bottom, right) gives [1 4 4 8]`}},
		{"window larger than input", int8Model, func(m *Model) { conv(m).DilationH = 5 },
			[]string{opConv1 + `: the window spans 11 along the height (kernel 3, dilation 5), more than the padded input's 10`}},
	})
}

func TestValidateFullyConnected(t *testing.T) {
	checkRules(t, []rule{
		{"weights rank", int8Model, func(m *Model) { m.Tensors[18].Shape = []int{5, 17, 1} },
			[]string{opFC + `: input 1 tensor 18 "fc.weight": shape [5 17 1]; FULLY_CONNECTED needs rank 2`}},
		{"rows", int8Model, func(m *Model) {
			m.Tensors[18].Shape, m.Tensors[18].Quant = []int{17, 5}, perTensor(0.01, 0)
			m.Operators[13].Inputs[2] = -1
		}, []string{opFC + `: input 0 tensor 17 "concat": shape [1 17] (17 elements) does not split into rows of 5, the input size of weights [17 5]`}},
		{"output shape", int8Model, func(m *Model) { m.Tensors[20].Shape = []int{5, 1} },
			[]string{opFC + `: output 0 tensor 20 "fc": shape [5 1]; 1 rows of 17 times weights [5 17] gives [1 5]`}},
		{"bias shape", int8Model, func(m *Model) { m.Tensors[19].Shape = []int{1, 5} },
			[]string{opFC + `: input 2 tensor 19 "fc.bias": shape [1 5]; the bias needs one value per output channel: [5]`}},
		{"float weights", floatModel, func(m *Model) {
			m.Tensors[22].DType, m.Tensors[22].Data = Int8, m.Tensors[22].Data[:12]
			m.Tensors[22].Quant = perTensor(1, 0)
		}, []string{`operator 17 "fc" (FULLY_CONNECTED): operand types (float32, int8, none) -> float32`}},
		{"activation", floatModel, func(m *Model) {
			m.Operators[17].Options.(*FullyConnectedOptions).Act = Activation{Kind: ActClamp, Min: 1, Max: 0}
		}, []string{`operator 17 "fc" (FULLY_CONNECTED): fused clamp [1, 0] is not an interval`}},
	})
}

func TestValidatePool2D(t *testing.T) {
	maxp := func(m *Model) *Pool2DOptions { return m.Operators[3].Options.(*Pool2DOptions) }
	avgp := func(m *Model) *Pool2DOptions { return m.Operators[4].Options.(*Pool2DOptions) }
	checkRules(t, []rule{
		{"input rank", func() *Model {
			x := Tensor{Name: "x", Shape: []int{2, 2, 1}, DType: Float32}
			return oneOp(OpMaxPool2D, &Pool2DOptions{KernelH: 1, KernelW: 1, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1}, x, x)
		}, func(*Model) {}, []string{`format: operator 0 "op" (MAX_POOL_2D): input 0 tensor 0 "x": shape [2 2 1]; MAX_POOL_2D needs rank 4`}},
		{"output rank", int8Model, func(m *Model) { m.Tensors[7].Shape = []int{1, 3, 24} },
			[]string{opMaxPool + `: output 0 tensor 7 "maxpool": shape [1 3 24]; MAX_POOL_2D needs rank 4`}},
		{"kernel 0", int8Model, func(m *Model) { maxp(m).KernelW = 0 },
			[]string{opMaxPool + `: kernel_w 0 is out of range [1, 1048576]`}},
		{"stride 0", int8Model, func(m *Model) { avgp(m).StrideW = 0 },
			[]string{opAvgPool + `: stride_w 0 is out of range [1, 1048576]`}},
		{"activation", int8Model, func(m *Model) { avgp(m).Act.Kind = 5 },
			[]string{opAvgPool + `: unknown fused activation 5`}},
		{"output shape", int8Model, func(m *Model) { maxp(m).StrideH = 2 },
			[]string{opMaxPool + `: output 0 tensor 7 "maxpool": shape [1 3 3 8]; input [1 4 4 8] with a 2x2 window, strides 2x1, dilations 1x1 and pads 0,0,0,0 (top, left, bottom, right) gives [1 2 3 8]`}},
		{"quantization changes", int8Model, func(m *Model) { m.Tensors[7].Quant = perTensor(0.05, -2) },
			[]string{opMaxPool + `: input 0 tensor 6 "dw": quantization (scale [0.05], zero point [-3]) differs from the output's (scale [0.05], zero point [-2]); MAX_POOL_2D moves raw values, so they must match`}},
		{"average pool quantization changes", int8Model, func(m *Model) { m.Tensors[8].Quant = perTensor(0.04, -3) },
			[]string{opAvgPool + `: input 0 tensor 7 "maxpool": quantization (scale [0.05], zero point [-3]) differs from the output's (scale [0.04], zero point [-3]); AVERAGE_POOL_2D moves raw values`}},
		{"type changes", int8Model, func(m *Model) { m.Tensors[7].DType, m.Tensors[7].Quant = Uint8, perTensor(0.05, 0) },
			[]string{opMaxPool + `: input 0 tensor 6 "dw": is int8 but the output is uint8`}},
		{"unsupported type", func() *Model {
			x := Tensor{Name: "x", Shape: []int{1, 2, 2, 1}, DType: Uint8, Quant: perTensor(1, 0)}
			return oneOp(OpMaxPool2D, &Pool2DOptions{KernelH: 1, KernelW: 1, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1}, x, x)
		}, func(*Model) {}, []string{`format: operator 0 "op" (MAX_POOL_2D): output 0 tensor 1 "x": is uint8; MAX_POOL_2D supports int8 and float32`}},
		{"window in the padding", int8Model, func(m *Model) {
			avgp(m).PadTop, avgp(m).PadBottom = 3, 3
			m.Tensors[8].Shape = []int{1, 7, 3, 8} // (3+3+3-3)/1+1
		}, []string{opAvgPool + `: the window of output row 0 lies entirely in the padding`}},
		{"dilated window misses the input", int8Model, func(m *Model) {
			o := avgp(m)
			o.KernelW, o.DilationW, o.PadLeft, o.PadRight = 2, 4, 1, 1 // taps at -1 and 3 of [0, 3)
			m.Tensors[8].Shape = []int{1, 3, 1, 8}                     // (3+1+1-5)/1+1
		}, []string{opAvgPool + `: the window of output column 0 lies entirely in the padding`}},
		{"last window in the padding", int8Model, func(m *Model) {
			o := maxp(m)
			o.PadBottom, o.StrideH = 4, 3
			m.Tensors[7].Shape = []int{1, 3, 3, 8} // (4+4-2)/3+1 = 3; row 2 reads [6, 8)
		}, []string{opMaxPool + `: the window of output row 2 lies entirely in the padding`}},
	})
}

func TestEmptyWindow(t *testing.T) {
	// Brute force over small geometries: emptyWindow finds a window
	// without an input tap exactly when one exists.
	for in := 1; in <= 5; in++ {
		for k := 1; k <= 4; k++ {
			for s := 1; s <= 3; s++ {
				for d := 1; d <= 3; d++ {
					for pb := 0; pb <= 5; pb++ {
						for pa := 0; pa <= 5; pa++ {
							span := d*(k-1) + 1
							if in+pb+pa < span {
								continue
							}
							out := (in+pb+pa-span)/s + 1
							want := -1
							for o := 0; o < out && want < 0; o++ {
								hit := false
								for j := range k {
									x := o*s - pb + j*d
									hit = hit || (x >= 0 && x < in)
								}
								if !hit {
									want = o
								}
							}
							got := emptyWindow(in, k, s, d, pb, out)
							if (got < 0) != (want < 0) {
								t.Fatalf("in %d k %d s %d d %d pads %d,%d: emptyWindow %d, brute force %d", in, k, s, d, pb, pa, got, want)
							}
						}
					}
				}
			}
		}
	}
}

func TestValidateReduce(t *testing.T) {
	checkRules(t, []rule{
		{"no axes", int8Model, func(m *Model) { m.Operators[8].Options.(*ReduceOptions).Axes = nil },
			[]string{opMean + `: reduces no axes`}},
		{"axis out of range", int8Model, func(m *Model) { m.Operators[8].Options.(*ReduceOptions).Axes = []int{1, 4} },
			[]string{opMean + `: axis 4 is out of range for input shape [1 3 3 8]`}},
		{"axis twice", int8Model, func(m *Model) { m.Operators[8].Options.(*ReduceOptions).Axes = []int{1, -3} },
			[]string{opMean + `: axis -3 is listed twice`}},
		{"output without keep_dims", int8Model, func(m *Model) { m.Operators[8].Options.(*ReduceOptions).KeepDims = false },
			[]string{opMean + `: output 0 tensor 13 "mean": shape [1 1 1 8]; reducing axes [1 2] of [1 3 3 8] (keep_dims false) gives [1 8]`}},
		{"scalar output shape", floatModel, func(m *Model) { m.Tensors[24].Shape = []int{1, 1} },
			[]string{opFloatMean + `: output 0 tensor 24 "mean": shape [1 1]; reducing axes [0 1] of [24 4] (keep_dims false) gives []`}},
		{"reduce max quantization", int8Model, func(m *Model) { m.Tensors[14].Quant = perTensor(0.5, -3) },
			[]string{opRMax + `: input 0 tensor 12 "sub": quantization (scale [0.05], zero point [-3]) differs from the output's (scale [0.5], zero point [-3]); REDUCE_MAX moves raw values`}},
		{"type", int8Model, func(m *Model) { m.Tensors[13].DType, m.Tensors[13].Quant = Float32, nil },
			[]string{opMean + `: input 0 tensor 12 "sub": is int8 but the output is float32`}},
	})
}

func TestValidateBinary(t *testing.T) {
	checkRules(t, []rule{
		{"types", int8Model, func(m *Model) { m.Tensors[9].DType, m.Tensors[9].Quant = Uint8, perTensor(0.02, 5) },
			[]string{opAdd + `: operand types (int8, uint8) -> int8; ADD takes (int8, int8) -> int8 or (float32, float32) -> float32`}},
		{"no broadcast", int8Model, func(m *Model) { m.Tensors[9].Shape = []int{4, 2} },
			[]string{opAdd + `: input shapes [1 3 3 8] and [4 2] do not broadcast`}},
		{"output shape", int8Model, func(m *Model) { m.Tensors[9].Shape = []int{1, 1, 1, 1, 8} },
			[]string{opAdd + `: output 0 tensor 10 "add": shape [1 3 3 8]; broadcasting [1 3 3 8] and [1 1 1 1 8] gives [1 1 3 3 8]`}},
		{"activation", int8Model, func(m *Model) {
			m.Operators[5].Options.(*ElementwiseOptions).Act = Activation{Kind: ActClamp, Min: float32(math.NaN())}
		}, []string{opAdd + `: fused clamp [NaN, 0] is not an interval`}},
	})
}

func TestBroadcastShapes(t *testing.T) {
	for _, c := range []struct {
		a, b, want []int
		ok         bool
	}{
		{[]int{1, 3, 3, 8}, []int{8}, []int{1, 3, 3, 8}, true},
		{[]int{8}, []int{1, 3, 3, 8}, []int{1, 3, 3, 8}, true},
		{[]int{2, 1}, []int{1, 5}, []int{2, 5}, true},
		{[]int{}, []int{4}, []int{4}, true},
		{[]int{3}, []int{4}, nil, false},
		{[]int{2, 3}, []int{3, 3}, nil, false},
	} {
		got, ok := broadcastShapes(c.a, c.b)
		if ok != c.ok || (ok && !equalInts(got, c.want)) {
			t.Errorf("broadcastShapes(%v, %v) = %v, %v; want %v, %v", c.a, c.b, got, ok, c.want, c.ok)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestValidateConcatenation(t *testing.T) {
	checkRules(t, []rule{
		{"axis out of range", int8Model, func(m *Model) { m.Operators[12].Options.(*ConcatOptions).Axis = 2 },
			[]string{opConcat + `: axis 2 is out of range for output shape [1 17]`}},
		{"rank of an input", int8Model, func(m *Model) {
			m.Tensors[16].Shape = []int{1, 1, 8}
		}, []string{opConcat + `: input 0 tensor 16 "flatmean": shape [1 1 8] has rank 3, the output [1 17] rank 2`}},
		{"other dimension", int8Model, func(m *Model) {
			m.Operators[12].Options.(*ConcatOptions).Axis = 0
		}, []string{opConcat + `: input 0 tensor 16 "flatmean": shape [1 8] differs from the output's [1 17] in dimension 1 (only axis 0 may differ)`}},
		{"sizes along the axis", int8Model, func(m *Model) {
			m.Operators[12].Inputs = []int{16, 16}
		}, []string{opConcat + `: output 0 tensor 17 "concat": shape [1 17]; the inputs add up to 16 along axis 1`}},
		{"quantization", int8Model, func(m *Model) { m.Tensors[17].Quant = perTensor(0.05, 0) },
			[]string{opConcat + `: input 0 tensor 16 "flatmean": quantization (scale [0.05], zero point [-3]) differs from the output's (scale [0.05], zero point [0]); CONCATENATION moves raw values`}},
		{"type of an input", floatModel, func(m *Model) {
			g := &graph{m: m}
			x := g.f32("x2", 24, 4)
			m.Inputs = append(m.Inputs, x)
			y := g.i8("cat", perTensor(1.0/128, -128), 48, 4)
			g.op(OpConcatenation, "cat", &ConcatOptions{Axis: 0}, 27, x, y)
			m.Outputs = append(m.Outputs, y)
		}, []string{`format: operator 22 "cat" (CONCATENATION): input 1 tensor 28 "x2": is float32 but the output is int8`}},
	})
}

func TestValidateLayoutOps(t *testing.T) {
	pad := func(m *Model) *PadOptions { return m.Operators[0].Options.(*PadOptions) }
	sl := func(m *Model) *SliceOptions { return m.Operators[2].Options.(*SliceOptions) }
	checkRules(t, []rule{
		{"pad count", floatModel, func(m *Model) { pad(m).Paddings = pad(m).Paddings[:6] },
			[]string{opPad + `: 6 paddings for input shape [1 4 4 2]; want 2 per dimension (8)`}},
		{"pad negative", floatModel, func(m *Model) { pad(m).Paddings[2], pad(m).Paddings[3] = -1, 3 },
			[]string{opPad + `: padding 2 is -1; paddings are non-negative`}},
		{"pad overflow", floatModel, func(m *Model) { pad(m).Paddings[2], pad(m).Paddings[3] = math.MaxInt32, math.MaxInt32 },
			[]string{opPad + `: output 0 tensor 1 "pad": shape [1 6 6 2]; padding [1 4 4 2] by [0 0 2147483647 2147483647 1 1 0 0] gives [1 4294967298 6 2]`}},
		{"pad NaN", floatModel, func(m *Model) { pad(m).Value = float32(math.NaN()) },
			[]string{opPad + `: the pad value is NaN`}},
		{"pad output", floatModel, func(m *Model) { pad(m).Paddings[7] = 1 },
			[]string{opPad + `: output 0 tensor 1 "pad": shape [1 6 6 2]; padding [1 4 4 2] by [0 0 1 1 1 1 0 1] gives [1 6 6 3]`}},
		{"pad type", floatModel, func(m *Model) { m.Tensors[0].DType = Float16 },
			[]string{opPad + `: input 0 tensor 0 "in": is float16 but the output is float32`}},
		{"reshape elements", int8Model, func(m *Model) { m.Tensors[15].Shape = []int{1, 8} },
			[]string{opFlatMax + `: output 0 tensor 15 "flatmax": shape [1 8] has 8 elements; input shape [1 3 3] has 9`}},
		{"reshape quantization", int8Model, func(m *Model) { m.Tensors[15].Quant = perTensor(0.1, -3) },
			[]string{opFlatMax + `: input 0 tensor 14 "reducemax": quantization (scale [0.05], zero point [-3]) differs from the output's (scale [0.1], zero point [-3]); RESHAPE moves raw values`}},
		{"transpose length", floatModel, func(m *Model) { m.Operators[1].Options.(*TransposeOptions).Perm = []int{0, 3, 1} },
			[]string{opToNCHW + `: perm [0 3 1] for input shape [1 6 6 2]; want one entry per dimension`}},
		{"transpose not a permutation", floatModel, func(m *Model) { m.Operators[1].Options.(*TransposeOptions).Perm = []int{0, 3, 1, 1} },
			[]string{opToNCHW + `: perm [0 3 1 1] is not a permutation of 0..3`}},
		{"transpose out of range", floatModel, func(m *Model) { m.Operators[1].Options.(*TransposeOptions).Perm = []int{0, 4, 1, 2} },
			[]string{opToNCHW + `: perm [0 4 1 2] is not a permutation of 0..3`}},
		{"transpose output", floatModel, func(m *Model) { m.Operators[1].Options.(*TransposeOptions).Perm = []int{0, 1, 2, 3} },
			[]string{opToNCHW + `: output 0 tensor 2 "nchw": shape [1 2 6 6]; transposing [1 6 6 2] by [0 1 2 3] gives [1 6 6 2]`}},
		{"slice lengths", floatModel, func(m *Model) { sl(m).Step = []int{1, 1} },
			[]string{opSlice + `: begin [0 0 1 0], size [1 2 2 3], step [1 1] for input shape [1 2 6 6]; want one entry per dimension`}},
		{"slice begin", floatModel, func(m *Model) { sl(m).Begin[3] = 6 },
			[]string{opSlice + `: dimension 3 of input shape [1 2 6 6]: begin 6, size 3, step 2 reach outside the input`}},
		{"slice negative begin", floatModel, func(m *Model) { sl(m).Begin[2] = -1 },
			[]string{opSlice + `: dimension 2 of input shape [1 2 6 6]: begin -1, size 2, step 2`}},
		{"slice step 0", floatModel, func(m *Model) { sl(m).Step[2] = 0 },
			[]string{opSlice + `: dimension 2 of input shape [1 2 6 6]: begin 1, size 2, step 0`}},
		{"slice past the end", floatModel, func(m *Model) { sl(m).Begin[2] = 4 },
			[]string{opSlice + `: dimension 2 of input shape [1 2 6 6]: begin 4, size 2, step 2 reach outside the input`}},
		{"slice output", floatModel, func(m *Model) { sl(m).Size[3], sl(m).Begin[3] = 2, 1 },
			[]string{opSlice + `: output 0 tensor 3 "slice": shape [1 2 2 3]; the slice size is [1 2 2 2]`}},
	})
}

func TestValidatePointwise(t *testing.T) {
	checkRules(t, []rule{
		{"clamp interval", floatModel, func(m *Model) { m.Operators[5].Options = &ClampOptions{Min: 1, Max: 0} },
			[]string{opRelu + `: [1, 0] is not an interval`}},
		{"clamp NaN", floatModel, func(m *Model) { m.Operators[5].Options = &ClampOptions{Min: float32(math.NaN()), Max: 0} },
			[]string{opRelu + `: [NaN, 0] is not an interval`}},
		{"leaky alpha", floatModel, func(m *Model) { m.Operators[6].Options = &LeakyReluOptions{Alpha: float32(math.Inf(-1))} },
			[]string{opLeaky + `: alpha is -Inf; it must be finite`}},
		{"hard sigmoid beta", floatModel, func(m *Model) { m.Operators[9].Options = &HardSigmoidOptions{Alpha: 0.2, Beta: float32(math.NaN())} },
			[]string{opHSigmoid + `: beta is NaN; it must be finite`}},
		{"shape", floatModel, func(m *Model) { m.Tensors[7].Shape = []int{1, 6, 4, 2} },
			[]string{opLeaky + `: output 0 tensor 7 "leaky": shape [1 6 4 2] differs from input 0's shape [1 4 6 2]`}},
		{"type", floatModel, func(m *Model) { m.Tensors[12].DType, m.Tensors[12].Quant = Int8, perTensor(1.0/256, -128) },
			[]string{`format: operator 10 "logistic" (LOGISTIC): input 0 tensor 11 "hsigmoid": is float32 but the output is int8`}},
		{"int32", floatModel, func(m *Model) { m.Tensors[6].DType, m.Tensors[5].DType, m.Tensors[4].DType = Int32, Int32, Int32 },
			[]string{`format: operator 3 "to_nhwc" (TRANSPOSE): input 0 tensor 3 "slice": is float32 but the output is int32`}},
		{"prelu slope activation", floatModel, func(m *Model) {
			m.Tensors[8].Data = nil
			m.Inputs = append(m.Inputs, 8)
		}, []string{opPRelu + `: input 1 tensor 8 "slope": must be a constant`}},
		{"prelu slope shape", floatModel, func(m *Model) { m.Tensors[8].Shape = []int{2, 1} },
			[]string{opPRelu + `: input 1 tensor 8 "slope": shape [2 1] is neither one value nor one per channel of input shape [1 4 6 2]`}},
		{"prelu slope rank", floatModel, func(m *Model) { m.Tensors[8].Shape = []int{1, 1, 1, 1, 2} },
			[]string{opPRelu + `: input 1 tensor 8 "slope": shape [1 1 1 1 2] is neither one value nor one per channel`}},
		{"prelu slope type", floatModel, func(m *Model) { m.Tensors[8].DType = Int32 },
			[]string{opPRelu + `: input 1 tensor 8 "slope": is int32; the slope is int8 or float32`}},
		{"prelu slope axis", floatModel, func(m *Model) {
			s := &m.Tensors[8]
			s.Shape, s.DType, s.Data = []int{1, 2, 1, 1}, Int8, s.Data[:2]
			s.Quant = &Quant{Scale: []float32{1, 1}, ZeroPoint: []int32{0, 0}, Axis: 1}
		}, []string{opPRelu + `: input 1 tensor 8 "slope": shape [1 2 1 1] is neither one value nor one per channel`}},
	})
}

func TestValidateSoftmax(t *testing.T) {
	checkRules(t, []rule{
		{"axis", int8Model, func(m *Model) { m.Operators[14].Options.(*SoftmaxOptions).Axis = 2 },
			[]string{opSoftmax + `: axis 2 is out of range for input shape [1 5]`}},
		{"beta 0", int8Model, func(m *Model) { m.Operators[14].Options.(*SoftmaxOptions).Beta = 0 },
			[]string{opSoftmax + `: beta 0 must be finite and positive`}},
		{"beta Inf", floatModel, func(m *Model) { m.Operators[19].Options.(*SoftmaxOptions).Beta = float32(math.Inf(1)) },
			[]string{opFSoftmax + `: beta +Inf must be finite and positive`}},
		{"shape", floatModel, func(m *Model) { m.Tensors[25].Shape = []int{4, 24} },
			[]string{opFSoftmax + `: output 0 tensor 25 "softmax": shape [4 24] differs from input 0's shape [24 4]`}},
		{"float to int8", floatModel, func(m *Model) { m.Tensors[25].DType, m.Tensors[25].Quant = Int8, perTensor(1.0/256, -128) },
			[]string{opFSoftmax + `: operand types (float32) -> int8; SOFTMAX takes int8 -> int8, int8 -> float32 or float32 -> float32`}},
		{"log softmax int8 to float", floatModel, func(m *Model) {
			m.Tensors[17].DType, m.Tensors[17].Quant = Int8, perTensor(0.1, 0)
		}, []string{`format: operator 14 "add" (ADD): operand types (float32, float32) -> int8`}},
		{"log softmax types", floatModel, func(m *Model) {
			m.Tensors[18].DType, m.Tensors[18].Quant = Int8, perTensor(16.0/256, 127)
		}, []string{opLogSM + `: operand types (float32) -> int8; LOG_SOFTMAX takes int8 -> int8 or float32 -> float32`}},
	})
}

func TestValidateQuantizeDequantize(t *testing.T) {
	checkRules(t, []rule{
		{"quantize to uint8", floatModel, func(m *Model) { m.Tensors[26].DType = Uint8; m.Tensors[26].Quant.ZeroPoint[0] = 0 },
			[]string{opQuantF + `: operand types (float32) -> uint8; QUANTIZE takes float32, int8 or uint8 -> int8`}},
		{"quantize from int32", int8Model, func(m *Model) { m.Tensors[0].DType = Int32 },
			[]string{opQuantize + `: operand types (int32) -> int8`}},
		{"quantize shape", int8Model, func(m *Model) { m.Tensors[0].Shape = []int{1, 8, 3, 8} },
			[]string{opQuantize + `: output 0 tensor 1 "x": shape [1 8 8 3] differs from input 0's shape [1 8 3 8]`}},
		{"dequantize to int8", int8Model, func(m *Model) { m.Tensors[22].DType, m.Tensors[22].Quant = Int8, perTensor(1, 0) },
			[]string{opDequant + `: operand types (int8) -> int8; DEQUANTIZE takes int8, uint8 or float16 -> float32`}},
		{"dequantize float32", floatModel, func(m *Model) {
			m.Tensors[15].DType, m.Tensors[15].Shape = Float32, []int{1}
		}, []string{`format: operator 13 "bias_to_f32" (DEQUANTIZE): output 0 tensor 16 "bias32": shape [2] differs from input 0's shape [1]`}},
		{"dequantize from float32", floatModel, func(m *Model) {
			m.Tensors[15].DType, m.Tensors[15].Shape = Float32, []int{1}
			m.Tensors[16].Shape = []int{1}
		}, []string{`format: operator 13 "bias_to_f32" (DEQUANTIZE): operand types (float32) -> float32`}},
	})
}

func TestValidateResizeAndLRN(t *testing.T) {
	checkRules(t, []rule{
		{"resize mode", floatModel, func(m *Model) { m.Operators[4].Options.(*ResizeOptions).Mode = 2 },
			[]string{opResize + `: mode 2, coordinate 2, nearest 0: unknown enum value`}},
		{"resize coordinate", floatModel, func(m *Model) { m.Operators[4].Options.(*ResizeOptions).Coordinate = 4 },
			[]string{opResize + `: mode 1, coordinate 4, nearest 0: unknown enum value`}},
		{"resize nearest mode", floatModel, func(m *Model) { m.Operators[4].Options.(*ResizeOptions).Nearest = 4 },
			[]string{opResize + `: mode 1, coordinate 2, nearest 4: unknown enum value`}},
		{"resize rank", floatModel, func(m *Model) { m.Tensors[5].Shape = []int{4, 6, 2} },
			[]string{opResize + `: output 0 tensor 5 "resize": shape [4 6 2]; RESIZE needs rank 4`}},
		{"resize channels", floatModel, func(m *Model) { m.Tensors[5].Shape = []int{1, 4, 4, 3} },
			[]string{opResize + `: output 0 tensor 5 "resize": shape [1 4 4 3]; resizing [1 2 3 2] keeps the batch and channel dimensions`}},
		{"lrn size", floatModel, func(m *Model) { m.Operators[12].Options.(*LRNOptions).Size = 0 },
			[]string{opLRN + `: size 0 is out of range [1, 1048576]`}},
		{"lrn bias", floatModel, func(m *Model) { m.Operators[12].Options.(*LRNOptions).Bias = float32(math.NaN()) },
			[]string{opLRN + `: bias is NaN; it must be finite`}},
		{"lrn rank", func() *Model {
			x := Tensor{Name: "x", Shape: []int{4, 6, 2}, DType: Float32}
			return oneOp(OpLRN, &LRNOptions{Size: 3, Alpha: 1, Beta: 1, Bias: 1}, x, x)
		}, func(*Model) {}, []string{`format: operator 0 "op" (LRN): input 0 tensor 0 "x": shape [4 6 2]; LRN needs rank 4`}},
	})
}

func TestValidateGraphIO(t *testing.T) {
	checkRules(t, []rule{
		{"no inputs", tinyModel, func(m *Model) { m.Inputs = nil },
			[]string{`format: the model has no inputs`}},
		{"no outputs", tinyModel, func(m *Model) { m.Outputs = nil },
			[]string{`format: the model has no outputs`}},
		{"input out of range", tinyModel, func(m *Model) { m.Inputs = []int{0, 3} },
			[]string{`format: graph input 1: tensor index 3 is out of range (the model has 3 tensors)`}},
		{"input twice", tinyModel, func(m *Model) { m.Inputs = []int{0, 0} },
			[]string{`format: graph input 1 tensor 0 "x": is listed twice`}},
		{"input constant", tinyModel, func(m *Model) { m.Inputs = []int{0, 2} },
			[]string{`format: graph input 1 tensor 2 "unused": is a constant`}},
		{"input empty", tinyModel, func(m *Model) { m.Tensors[0].Shape = []int{1, 0} },
			[]string{`format: graph input 0 tensor 0 "x": shape [1 0] has no elements`}},
		{"output out of range", tinyModel, func(m *Model) { m.Outputs = []int{-1} },
			[]string{`format: graph output 0: tensor index -1 is out of range`}},
		{"output twice", tinyModel, func(m *Model) { m.Outputs = []int{1, 1} },
			[]string{`format: graph output 1 tensor 1 "y": is listed twice`}},
		{"output constant", tinyModel, func(m *Model) { m.Outputs = []int{1, 2} },
			[]string{`format: graph output 1 tensor 2 "unused": is a constant`}},
		{"output never written", tinyModel, func(m *Model) {
			m.Tensors = append(m.Tensors, Tensor{Name: "orphan", Shape: []int{2}, DType: Float32})
			m.Outputs = []int{1, 3}
		}, []string{`format: graph output 1 tensor 3 "orphan": no operator writes it, and it is not a graph input`}},
		{"version", tinyModel, func(m *Model) { m.Version = 2 },
			[]string{`format: model version 2; this package reads and writes version 1`}},
	})
	if err := ValidateModel(nil); err == nil {
		t.Error("ValidateModel(nil) succeeded")
	}
	// A graph input may also be a graph output.
	m := tinyModel()
	m.Outputs = append(m.Outputs, 0)
	if err := ValidateModel(m); err != nil {
		t.Errorf("input passed through as an output: %v", err)
	}
}

func TestValidateMetadata(t *testing.T) {
	prep := func(m *Model) *Preprocessing { return m.Metadata.Preprocessing }
	checkRules(t, []rule{
		{"label count", int8Model, func(m *Model) { m.Metadata.Labels = m.Metadata.Labels[:4] },
			[]string{`format: graph output 0 tensor 22 "probabilities": metadata has 4 labels, but the output's shape [1 5] does not end in 4`}},
		{"labels for a scalar", floatModel, func(m *Model) {
			m.Outputs[0], m.Outputs[1] = m.Outputs[1], m.Outputs[0]
			m.Metadata.Labels = []string{"x"}
		}, []string{`format: graph output 0 tensor 24 "mean": metadata has 1 labels, but the output's shape [] does not end in 1`}},
		{"width", int8Model, func(m *Model) { prep(m).Width = 0 },
			[]string{`format: metadata: preprocessing: width 0 must be positive`}},
		{"channels", int8Model, func(m *Model) { prep(m).Channels = -3 },
			[]string{`format: metadata: preprocessing: channels -3 must be positive`}},
		{"channels for gray", int8Model, func(m *Model) { prep(m).ColorOrder = Gray },
			[]string{`format: metadata: preprocessing: 3 channels, but the colour order gives 1`}},
		{"color order", int8Model, func(m *Model) { prep(m).ColorOrder = 3 },
			[]string{`format: metadata: preprocessing: color order 3, fit 2, interpolation 0: unknown enum value`}},
		{"fit", int8Model, func(m *Model) { prep(m).Fit = 3 },
			[]string{`fit 3`, `unknown enum value`}},
		{"mean count", int8Model, func(m *Model) { prep(m).Mean = prep(m).Mean[:2] },
			[]string{`format: metadata: preprocessing: 2 mean values for 3 channels; want 1 or one per channel`}},
		{"std zero", int8Model, func(m *Model) { prep(m).Std[1] = 0 },
			[]string{`format: metadata: preprocessing: std[1] is 0`}},
		{"mean NaN", int8Model, func(m *Model) { prep(m).Mean[2] = float32(math.NaN()) },
			[]string{`format: metadata: preprocessing: mean[2] is NaN`}},
		{"scale", int8Model, func(m *Model) { prep(m).Scale = float32(math.Inf(1)) },
			[]string{`format: metadata: preprocessing: scale +Inf and offset -0.5 must be finite`}},
		{"layout of an inner tensor", int8Model, func(m *Model) { m.Metadata.IOLayouts[4] = NCHW },
			[]string{`format: io layout tensor 4 "conv1": has a source layout in the metadata but is not a graph input or output`}},
		{"layout index", int8Model, func(m *Model) { m.Metadata.IOLayouts[-2] = NHWC },
			[]string{`format: metadata: io layout for tensor index -2, which is out of range (the model has 24 tensors)`}},
		{"unknown layout", int8Model, func(m *Model) { m.Metadata.IOLayouts[0] = 2 },
			[]string{`format: io layout tensor 0 "image": unknown layout 2`}},
		{"NCHW of rank 2", int8Model, func(m *Model) { m.Metadata.IOLayouts[22] = NCHW },
			[]string{`format: io layout tensor 22 "probabilities": is NCHW in the source model, but its shape [1 5] is not rank 4`}},
		{"calibration samples", int8Model, func(m *Model) { m.Metadata.Producer.Calibration.Samples = -1 },
			[]string{`format: metadata: calibration samples -1 is out of range`}},
		{"report samples", int8Model, func(m *Model) { m.Metadata.QuantReport.Samples = -5 },
			[]string{`format: metadata: quantization report samples -5 is out of range`}},
	})
}

// TestErrorFormat checks the one-line rendering of every location field.
func TestErrorFormat(t *testing.T) {
	for _, c := range []struct {
		e    *Error
		want string
	}{
		{&Error{Path: "model.einf", Op: 12, OpName: "conv3", OpCode: OpConv2D, Role: "input 1", Tensor: 7, TensorName: "conv3.weight", Msg: "shape [16 3 3 8] does not match"},
			`model.einf: operator 12 "conv3" (CONV_2D): input 1 tensor 7 "conv3.weight": shape [16 3 3 8] does not match`},
		{&Error{Op: 3, OpName: "pool", OpCode: OpMaxPool2D, Tensor: -1, Msg: "kernel_h 0 is out of range"},
			`format: operator 3 "pool" (MAX_POOL_2D): kernel_h 0 is out of range`},
		{&Error{Op: -1, Tensor: 4, TensorName: "x", Msg: "unknown dtype 7"}, `format: tensor 4 "x": unknown dtype 7`},
		{&Error{Op: -1, Role: "graph input 1", Tensor: -1, Msg: "tensor index 3 is out of range"}, `format: graph input 1: tensor index 3 is out of range`},
		{&Error{Path: "m.einf", Op: -1, Tensor: -1, Err: ErrChecksum}, `m.einf: checksum mismatch`},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
}

// TestValidateAcceptsVariants checks rules that allow more than one form.
func TestValidateAcceptsVariants(t *testing.T) {
	for _, c := range []struct {
		name   string
		base   func() *Model
		mutate func(*Model)
	}{
		{"scalar reduction stored as [1]", floatModel, func(m *Model) { m.Tensors[24].Shape = []int{1} }},
		{"mean requantizes", func() *Model {
			x := Tensor{Name: "x", Shape: []int{1, 2, 2, 3}, DType: Int8, Quant: perTensor(0.1, 3)}
			y := Tensor{Name: "y", Shape: []int{1, 3}, DType: Int8, Quant: perTensor(0.05, -7)}
			return oneOp(OpMean, &ReduceOptions{Axes: []int{1, 2}}, y, x)
		}, func(*Model) {}},
		{"fully connected keeps leading dims", func() *Model {
			x := Tensor{Name: "x", Shape: []int{2, 3, 4}, DType: Float32}
			w := Tensor{Name: "w", Shape: []int{5, 4}, DType: Float32, Data: make([]byte, 4*5*4)}
			y := Tensor{Name: "y", Shape: []int{2, 3, 5}, DType: Float32}
			return oneOp(OpFullyConnected, &FullyConnectedOptions{}, y, x, w)
		}, func(*Model) {}},
		{"per-tensor int8 weights", int8Model, func(m *Model) { m.Tensors[2].Quant = perTensor(0.01, 0) }},
		{"negative axes", floatModel, func(m *Model) {
			m.Operators[15].Options.(*SoftmaxOptions).Axis = -1
			m.Operators[18].Options.(*ReduceOptions).Axes = []int{-2, -1}
		}},
		{"scalar PRELU slope", floatModel, func(m *Model) {
			s := &m.Tensors[8]
			s.Shape, s.Data = []int{1, 1}, s.Data[:4]
		}},
		{"int8 per-channel PRELU slope", floatModel, func(m *Model) {
			s := &m.Tensors[8]
			s.Shape, s.DType, s.Data = []int{1, 2}, Int8, []byte{5, 0x80}
			s.Quant = &Quant{Scale: []float32{0.1, 0.2}, ZeroPoint: []int32{0, 0}, Axis: 1}
		}},
		{"infinite pad value", floatModel, func(m *Model) { m.Operators[0].Options.(*PadOptions).Value = float32(math.Inf(-1)) }},
		{"empty step list", floatModel, func(m *Model) {
			o := m.Operators[2].Options.(*SliceOptions)
			o.Step, o.Size = nil, []int{1, 2, 5, 6}
			m.Tensors[3].Shape = []int{1, 2, 5, 6}
			m.Tensors[4].Shape = []int{1, 5, 6, 2}
			m.Tensors[5].Shape = []int{1, 4, 6, 2}
		}},
	} {
		m := c.base()
		c.mutate(m)
		if err := ValidateModel(m); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// oneOp is a model of one operator with output out over ins: constants
// (non-nil Data) stay constants, the others become graph inputs.
func oneOp(code OpCode, opts any, out Tensor, ins ...Tensor) *Model {
	m := &Model{Version: Version}
	op := Operator{Op: code, Name: "op", Options: opts}
	for _, in := range ins {
		m.Tensors = append(m.Tensors, in)
		if in.Data == nil {
			m.Inputs = append(m.Inputs, len(m.Tensors)-1)
		}
		op.Inputs = append(op.Inputs, len(m.Tensors)-1)
	}
	m.Tensors = append(m.Tensors, out)
	op.Outputs = []int{len(m.Tensors) - 1}
	m.Outputs = op.Outputs
	m.Operators = []Operator{op}
	return m
}
