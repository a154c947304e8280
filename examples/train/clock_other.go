//go:build !unix

package main

import "time"

// cpuTime reports that processor time is not available on this system.
func cpuTime() (time.Duration, bool) { return 0, false }
