package kernels

import (
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// threadCPU returns the calling thread's CPU time.
func threadCPU() time.Duration {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts) != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

// cpuRate runs f (macs multiply-adds per call) n times on one locked OS
// thread and returns GMAC per second of that thread's CPU time: on a
// machine shared with other processes it does not count the time the
// thread waited for a core.
func cpuRate(macs float64, n int, f func()) float64 {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	t := threadCPU()
	for range n {
		f()
	}
	d := threadCPU() - t
	if d <= 0 {
		return 0
	}
	return macs * float64(n) / float64(d.Nanoseconds())
}
