//go:build !purego

package wino

import (
	"fmt"
	"testing"
)

// withFetch runs f with each way of fetching OutputEdge's lines ahead this
// machine runs: for reading, and for writing where the processor can.
func withFetch(t *testing.T, f func(t *testing.T)) {
	saved := fetchWrite
	defer func() { fetchWrite = saved }()
	for _, fw := range []bool{false, true} {
		if fw && !saved {
			continue
		}
		fetchWrite = fw
		t.Run(fmt.Sprintf("fetchWrite=%t", fw), f)
	}
}
