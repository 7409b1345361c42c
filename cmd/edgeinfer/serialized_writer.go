package main

import (
	"io"
	"os"

	"github.com/edgeinfer/edgeinfer/internal/syncwriter"
)

// serialized returns w itself when it is an *os.File, whose writes are
// safe to make from several goroutines, and otherwise w behind a mutex.
// The camera verb writes to stderr from its pipeline while os/exec copies a
// pipe source's stderr into the same writer from a goroutine of its own
// (exec passes an *os.File to the child directly, anything else through a
// pipe), so a writer such as a test's bytes.Buffer needs the lock.
func serialized(w io.Writer) io.Writer {
	if _, ok := w.(*os.File); ok {
		return w
	}
	return syncwriter.New(w)
}
