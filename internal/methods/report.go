package methods

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// Machine names the CPU, the threads and the Go version, for the head of
// a report: the model name from /proc/cpuinfo where there is one, else
// the architecture.
func Machine() string {
	cpu := runtime.GOARCH
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d threads, %s", cpu, runtime.GOMAXPROCS(0), runtime.Version())
}

// Dims writes a shape as its sizes joined by ×, as in 8×32×100×100.
func Dims(s []int) string {
	f := make([]string, len(s))
	for i, v := range s {
		f[i] = strconv.Itoa(v)
	}
	return strings.Join(f, "×")
}

// Sizes parses a comma-separated list of positive integers, as the
// commands' shape flags take them.
func Sizes(s string) ([]int, error) {
	var v []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a list of positive integers", s)
		}
		v = append(v, n)
	}
	return v, nil
}
