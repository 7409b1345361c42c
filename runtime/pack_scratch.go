package runtime

import "sync/atomic"

// scratchPool holds one interpreter's scratch buffers for kernels that
// need working memory (the im2col rows and packed activation panels of the
// assembly GEMMs). Ops run one after another, so all ops share the
// buffers; within an op, each concurrently running chunk takes its own
// buffer, so there are as many as the interpreter has threads. Buffers are
// sized while ops are bound (NewInterpreter); Run only takes and returns
// them, which allocates nothing.
type scratchPool struct {
	bufs [][]byte
	busy []atomic.Bool
}

// reserve makes every buffer at least n bytes, for up to threads
// concurrent users. It runs while binding, before any Run.
func (s *scratchPool) reserve(n, threads int) {
	if n <= 0 {
		return
	}
	threads = max(threads, 1)
	if len(s.bufs) < threads {
		s.bufs = append(s.bufs, make([][]byte, threads-len(s.bufs))...)
		s.busy = make([]atomic.Bool, threads)
	}
	for i := range s.bufs {
		if len(s.bufs[i]) < n {
			s.bufs[i] = newAlignedBytes(n)
		}
	}
}

// get takes a free buffer and returns its index (for put). At most
// len(bufs) chunks of an op run at once, so a free buffer always exists;
// the loop only retries lost races.
func (s *scratchPool) get() (int, []byte) {
	for {
		for i := range s.busy {
			if s.busy[i].CompareAndSwap(false, true) {
				return i, s.bufs[i]
			}
		}
	}
}

// put returns buffer i.
func (s *scratchPool) put(i int) { s.busy[i].Store(false) }
