//go:build unix

package aniso

import (
	"syscall"
	"time"
)

// cpuTime returns the processor time the process has used.
func cpuTime() time.Duration {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
