//go:build !purego

package gemm

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// dotTileArch runs dotTile with AVX-512F and reports whether it did.
// SgemmRuns has checked that the segments lie inside the rows, so the
// assembly reads only inside them.
func dotTileArch(a, b *[4][]float32, segs []Segment, s *[16]float32) bool {
	if !dotsFast() {
		return false
	}
	var ptrs [8]unsafe.Pointer
	for i := range 4 {
		ptrs[i] = unsafe.Pointer(unsafe.SliceData(a[i]))
		ptrs[4+i] = unsafe.Pointer(unsafe.SliceData(b[i]))
	}
	dotRuns4x4(&ptrs, &segs[0], len(segs), s)
	return true
}

// dotRuns4x4 is dotTile for the rows whose first elements ptrs lists, the
// four of A and then the four of b, over the nseg ≥ 1 segments from segs.
//
//go:noescape
func dotRuns4x4(ptrs *[8]unsafe.Pointer, segs *Segment, nseg int, s *[16]float32)

func dotsFast() bool { return cpu.X86.HasAVX512F }
