//go:build !purego

package wino

import (
	"fmt"
	"testing"
)

// fetchWrites returns the ways of fetching OutputEdge's lines ahead this
// machine runs: for reading, and for writing where the processor can.
func fetchWrites() []bool {
	if fetchWrite {
		return []bool{false, true}
	}
	return []bool{false}
}

// setFetchWrite sets fetchWrite to fw and returns what restores it.
func setFetchWrite(fw bool) func() {
	saved := fetchWrite
	fetchWrite = fw
	return func() { fetchWrite = saved }
}

// withFetch runs f with each of fetchWrites.
func withFetch(t *testing.T, f func(t *testing.T)) {
	for _, fw := range fetchWrites() {
		t.Run(fmt.Sprintf("fetchWrite=%t", fw), func(t *testing.T) {
			defer setFetchWrite(fw)()
			f(t)
		})
	}
}
