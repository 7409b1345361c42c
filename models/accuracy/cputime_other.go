//go:build !unix

package main

import "time"

// cpuTime is 0 where getrusage does not exist: the report's process CPU
// time then reads 0.
func cpuTime() time.Duration { return 0 }
