package format

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestSchemaMatchesFBS checks the verifier's schema (schema.go) against
// edgeinfer.fbs, field by field and slot by slot, so the two cannot
// drift apart when the schema grows.
func TestSchemaMatchesFBS(t *testing.T) {
	src, err := os.ReadFile("edgeinfer.fbs")
	if err != nil {
		t.Fatal(err)
	}
	text := regexp.MustCompile(`//[^\n]*`).ReplaceAllString(string(src), "")
	sizes := map[string]int{"bool": 1, "byte": 1, "ubyte": 1, "short": 2, "ushort": 2,
		"int": 4, "uint": 4, "float": 4, "long": 8, "ulong": 8, "double": 8}
	for _, m := range regexp.MustCompile(`enum\s+(\w+)\s*:\s*(\w+)`).FindAllStringSubmatch(text, -1) {
		sizes[m[1]] = sizes[m[2]]
	}
	unions := make(map[string][]string)
	for _, m := range regexp.MustCompile(`union\s+(\w+)\s*\{([^}]*)\}`).FindAllStringSubmatch(text, -1) {
		for _, name := range strings.Split(m[2], ",") {
			if name = strings.TrimSpace(name); name != "" {
				unions[m[1]] = append(unions[m[1]], name)
			}
		}
	}
	tables := make(map[string][]field)
	fieldRE := regexp.MustCompile(`^\s*(\w+)\s*:\s*(\[?\w+\]?)`)
	for _, m := range regexp.MustCompile(`table\s+(\w+)\s*\{([^}]*)\}`).FindAllStringSubmatch(text, -1) {
		var fields []field
		for _, decl := range strings.Split(m[2], ";") {
			f := fieldRE.FindStringSubmatch(decl)
			if f == nil {
				continue
			}
			name, typ := f[1], f[2]
			elem, vector := strings.TrimSuffix(strings.TrimPrefix(typ, "["), "]"), strings.HasPrefix(typ, "[")
			switch {
			case unions[typ] != nil:
				fields = append(fields, field{name: name + "_type", kind: unionTypeField}, field{name: name, kind: unionField})
			case vector && elem == "string":
				fields = append(fields, field{name: name, kind: stringVector})
			case vector && sizes[elem] == 0:
				fields = append(fields, field{name: name, kind: tableVector, table: &tableSchema{name: elem}})
			case vector:
				fields = append(fields, field{name: name, kind: scalarVector, size: sizes[elem]})
			case typ == "string":
				fields = append(fields, field{name: name, kind: stringField})
			case sizes[typ] == 0:
				fields = append(fields, field{name: name, kind: tableField, table: &tableSchema{name: typ}})
			default:
				fields = append(fields, field{name: name, kind: scalarField, size: sizes[typ]})
			}
		}
		tables[m[1]] = fields
	}

	seen := make(map[string]bool)
	var walk func(s *tableSchema)
	walk = func(s *tableSchema) {
		if seen[s.name] {
			return
		}
		seen[s.name] = true
		want, ok := tables[s.name]
		if !ok {
			t.Errorf("schema.go has table %s, edgeinfer.fbs does not", s.name)
			return
		}
		if len(s.fields) != len(want) {
			t.Errorf("%s: schema.go has %d slots, edgeinfer.fbs %d", s.name, len(s.fields), len(want))
			return
		}
		for i, f := range s.fields {
			w := want[i]
			same := f.name == w.name && f.kind == w.kind && f.size == w.size &&
				(f.table == nil) == (w.table == nil) && (f.table == nil || f.table.name == w.table.name)
			if !same {
				t.Errorf("%s slot %d: schema.go has %s (kind %d, size %d), edgeinfer.fbs %s (kind %d, size %d)",
					s.name, i, f.name, f.kind, f.size, w.name, w.kind, w.size)
			}
			if f.table != nil {
				walk(f.table)
			}
			if f.kind == unionField {
				members := unions["OpOptions"]
				if len(f.union) != len(members)+1 || f.union[0] != nil {
					t.Errorf("%s.%s: %d union entries, want NONE and %d members", s.name, f.name, len(f.union), len(members))
					continue
				}
				for j, u := range f.union[1:] {
					if u.name != members[j] {
						t.Errorf("%s.%s: union type %d is %s, edgeinfer.fbs says %s", s.name, f.name, j+1, u.name, members[j])
					}
					walk(u)
				}
			}
		}
	}
	walk(modelSchema)
	for name := range tables {
		if !seen[name] {
			t.Errorf("edgeinfer.fbs table %s is not reachable in schema.go", name)
		}
	}
}
