//go:build linux && !race

package aniso

import "syscall"

// limitAddressSpace caps the process's address space at n bytes.
func limitAddressSpace(n uint64) error {
	return syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: n, Max: n})
}
