package camera

import (
	"reflect"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// settleRuntime brings the Go runtime, once, to the state a steady stream
// of frames keeps it in, so that the steady state allocates nothing at the
// process level. The loop's own code allocates nothing per frame; what
// allocated over a long run was the runtime's bookkeeping, grown lazily to
// the load's peaks:
//
//   - OS threads: when a goroutine is woken while a P is idle (seen:
//     runtime.ready -> wakep -> startm -> newm), blocks in a syscall
//     (writing a JSON line) or the world restarts after a stop (a GC,
//     ReadMemStats), the scheduler wants another M; if none is idle it
//     creates one, 7 heap objects (runtime.allocm: the m, its g0 and
//     gsignal goroutines, profiling stacks). Ms are never freed, so creating the most the process
//     can ever use up front leaves later hand-offs nothing to allocate.
//   - Heap: a GC now finishes the start-up garbage (model loading, the
//     first frames) and returns the freed pages to the OS, so RSS after
//     warm-up is the steady footprint, and the next forced GC (every 2
//     minutes) is as far away as it can be.
//   - sudogs, the wait records of blocked channel operations and
//     semaphores (the inference pool's handoffs, the frame slot): each P
//     caches up to 128 and overflows into a central list; a P whose cache
//     runs dry takes from the central list and allocates only if that is
//     empty too. Goroutines block on one P and wake on another, so the
//     caches drift; holding more sudogs than all caches but one can keep
//     means the central list is never empty. The GC above drops the central
//     list, so they are created after it. A later GC (the forced one every
//     2 minutes when nothing allocates) drops it again; the Ps' caches
//     then cover the drift only while they hold enough, which is likely
//     but not certain (a 10,000-frame run with one in its window: still
//     0 allocations).
//   - Timer heaps: a timer waits in the heap of the P it was started on,
//     and a channel timer (the stall timer) only while a goroutine is
//     blocked on it; a P's heap is a slice that grows by appending the
//     first time that P holds one, two, four timers (seen: 16 bytes in the
//     inference loop's select, the first time it blocked on that P).
//
// It runs once: a GC, a few dozen thread starts, 35 KiB of sudogs (two
// Ps) and at most 100 ms of waiting in growTimerHeaps.
func settleRuntime() {
	procs := runtime.GOMAXPROCS(0)
	// At most every goroutine can hold an M at once (running, in a
	// syscall, or locked), plus a spinning M per P, sysmon, the template
	// thread and the one blocked in the network poller.
	reserveThreads(runtime.NumGoroutine() + procs + 3)
	debug.FreeOSMemory()
	fillSudogCaches(sudogCacheCap*procs + 64)
	growTimerHeaps(timersPerP)
}

// timersPerP is how many timers each P's heap is grown to hold: the stall
// timer, the runtime's scavenger and stopped timers not yet cleared out,
// with room to spare.
const timersPerP = 16

// sudogCacheCap is the capacity of a P's sudog cache (runtime.p.sudogbuf).
const sudogCacheCap = 128

// reserveThreads makes the runtime hold at least n OS threads: n
// goroutines each lock their own thread and wait until all of them have,
// then unlock and exit, which parks their threads as idle Ms for the
// scheduler to reuse.
func reserveThreads(n int) {
	var locked, exited sync.WaitGroup
	release := make(chan struct{})
	locked.Add(n)
	exited.Add(n)
	for range n {
		go func() {
			defer exited.Done()
			runtime.LockOSThread()
			locked.Done()
			<-release
			// Unlocked before exiting: a goroutine that exits locked
			// takes its thread with it.
			runtime.UnlockOSThread()
		}()
	}
	locked.Wait()
	close(release)
	exited.Wait()
}

// fillSudogCaches makes the runtime hold at least n free sudogs: one
// goroutine blocks in a select over n channels, which takes a sudog per
// case, and releases them all when it wakes (filling its P's cache and
// overflowing into the central list).
func fillSudogCaches(n int) {
	cases := make([]reflect.SelectCase, n)
	for i := range cases {
		cases[i] = reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(make(chan struct{}))}
	}
	wake := cases[0].Chan.Interface().(chan struct{})
	done := make(chan struct{})
	go func() {
		reflect.Select(cases)
		close(done)
	}()
	// A send that does not wait succeeds only once the select is parked
	// on every channel (it locks them all while it queues its sudogs), so
	// it cannot be satisfied before it has taken them.
	for {
		select {
		case wake <- struct{}{}:
			<-done
			return
		default:
			runtime.Gosched()
		}
	}
}

// growTimerHeaps makes every P's timer heap hold n timers. A goroutine per
// P busy-waits until all of them run at once, which puts each on its own
// P, then starts n timers there (a func timer goes into its P's heap when
// started) and stops them; a heap keeps its capacity. The waits give up
// after 100 ms (a machine too loaded to run them together).
func growTimerHeaps(n int) {
	procs := int32(runtime.GOMAXPROCS(0))
	deadline := time.Now().Add(100 * time.Millisecond)
	var arrived, started atomic.Int32
	var done sync.WaitGroup
	barrier := func(c *atomic.Int32) {
		c.Add(1)
		for c.Load() < procs && time.Now().Before(deadline) {
		}
	}
	for range procs {
		done.Add(1)
		go func() {
			defer done.Done()
			timers := make([]*time.Timer, n)
			barrier(&arrived)
			for i := range timers {
				timers[i] = time.AfterFunc(time.Hour, func() {})
			}
			barrier(&started)
			for _, t := range timers {
				t.Stop()
			}
		}()
	}
	done.Wait()
}
