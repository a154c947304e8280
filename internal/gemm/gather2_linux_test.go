//go:build linux

package gemm

import (
	"math/bits"
	"math/rand/v2"
	"syscall"
	"testing"
	"unsafe"
)

// TestGatherTaps2Guard runs GatherTaps2 on a source that fills one page
// between two pages that fault when touched, with masks whose first and
// last selected elements are the page's first and last: a read of any
// element outside them crashes the test.
func TestGatherTaps2Guard(t *testing.T) {
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 3*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skip("mmap:", err)
	}
	defer syscall.Munmap(mem)
	if syscall.Mprotect(mem[:page], syscall.PROT_NONE) != nil || syscall.Mprotect(mem[2*page:], syscall.PROT_NONE) != nil {
		t.Skip("mprotect failed")
	}
	n := page / 4
	src := unsafe.Slice((*float32)(unsafe.Pointer(&mem[page])), n)
	for i := range src {
		src[i] = float32(i)
	}
	rng := rand.New(rand.NewPCG(13, 14))
	got, want := make([]float32, 4*64), make([]float32, 4*64)
	for trial := 0; trial < 500; trial++ {
		m := rng.Uint64() | 1<<rng.IntN(64)
		if trial%2 == 0 {
			lo, hi := rng.IntN(64), rng.IntN(64)
			lo, hi = min(lo, hi), max(lo, hi)
			m = (1<<(hi-lo+1) - 1) << lo
		}
		first, last := bits.TrailingZeros64(m), 63-bits.LeadingZeros64(m)
		// Row 0 starts at the page's first float, row 3 ends at its last;
		// rows 1 and 3 read the odd elements of rows 0 and 2.
		bases := []int{-2 * first, 1 - 2*first, n - 2 - 2*last, n - 1 - 2*last}
		masks := []uint64{m, m, m, m}
		GatherTaps2(got, 64, src, 0, 0, 0, bases, masks)
		gatherTapsGo(want, 64, src, 2, 0, 0, 0, bases, masks)
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("mask %#x: element %d = %v, want %v", m, i, got[i], want[i])
			}
		}
	}
}
