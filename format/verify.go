package format

import (
	"encoding/binary"
	"strconv"
	"strings"
)

// The Go FlatBuffers runtime has no verifier: its accessors index the
// buffer with whatever offsets they read and panic on bad ones. So
// verifyFlatBuffer walks the whole buffer first, guided by the schema in
// schema.go, and checks every offset, vtable, length and alignment the
// generated accessors will later follow, together with the union types.
// Only after it succeeds does decode touch the buffer through fb.
//
// Positions are int64 throughout, so sums of 32-bit offsets cannot wrap.

// verifier walks one FlatBuffer region.
type verifier struct {
	buf []byte
	// end is one past the last byte of any object verified: the extent
	// of the FlatBuffer, which payloads must not overlap.
	end int64
	// budget is how many more bytes of tables, vectors and strings the
	// walk may visit. A writer that shares nothing visits each byte once,
	// so the region's size is enough; a crafted buffer whose objects all
	// point at one big vector would otherwise take quadratic time.
	budget int64
}

// loc names the object being verified ("Model.tensors[3].quant.scale").
// It is a linked list on the stack, rendered only for an error.
type loc struct {
	parent *loc
	name   string
	index  int // vector element index, or -1
}

func (l *loc) String() string {
	var parts []*loc
	for p := l; p != nil; p = p.parent {
		parts = append(parts, p)
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		p := parts[i]
		if p.name != "" {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(p.name)
		}
		if p.index >= 0 {
			b.WriteString("[" + strconv.Itoa(p.index) + "]")
		}
	}
	return b.String()
}

// verifyFlatBuffer checks buf, the FlatBuffer region of a model file, and
// returns the end of the FlatBuffer's objects.
func verifyFlatBuffer(buf []byte) (end int64, err error) {
	v := &verifier{buf: buf, budget: int64(len(buf))}
	root := &loc{name: "Model", index: -1}
	if err := v.check(0, 8, 4, root, "root offset and file identifier"); err != nil {
		return 0, err
	}
	if err := v.table(int64(v.u32(0)), modelSchema, root); err != nil {
		return 0, err
	}
	return v.end, nil
}

func (v *verifier) u16(p int64) int64 { return int64(binary.LittleEndian.Uint16(v.buf[p:])) }
func (v *verifier) u32(p int64) int64 { return int64(binary.LittleEndian.Uint32(v.buf[p:])) }

// check requires bytes [p, p+n) to lie in the region with p aligned.
func (v *verifier) check(p, n, align int64, l *loc, what string) error {
	if p < 0 || n < 0 || p > int64(len(v.buf))-n {
		return malformed("%s: %s at offset %d (%d bytes) lies outside the %d-byte FlatBuffer", l, what, p, n, len(v.buf))
	}
	if p%align != 0 {
		return malformed("%s: %s at offset %d is not %d-byte aligned", l, what, p, align)
	}
	v.end = max(v.end, p+n)
	return nil
}

// spend charges n bytes of visited objects against the budget.
func (v *verifier) spend(n int64, l *loc) error {
	v.budget -= n
	if v.budget < 0 {
		return malformed("%s: the FlatBuffer's objects are referenced more often than its %d bytes can hold", l, len(v.buf))
	}
	return nil
}

// table verifies the table at p and, recursively, everything it references.
func (v *verifier) table(p int64, s *tableSchema, l *loc) error {
	if err := v.check(p, 4, 4, l, "table"); err != nil {
		return err
	}
	vt := p - int64(int32(v.u32(p)))
	if err := v.check(vt, 4, 2, l, "vtable"); err != nil {
		return err
	}
	vtSize, size := v.u16(vt), v.u16(vt+2)
	if vtSize < 4 || vtSize%2 != 0 {
		return malformed("%s: vtable size %d is not an even number >= 4", l, vtSize)
	}
	if size < 4 {
		return malformed("%s: table size %d is below 4", l, size)
	}
	if err := v.check(vt, vtSize, 2, l, "vtable"); err != nil {
		return err
	}
	if err := v.check(p, size, 4, l, "table"); err != nil {
		return err
	}
	if err := v.spend(size, l); err != nil {
		return err
	}
	slots := int((vtSize - 4) / 2)
	unionType := int64(0)
	for i := range s.fields {
		f := &s.fields[i]
		fl := &loc{parent: l, name: f.name, index: -1}
		fo := int64(0)
		if i < slots {
			fo = v.u16(vt + 4 + 2*int64(i))
		}
		if fo == 0 { // absent: the accessor returns the default
			if f.kind == unionField && unionType != 0 {
				return malformed("%s: union type %d has no table", fl, unionType)
			}
			continue
		}
		n := int64(f.inlineSize())
		if fo < 4 || fo+n > size {
			return malformed("%s: field at table offset %d (%d bytes) lies outside the %d-byte table", fl, fo, n, size)
		}
		fp := p + fo
		if fp%n != 0 {
			return malformed("%s: field at offset %d is not %d-byte aligned", fl, fp, n)
		}
		var err error
		switch f.kind {
		case scalarField:
		case unionTypeField:
			unionType = int64(v.buf[fp])
			if unionType >= int64(len(s.fields[i+1].union)) {
				return malformed("%s: unknown union type %d", fl, unionType)
			}
		case unionField:
			if unionType == 0 {
				return malformed("%s: a table is present but the union type is NONE", fl)
			}
			err = v.table(fp+v.u32(fp), f.union[unionType], fl)
		case stringField:
			err = v.string(fp+v.u32(fp), fl)
		case tableField:
			err = v.table(fp+v.u32(fp), f.table, fl)
		case scalarVector:
			_, _, err = v.vector(fp+v.u32(fp), int64(f.size), fl)
		case stringVector, tableVector:
			err = v.offsetVector(fp+v.u32(fp), f, fl)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// vector verifies the length-prefixed vector at p with elem-byte elements
// and returns its data position and length.
func (v *verifier) vector(p, elem int64, l *loc) (data, n int64, err error) {
	if err := v.check(p, 4, 4, l, "vector length"); err != nil {
		return 0, 0, err
	}
	n, data = v.u32(p), p+4
	if err := v.check(data, n*elem, elem, l, "vector of "+strconv.FormatInt(n, 10)+" elements"); err != nil {
		return 0, 0, err
	}
	return data, n, v.spend(4+n*elem, l)
}

// string verifies a string: a byte vector followed by a NUL.
func (v *verifier) string(p int64, l *loc) error {
	data, n, err := v.vector(p, 1, l)
	if err != nil {
		return err
	}
	if err := v.check(data+n, 1, 1, l, "string terminator"); err != nil {
		return err
	}
	if v.buf[data+n] != 0 {
		return malformed("%s: string of %d bytes at offset %d is not NUL-terminated", l, n, p)
	}
	return v.spend(1, l)
}

// offsetVector verifies a vector of strings or tables.
func (v *verifier) offsetVector(p int64, f *field, l *loc) error {
	data, n, err := v.vector(p, 4, l)
	if err != nil {
		return err
	}
	for i := range n {
		el := &loc{parent: l, index: int(i)}
		ep := data + 4*i
		if f.kind == stringVector {
			err = v.string(ep+v.u32(ep), el)
		} else {
			err = v.table(ep+v.u32(ep), f.table, el)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
