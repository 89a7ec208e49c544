//go:build unix

package report

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user and system, all threads) the process used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
