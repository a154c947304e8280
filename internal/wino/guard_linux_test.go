//go:build linux

package wino

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"unsafe"
)

// guardedPages returns the float32s of pages pages of memory that lie
// between two pages which fault when touched.
func guardedPages(t *testing.T, pages int) []float32 {
	t.Helper()
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, (pages+2)*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skip("mmap:", err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	if syscall.Mprotect(mem[:page], syscall.PROT_NONE) != nil || syscall.Mprotect(mem[(pages+1)*page:], syscall.PROT_NONE) != nil {
		t.Skip("mprotect failed")
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&mem[page])), pages*page/4)
}

// edge returns the first m elements of mem, or the last ones.
func edge(mem []float32, m int, first bool) []float32 {
	if first {
		return mem[:m]
	}
	return mem[len(mem)-m:]
}

// TestGuardPages runs the transforms, the Edge ones with windows across
// the plane's edges, with each source and destination flush against
// memory that faults when touched, first at its start and then at its
// end: a read or write of any element before the first one the transform
// may touch or after the last one crashes the test.
func TestGuardPages(t *testing.T) {
	srcMem, dstMem := guardedPages(t, 4), guardedPages(t, 4)
	if len(srcMem) < 16*256 {
		t.Skip("pages too small")
	}
	withLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(9, 10))
		fill := func(s []float32) {
			for i := range s {
				s[i] = value(rng, false)
			}
		}
		check := func(name string, got, want []float32) {
			for i := range want {
				if !same(got[i], want[i], true) {
					t.Fatalf("%s: dst[%d] = %v, want %v", name, i, got[i], want[i])
				}
			}
		}
		for _, n := range append(sizes()[1:71], 128, 256) {
			for _, first := range []bool{true, false} {
				name := fmt.Sprintf("n=%d first=%t", n, first)

				lds := 2*n + 3
				src := edge(srcMem, layout{4, lds, 2*n + 2}.span(), first)
				dst := edge(dstMem, 16*n, first)
				want := make([]float32, 16*n)
				fill(src)
				Input(dst, n, src, lds, n)
				inputGo(want, n, src, lds, n)
				check("Input "+name, dst, want)

				src = edge(srcMem, 16*n, first)
				dst = edge(dstMem, layout{2, lds, 2 * n}.span(), first)
				want = make([]float32, len(dst))
				fill(src)
				Output(dst, lds, src, n, n, 0.5)
				outputGo(want, lds, src, n, n, 0.5)
				for a := range 2 {
					check("Output "+name, dst[a*lds:a*lds+2*n], want[a*lds:a*lds+2*n])
				}

				src = edge(srcMem, layout{2, lds, 2 * n}.span(), first)
				dst = edge(dstMem, 16*n, first)
				want = make([]float32, 16*n)
				fill(src)
				Grad(dst, n, src, lds, n)
				gradGo(want, n, src, lds, n)
				check("Grad "+name, dst, want)

				// A plane of 4 rows whose windows cross all four edges:
				// the first tile reads column −1 and the last ones the
				// columns past w, the windows row −1 or row 4. Here and
				// below, the hints point far off, where a load or a store
				// would fault.
				w := 2*n - 1
				for _, lds := range []int{w, w + 3} {
					for _, r0 := range []int{-1, 1} {
						plane := edge(srcMem, layout{4, lds, w}.span(), first)
						dst = edge(dstMem, 16*n, first)
						want = make([]float32, 16*n)
						fill(plane)
						InputEdge(dst, n, plane, lds, 4, w, r0, -1, n, 1<<40)
						inputEdgeGo(want, n, plane, lds, 4, w, r0, -1, 0, n)
						check(fmt.Sprintf("InputEdge %s lds=%d r0=%d", name, lds, r0), dst, want)
					}
				}
				for rows := 1; rows <= 2; rows++ {
					l := layout{rows, lds, w}
					src = edge(srcMem, 16*n, first)
					dst = edge(dstMem, l.span(), first)
					want = make([]float32, len(dst))
					fill(src)
					OutputEdge(dst, lds, rows, w, src, n, n, 0.5, 1<<40)
					outputEdgeGo(want, lds, rows, w, src, n, 0, n, 0.5)
					for a := range rows {
						check(fmt.Sprintf("OutputEdge %s rows=%d", name, rows), dst[a*lds:a*lds+w], want[a*lds:a*lds+w])
					}

					src = edge(srcMem, l.span(), first)
					dst = edge(dstMem, 16*n, first)
					want = make([]float32, 16*n)
					fill(src)
					GradEdge(dst, n, src, lds, rows, w, n, 1<<40)
					gradEdgeGo(want, n, src, lds, rows, w, 0, n)
					check(fmt.Sprintf("GradEdge %s rows=%d", name, rows), dst, want)
				}
			}
		}
	})
}
