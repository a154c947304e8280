//go:build !amd64 || purego

package wino

import "testing"

// withFetch runs f once: the Go versions fetch nothing ahead.
func withFetch(t *testing.T, f func(t *testing.T)) { f(t) }
