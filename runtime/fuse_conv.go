package runtime

import (
	"github.com/edgeinfer/edgeinfer/format"
	"github.com/edgeinfer/edgeinfer/kernels"
)

// tableLookup says an op computes out[k] = table[in[k]+128] over int8
// tensors of one element count: in is the tensor it reads, name what
// profiles call the function ("LOGISTIC", "SiLU", ...).
type tableLookup struct {
	table []int8
	in    int
	name  string
}

// convOutput is what fuseConvTable needs of an int8 convolution: its
// output tensor and which output bytes its units write, named by the
// prepared kernel (kernels.PreparedInt8.OutputSpans) or, for the
// reference kernel, whose unit is one output row, rowBytes.
type convOutput struct {
	out      int
	prepared *kernels.PreparedInt8
	rowBytes int
}

// fuseConvTable folds a table lookup into the int8 convolution whose
// output x only the lookup reads (EfficientNet's SiLU after every
// convolution, a squeeze-excite gate's LOGISTIC, MobileNetV3's
// HARD_SWISH): the convolution maps each unit's output bytes through the
// table right after computing them, while they are in cache, and the
// lookup becomes a view of x that runs nothing. The table was built for x's
// quantization (it is the lookup's input) and maps every int8 the
// convolution writes, so the outputs are the unfused ops' bit for bit.
//
// It does not fuse when x has other readers or is a graph output (they
// must see the convolution's values), or when the convolution's units do
// not name the bytes they write.
func fuseConvTable(g *format.Model, ops []opPlan, variant kernels.Variant) {
	readers, producer := tensorUse(g, ops)
	for j := range ops {
		lk := ops[j].lookup
		if lk == nil {
			continue
		}
		x, y := lk.in, g.Operators[j].Outputs[0]
		i := producer[x]
		if i < 0 || ops[i].conv == nil || ops[i].conv.out != x || readers[x] != 1 ||
			g.Tensors[x].DType != format.Int8 || g.Tensors[x].Elements() != g.Tensors[y].Elements() {
			continue
		}
		if ops[i].conv.prepared != nil {
			if _, _, ok := ops[i].conv.prepared.OutputSpans(0, 0); !ok {
				continue
			}
		}
		ops[i].bind = withTable(&ops[i], lk.table, g.Tensors[x].Elements(), variant)
		ops[i].kernel += "+LUTInt8"
		ops[i].detail += " +" + lk.name
		ops[j] = absorbedPlan()
	}
}

// epilogueBytes is how many output bytes a convolution with row or panel
// units computes before the table maps them: they are then still in L2
// (half of a Raspberry Pi 5 core's 512 KiB), and a call covers several
// depthwise rows, whose kernel widens KH-1 input rows more per call. A
// variable only so that tests can force several ranges per call.
var epilogueBytes = 64 << 10

// withTable returns conv's bind with table applied in place to the
// output bytes (n in all) of every unit range it runs. Units whose output is a
// contiguous run of bytes each (rows, pixel panels) are run in ranges of
// about epilogueBytes, each mapped right after it is computed; (block,
// panel) units are claimed whole shares at a time (their kernel repeats
// work per call) and mapped per call, span by span.
func withTable(conv *opPlan, table []int8, n int, variant kernels.Variant) func(mem *memory) func(lo, hi int) {
	bind, co, whole, minGrain := conv.bind, conv.conv, conv.wholeShares, conv.minGrain
	kp := &kernels.LUTParams{Elements: n, Channels: 1, Table: table}
	lut, fast := kernels.PrepareLUTInt8(variant, kp)
	unitBytes := co.rowBytes
	if co.prepared != nil {
		unitBytes = co.prepared.OutputUnitBytes()
	}
	return func(mem *memory) func(lo, hi int) {
		run := bind(mem)
		x := mem.int8(co.out)
		apply := func(off, n int) {
			if fast {
				lut.Run(x, x, nil, off, off+n)
				return
			}
			kernels.LUTInt8(kp, x, x, off, off+n)
		}
		if unitBytes > 0 && !whole {
			step := max(2, epilogueBytes/unitBytes)
			return func(lo, hi int) {
				for a := lo; a < hi; {
					b := min(hi, a+step)
					if hi-b < minGrain {
						b = hi // no range shorter than the kernel's MinGrain
					}
					run(a, b)
					off := a * unitBytes
					apply(off, min(b*unitBytes, len(x))-off)
					a = b
				}
			}
		}
		return func(lo, hi int) {
			run(lo, hi)
			spans, n, _ := co.prepared.OutputSpans(lo, hi)
			for _, s := range spans[:n] {
				if s.Width == s.Stride {
					apply(s.Offset, s.Rows*s.Width)
					continue
				}
				for r := range s.Rows {
					apply(s.Offset+r*s.Stride, s.Width)
				}
			}
		}
	}
}
