//go:build !purego

package gemm

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// runsArch runs SgemmRuns with AVX-512F and reports whether it did. It
// tiles C by columns as the reference loops do, and each band of four
// columns by tiles of six rows, then five, then four, the lists innermost so
// that the rows of a tile stay in the first-level cache for all of them,
// handing the assembly the first element of each row; SgemmRuns has
// checked that the segments lie inside them and C inside c, so the
// assembly reads and writes only inside its operands. A whole tile has
// its lists run and added onto C by one call; an edge tile, whose extra
// rows repeat a row, one list at a time.
func runsArch(m, n int, a []float32, lda int, b []float32, ldb int, segs []Segment, lists []int, c []float32, ldc, incc, incl int) bool {
	if !dotsFast() {
		return false
	}
	if len(segs) == 0 {
		return true
	}
	var ptrs [8]unsafe.Pointer
	var s [16]float32
	// Tiles of six and five rows of A, m6 rows in all, where they make up
	// m, and otherwise of six where the rows left over make whole tiles of
	// four: a tile of six reads ten rows for 24 sums, one of five nine for
	// 20, one of four eight for 16.
	m6, m5 := m/6*6, 0
	for m6 >= 0 && (m-m6)%5 != 0 {
		m6 -= 6
	}
	if m6 >= 0 {
		m5 = m
	} else {
		m6 = m / 6 * 6
		for m6 > 0 && (m-m6)%4 != 0 {
			m6 -= 6
		}
		m5 = m6
	}
	for j0 := 0; j0 < n; j0 += 4 {
		cols := min(4, n-j0)
		for q := range 4 {
			// A tile of fewer than four rows repeats its last one,
			// whose sums it drops.
			ptrs[4+q] = unsafe.Pointer(&b[(j0+min(q, cols-1))*ldb])
		}
		i0 := 0
		if cols == 4 {
			for ; i0 < m6; i0 += 6 {
				dotLists6x4(&a[i0*lda], lda, &b[j0*ldb], ldb, &segs[0], &lists[0], len(lists)-1, &c[i0*ldc+j0*incc], ldc, incc, incl)
			}
			for ; i0 < m5; i0 += 5 {
				dotLists5x4(&a[i0*lda], lda, &b[j0*ldb], ldb, &segs[0], &lists[0], len(lists)-1, &c[i0*ldc+j0*incc], ldc, incc, incl)
			}
		}
		for ; i0 < m; i0 += 4 {
			rows := min(4, m-i0)
			for r := range 4 {
				ptrs[r] = unsafe.Pointer(&a[(i0+min(r, rows-1))*lda])
			}
			if rows == 4 && cols == 4 {
				dotLists4x4(&ptrs, &segs[0], &lists[0], len(lists)-1, &c[i0*ldc+j0*incc], ldc, incc, incl)
				continue
			}
			for l := range len(lists) - 1 {
				if lo, hi := lists[l], lists[l+1]; lo < hi {
					dotRuns4x4(&ptrs, &segs[lo], hi-lo, &s)
					addTile(c[l*incl+i0*ldc+j0*incc:], ldc, incc, rows, cols, &s)
				}
			}
		}
	}
	return true
}

// dotRuns4x4 sets s[4q+r] to the sum over the nseg ≥ 1 segments from
// segs of the products of row r of A and row q of b, summed as SgemmRuns
// describes, for the rows whose first elements ptrs lists, the four of A
// and then the four of b.
//
//go:noescape
func dotRuns4x4(ptrs *[8]unsafe.Pointer, segs *Segment, nseg int, s *[16]float32)

// dotLists4x4 adds, for each list l < nl of segments segs[lists[l]:lists[l+1]],
// the tile dotRuns4x4 sums over them onto C_l, whose element (r, q) lies
// at c[l·incl + r·ldc + q·incc].
//
//go:noescape
func dotLists4x4(ptrs *[8]unsafe.Pointer, segs *Segment, lists *int, nl int, c *float32, ldc, incc, incl int)

// dotLists6x4 is dotLists4x4 for a tile of six rows of A, lda apart from
// a on, and four rows of b, ldb apart from b on; element (r, q) of C_l
// lies at c[l·incl + r·ldc + q·incc].
//
//go:noescape
func dotLists6x4(a *float32, lda int, b *float32, ldb int, segs *Segment, lists *int, nl int, c *float32, ldc, incc, incl int)

// dotLists5x4 is dotLists6x4 for a tile of five rows of A.
//
//go:noescape
func dotLists5x4(a *float32, lda int, b *float32, ldb int, segs *Segment, lists *int, nl int, c *float32, ldc, incc, incl int)

func dotsFast() bool { return cpu.X86.HasAVX512F }
