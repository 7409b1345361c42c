package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// verbFlags is a verb's flag set together with the usage text -h prints.
type verbFlags struct {
	*flag.FlagSet
	synopsis string // "edgeinfer run MODEL ..." lines
	details  string // what the verb does, printed between synopsis and flags
}

// newVerbFlags returns an empty flag set for verb. The flag package's own
// printing is silenced: errors become one line from run, and -h prints
// usage through parse.
func newVerbFlags(verb, synopsis, details string) *verbFlags {
	fs := flag.NewFlagSet(verb, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &verbFlags{FlagSet: fs, synopsis: synopsis, details: details}
}

// usage is the text `edgeinfer VERB -h` prints.
func (f *verbFlags) usage() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Usage:\n%s\n", indent(f.synopsis))
	if f.details != "" {
		fmt.Fprintf(&b, "\n%s\n", strings.TrimRight(f.details, "\n"))
	}
	hasFlags := false
	f.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		b.WriteString("\nFlags:\n")
		f.SetOutput(&b)
		f.PrintDefaults()
		f.SetOutput(io.Discard)
	}
	return b.String()
}

// parse parses args, allowing flags before, between and after the
// operands (`run MODEL --top 3 a.jpg`); "--" ends the flags. It returns
// the operands. With -h it prints the usage on stdout and returns
// flag.ErrHelp; a bad flag is a usageError.
func (f *verbFlags) parse(cl *cli, args []string) ([]string, error) {
	var operands []string
	for {
		err := f.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			io.WriteString(cl.stdout, f.usage())
			return nil, flag.ErrHelp
		}
		if err != nil {
			return nil, usagef("%v (see 'edgeinfer %s -h')", err, f.Name())
		}
		rest := f.Args()
		if len(rest) == 0 {
			return operands, nil
		}
		// Parse stops at the first operand or just after "--".
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(operands, rest...), nil
		}
		operands = append(operands, rest[0])
		args = rest[1:]
	}
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n")
}
