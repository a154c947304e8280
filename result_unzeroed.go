//go:build !purego

package aniso

import "unsafe"

// mallocgc is the runtime's allocator, which the Go runtime keeps
// reachable for packages outside the standard library. With needzero
// false and no type, it returns memory that holds no pointers and is not
// cleared first, as make would clear it.
//
//go:linkname mallocgc runtime.mallocgc
func mallocgc(size uintptr, typ unsafe.Pointer, needzero bool) unsafe.Pointer

// makeUnzeroed returns a slice of n float32s, n ≥ 1, whose elements hold
// whatever the memory last held.
func makeUnzeroed(n int) []float32 {
	return unsafe.Slice((*float32)(mallocgc(uintptr(n)*4, nil, false)), n)
}
