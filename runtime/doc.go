// Package runtime loads edgeinfer models and runs them.
//
// Loading is the expensive part and happens once: Load maps the file,
// format validates it, and the planner resolves every operator to a kernel
// with its parameters (requantization multipliers, activation bounds,
// lookup tables, broadcast strides, resize tables, reduction geometry) and
// lays out one activation arena by tensor liveness. Weights are used in
// place from the mapping.
//
// An Interpreter owns one arena and a fixed pool of worker goroutines.
// Run walks the ops in order; each op's work units are split into one
// contiguous chunk per thread, computed by the caller and the workers. Run
// allocates nothing and takes no locks beyond the pool's hand-off, and the
// results do not depend on the thread count: every kernel computes its
// units independently.
//
//	m, err := runtime.Load("model.einf")
//	...
//	defer m.Close()
//	it, err := m.NewInterpreter(runtime.Options{Threads: 2})
//	...
//	defer it.Close()
//	it.SetInputImage(0, img)
//	it.Run()
//	top := it.TopK(0, 5, nil)
//
// Arena layout. Every activation buffer is rounded to 64 bytes. Graph
// inputs stay live for the whole run (one SetInput serves any number of
// Runs) and graph outputs from their producer to the end (nothing
// overwrites them). A RESHAPE is a view of its input's memory, and an op
// that computes output element i from input element i only (the int8
// lookup-table ops, clamps, float32 activations, int8 requantization, and
// ADD/SUB/MUL on a non-broadcast operand) writes over an input that dies
// at that op. The remaining buffers are placed by three greedy orders
// (TFLite's largest-first, greedy-by-breadth, first-use first-fit), and the
// smallest arena wins; ArenaLowerBound is the most bytes live at any op.
package runtime
