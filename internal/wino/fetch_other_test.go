//go:build !amd64 || purego

package wino

import "testing"

// fetchWrites returns the one way the Go versions fetch ahead: none.
func fetchWrites() []bool { return []bool{false} }

func setFetchWrite(bool) func() { return func() {} }

// withFetch runs f once.
func withFetch(t *testing.T, f func(t *testing.T)) { f(t) }
