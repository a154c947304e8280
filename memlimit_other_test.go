//go:build !linux || race

package aniso

import "errors"

// limitAddressSpace is a no-op here: the race detector reserves far more
// address space than any limit that would mean something, and other
// systems have no portable limit. The allocation checks still run.
func limitAddressSpace(uint64) error {
	return errors.New("not supported on this build")
}
