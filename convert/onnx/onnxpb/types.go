package onnxpb

import "fmt"

// Model is an ONNX ModelProto.
type Model struct {
	IRVersion       int64
	OpsetImports    []OpsetID
	ProducerName    string
	ProducerVersion string
	Domain          string
	ModelVersion    int64
	DocString       string
	Graph           *Graph
	MetadataProps   []StringEntry
	// TrainingInfo and Functions count the training_info and functions
	// entries, which are not decoded.
	TrainingInfo int
	Functions    int
}

// OpsetID is an OperatorSetIdProto: the operator set version a model uses
// for one domain ("" and "ai.onnx" both name the default domain).
type OpsetID struct {
	Domain  string
	Version int64
}

// StringEntry is a StringStringEntryProto.
type StringEntry struct {
	Key, Value string
}

// Graph is an ONNX GraphProto.
type Graph struct {
	Name         string
	Nodes        []*Node
	Initializers []*Tensor
	// SparseInitializers counts sparse_initializer entries (not decoded).
	SparseInitializers int
	Inputs             []*ValueInfo
	Outputs            []*ValueInfo
	ValueInfo          []*ValueInfo
	DocString          string
}

// Node is an ONNX NodeProto. An empty string in Inputs or Outputs marks an
// omitted optional input or output.
type Node struct {
	Inputs     []string
	Outputs    []string
	Name       string
	OpType     string
	Domain     string
	Attributes []*Attribute
	DocString  string
}

// Attribute returns the attribute called name, or nil.
func (n *Node) Attribute(name string) *Attribute {
	for _, a := range n.Attributes {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// AttrType is AttributeProto.AttributeType.
type AttrType int32

const (
	AttrUndefined     AttrType = 0
	AttrFloat         AttrType = 1
	AttrInt           AttrType = 2
	AttrString        AttrType = 3
	AttrTensor        AttrType = 4
	AttrGraph         AttrType = 5
	AttrFloats        AttrType = 6
	AttrInts          AttrType = 7
	AttrStrings       AttrType = 8
	AttrTensors       AttrType = 9
	AttrGraphs        AttrType = 10
	AttrSparseTensor  AttrType = 11
	AttrSparseTensors AttrType = 12
	AttrTypeProto     AttrType = 13
	AttrTypeProtos    AttrType = 14
)

var attrTypeNames = [...]string{
	"UNDEFINED", "FLOAT", "INT", "STRING", "TENSOR", "GRAPH", "FLOATS", "INTS", "STRINGS",
	"TENSORS", "GRAPHS", "SPARSE_TENSOR", "SPARSE_TENSORS", "TYPE_PROTO", "TYPE_PROTOS",
}

func (t AttrType) String() string {
	if t >= 0 && int(t) < len(attrTypeNames) {
		return attrTypeNames[t]
	}
	return fmt.Sprintf("AttributeType(%d)", int32(t))
}

// Attribute is an ONNX AttributeProto. Type says which value field is set.
// Graph, sparse-tensor and type-proto values are counted, not decoded.
type Attribute struct {
	Name        string
	RefAttrName string
	Type        AttrType
	F           float32
	I           int64
	S           []byte
	T           *Tensor
	Floats      []float32
	Ints        []int64
	Strings     [][]byte
	Tensors     []*Tensor
	// Graphs counts g and graphs values; Sparse counts sparse_tensor and
	// sparse_tensors values; TypeProtos counts tp and type_protos values.
	Graphs     int
	Sparse     int
	TypeProtos int
}

// DataType is TensorProto.DataType.
type DataType int32

const (
	Undefined     DataType = 0
	Float         DataType = 1
	Uint8         DataType = 2
	Int8          DataType = 3
	Uint16        DataType = 4
	Int16         DataType = 5
	Int32         DataType = 6
	Int64         DataType = 7
	String        DataType = 8
	Bool          DataType = 9
	Float16       DataType = 10
	Double        DataType = 11
	Uint32        DataType = 12
	Uint64        DataType = 13
	Complex64     DataType = 14
	Complex128    DataType = 15
	BFloat16      DataType = 16
	Float8E4M3FN  DataType = 17
	Float8E4M3FNZ DataType = 18
	Float8E5M2    DataType = 19
	Float8E5M2FNZ DataType = 20
	Uint4         DataType = 21
	Int4          DataType = 22
	Float4E2M1    DataType = 23
)

var dataTypeNames = [...]string{
	"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING", "BOOL",
	"FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16",
	"FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1",
}

func (t DataType) String() string {
	if t >= 0 && int(t) < len(dataTypeNames) {
		return dataTypeNames[t]
	}
	return fmt.Sprintf("DataType(%d)", int32(t))
}

// ElemSize is the byte size of one element in raw_data, or 0 for types
// without a fixed byte width (STRING, the 4-bit types, UNDEFINED).
func (t DataType) ElemSize() int {
	switch t {
	case Uint8, Int8, Bool, Float8E4M3FN, Float8E4M3FNZ, Float8E5M2, Float8E5M2FNZ:
		return 1
	case Uint16, Int16, Float16, BFloat16:
		return 2
	case Float, Int32, Uint32:
		return 4
	case Int64, Double, Uint64, Complex64:
		return 8
	case Complex128:
		return 16
	}
	return 0
}

// DataLocation is TensorProto.DataLocation.
type DataLocation int32

const (
	LocationDefault  DataLocation = 0
	LocationExternal DataLocation = 1
)

// Tensor is an ONNX TensorProto. Exactly one of the typed data fields,
// RawData, or ExternalData (with DataLocation external) holds the payload;
// byte slices alias the decoded input.
type Tensor struct {
	Dims         []int64
	DataType     DataType
	Name         string
	DocString    string
	FloatData    []float32
	Int32Data    []int32
	StringData   [][]byte
	Int64Data    []int64
	RawData      []byte
	HasRawData   bool // raw_data was present (it may be empty for 0 elements)
	DoubleData   []float64
	Uint64Data   []uint64
	ExternalData []StringEntry
	DataLocation DataLocation
	HasSegment   bool
}

// ValueInfo is an ONNX ValueInfoProto.
type ValueInfo struct {
	Name      string
	Type      *Type // nil when the type field is absent
	DocString string
}

// TypeKind says which TypeProto value is set.
type TypeKind int

const (
	TypeUnset TypeKind = iota
	TypeTensor
	TypeSequence
	TypeMap
	TypeOptional
	TypeSparseTensor
)

func (k TypeKind) String() string {
	switch k {
	case TypeTensor:
		return "tensor"
	case TypeSequence:
		return "sequence"
	case TypeMap:
		return "map"
	case TypeOptional:
		return "optional"
	case TypeSparseTensor:
		return "sparse tensor"
	}
	return "unset"
}

// Type is a TypeProto. Only tensor types are decoded: ElemType and Shape
// are meaningful when Kind is TypeTensor. Shape is nil when the rank is
// unknown.
type Type struct {
	Kind       TypeKind
	ElemType   DataType
	Shape      *Shape
	Denotation string
}

// Shape is a TensorShapeProto.
type Shape struct {
	Dims []Dim
}

// Dim is one TensorShapeProto.Dimension: a known size (HasValue), a
// symbolic name (Param), or neither (unknown).
type Dim struct {
	Value      int64
	HasValue   bool
	Param      string
	Denotation string
}

func (d Dim) String() string {
	switch {
	case d.HasValue:
		return fmt.Sprint(d.Value)
	case d.Param != "":
		return d.Param
	}
	return "?"
}
