//go:build !unix

package aniso

import "time"

// start is when the test binary began.
var start = time.Now()

// cpuTime returns the wall-clock time since the test binary began where the
// process's processor time is not available; BenchmarkPolyphase then
// reports elapsed time per call instead.
func cpuTime() time.Duration {
	return time.Since(start)
}
