//go:build linux

package vec

import (
	"math"
	"syscall"
	"testing"
	"unsafe"
)

// guardedPages returns n floats of memory that fill whole pages between
// two pages that fault when touched, and a function that unmaps them.
func guardedPages(t *testing.T, n int) ([]float32, func()) {
	page := syscall.Getpagesize()
	size := (4*n + page - 1) / page * page
	mem, err := syscall.Mmap(-1, 0, size+2*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skip("mmap:", err)
	}
	if syscall.Mprotect(mem[:page], syscall.PROT_NONE) != nil || syscall.Mprotect(mem[page+size:], syscall.PROT_NONE) != nil {
		syscall.Munmap(mem)
		t.Skip("mprotect failed")
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&mem[page])), size/4), func() { syscall.Munmap(mem) }
}

// TestTransposeGuard runs Transpose at every level with the source and
// the destination flush against a page that faults when touched, at their
// start and at their end in turn, for every shape up to 40×40 (every edge
// of a block of 16 in both directions, in the first and later blocks): a
// read or a write of any element before the first or after the last
// crashes the test.
func TestTransposeGuard(t *testing.T) {
	const most = 40
	srcMem, freeSrc := guardedPages(t, most*(most+2))
	defer freeSrc()
	dstMem, freeDst := guardedPages(t, most*(most+2))
	defer freeDst()
	withLevel(t, func(t *testing.T) {
		for rows := 1; rows <= most; rows++ {
			for cols := 1; cols <= most; cols++ {
				lds, ldd := cols+(rows+cols)%3, rows+(rows*cols)%3
				ns, nd := (rows-1)*lds+cols, (cols-1)*ldd+rows
				for flush := 0; flush < 2; flush++ {
					// flush 0: src at its pages' start, dst at their end; 1: the other way.
					src, dst := srcMem[:ns], dstMem[len(dstMem)-nd:]
					if flush == 1 {
						src, dst = srcMem[len(srcMem)-ns:], dstMem[:nd]
					}
					for i := range src {
						src[i] = float32(i)
					}
					for i := range dst {
						dst[i] = sentinel
					}
					Transpose(dst, ldd, src, lds, rows, cols)
					for k := range dst {
						j, i := k/ldd, k%ldd
						want := sentinel
						if i < rows {
							want = src[i*lds+j]
						}
						if math.Float32bits(dst[k]) != math.Float32bits(want) {
							t.Fatalf("%d×%d lds=%d ldd=%d flush %d: dst[%d] = %v, want %v", rows, cols, lds, ldd, flush, k, dst[k], want)
						}
					}
				}
			}
		}
	})
}
