package main

import (
	"fmt"
	"text/tabwriter"
)

const overview = `edgeinfer runs int8 CNN models (.einf files) with a pure-Go runtime.

Usage:
  edgeinfer VERB [flags] [operands]

Verbs:
`

const footer = `
Flags may come before or after the operands. 'edgeinfer VERB -h' shows a
verb's usage. Exit status: 0 success, 1 failure, 2 bad command line; a
failure prints one line, "edgeinfer: VERB: what went wrong", on stderr.
`

func helpMain(cl *cli, args []string) error {
	fs := newVerbFlags("help", "edgeinfer help [VERB]", "Shows the verbs, or the usage of one verb (as 'edgeinfer VERB -h' does).")
	operands, err := fs.parse(cl, args)
	if err != nil {
		return err
	}
	switch len(operands) {
	case 0:
		fmt.Fprint(cl.stdout, overview)
		tw := tabwriter.NewWriter(cl.stdout, 0, 8, 2, ' ', 0)
		for _, c := range commands() {
			fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
		}
		tw.Flush()
		fmt.Fprint(cl.stdout, footer)
		return nil
	case 1:
		c, ok := lookup(operands[0])
		if !ok {
			return usagef("unknown verb %q (verbs: %s)", operands[0], verbNames())
		}
		// Every verb prints its usage for -h and returns flag.ErrHelp.
		return c.main(cl, []string{"-h"})
	}
	return usagef("want at most one verb, got %d operands", len(operands))
}
