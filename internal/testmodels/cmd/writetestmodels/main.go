// Command writetestmodels writes the test-model suite, built with the Go
// model builder (package builder), into a folder: for every case a float32
// and an int8 model file and a file of sample inputs for
// `edgeinfer run --input-raw`.
//
//	go run ./internal/testmodels/cmd/writetestmodels DIR
package main

import (
	"fmt"
	"os"

	"github.com/edgeinfer/edgeinfer/internal/testmodels"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: writetestmodels DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "writetestmodels:", err)
		os.Exit(1)
	}
	paths, err := testmodels.WriteAll(dir)
	for _, p := range paths {
		fmt.Println(p)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "writetestmodels:", err)
		os.Exit(1)
	}
}
