package gemm

import (
	"math"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"
)

// A Segment is a stretch of a row of op(B) in SgemmRuns: its N elements
// from column Pos lie in memory from offset Off of the row on.
type Segment struct{ Pos, N, Off int }

// SgemmRuns computes, for each list l of segments segs[lists[l]:lists[l+1]],
//
//	C_l = A·op(B_l) + C_l,
//	C_l[i][j] += Σ_s Σ_{t<s.N} A[i][s.Pos+t]·b[j·ldb + s.Off + t],
//
// for the row-major m×k matrix A (rows lda apart), whose rows are
// multiplied by the n rows of op(B_l), each made of the segments s of
// list l of the elements of b from j·ldb on, and the m×n matrices C_l
// whose element (i, j) lies at c[l·incl + i·ldc + j·incc]. Columns of
// op(B_l) that no segment covers hold zeros. It is a product whose depth
// runs along the rows of both operands, as that of a weight gradient runs
// along the output positions, the lists being the taps of a kernel: it
// reads A and b where they lie, a few rows of each at a time for every
// list, summing along the segments in vectors; nothing is packed,
// transposed or gathered into a tile first.
//
// Each element of C is summed in an order fixed by its segments alone:
// term t of a segment, at column Pos+t of A, goes to partial sum
// (Pos+t) mod 16 with a fused multiply-add, segment after segment in
// increasing t, so that the rows of A are read in whole aligned vectors
// where they start at one; the sixteen partial
// sums are then added in halves (l and l+8, then l and l+4, l and l+2, l
// and l+1), and the total is added to C.
//
// SgemmRuns reports false, doing nothing, when a program has called
// blas32.Use, whose implementation the caller reaches through Sgemm with
// stored operands. It panics on a negative dimension, lda < k, lists that
// do not step through segs, a segment outside the k columns or reaching
// outside b, or a slice too short for its matrix.
func SgemmRuns(m, n, k int, a []float32, lda int, b []float32, ldb int, segs []Segment, lists []int, c []float32, ldc, incc, incl int) bool {
	if _, ok := blas32.Implementation().(gonum.Implementation); !ok {
		return false
	}
	if m < 0 || n < 0 || k < 0 || ldb < 0 || ldc < 0 || incc < 0 || incl < 0 {
		panic("gemm: negative dimension")
	}
	nl := len(lists) - 1
	if m == 0 || n == 0 || nl < 1 {
		return true
	}
	if lda < k || len(a) < lda*(m-1)+k || len(c) < incl*(nl-1)+ldc*(m-1)+incc*(n-1)+1 {
		panic("gemm: bad A or C for SgemmRuns")
	}
	if lists[0] < 0 || lists[nl] > len(segs) {
		panic("gemm: bad lists for SgemmRuns")
	}
	for l := range nl {
		if lists[l] > lists[l+1] {
			panic("gemm: bad lists for SgemmRuns")
		}
	}
	for _, s := range segs[lists[0]:lists[nl]] {
		if s.N < 1 || s.Pos < 0 || s.Pos+s.N > k || s.Off < 0 || (n-1)*ldb+s.Off+s.N > len(b) {
			panic("gemm: SgemmRuns reads outside its operands")
		}
	}
	if !runsArch(m, n, a, lda, b, ldb, segs, lists, c, ldc, incc, incl) {
		runsGo(m, n, k, a, lda, b, ldb, segs, lists, c, ldc, incc, incl)
	}
	return true
}

// runsGo is the reference version of SgemmRuns' loops, for arguments it
// has checked, with m, n and k positive.
func runsGo(m, n, k int, a []float32, lda int, b []float32, ldb int, segs []Segment, lists []int, c []float32, ldc, incc, incl int) {
	var ap, bp [4][]float32
	var s [16]float32
	for j0 := 0; j0 < n; j0 += 4 {
		cols := min(4, n-j0)
		for q := range bp {
			// A tile of fewer than four rows repeats its last one,
			// whose sums it drops.
			j := j0 + min(q, cols-1)
			bp[q] = b[j*ldb:]
		}
		for i0 := 0; i0 < m; i0 += 4 {
			rows := min(4, m-i0)
			for r := range ap {
				i := i0 + min(r, rows-1)
				ap[r] = a[i*lda : i*lda+k]
			}
			for l := range len(lists) - 1 {
				if ls := segs[lists[l]:lists[l+1]]; len(ls) > 0 {
					dotTileGo(&ap, &bp, ls, &s)
					addTile(c[l*incl+i0*ldc+j0*incc:], ldc, incc, rows, cols, &s)
				}
			}
		}
	}
}

// addTile adds the rows×cols corner of the tile s, element (r, q) at
// s[4q+r], onto C, element (r, q) at c[r·ldc + q·incc].
func addTile(c []float32, ldc, incc, rows, cols int, s *[16]float32) {
	for r := 0; r < rows; r++ {
		row := c[r*ldc:]
		for q := 0; q < cols; q++ {
			row[q*incc] += s[q*4+r]
		}
	}
}

// RunsPay reports whether SgemmRuns sums with vector instructions.
// Elsewhere it runs its reference loops, slower than Sgemm.
func RunsPay() bool { return dotsFast() }

// dotTileGo sets s[4q+r] to the sum over the segments of a[r]·b[q],
// summed as SgemmRuns describes, for four rows of A and four of b whose
// segments SgemmRuns has checked. It is the reference for the vector
// kernel, and rounds each fused multiply-add once, as that does.
func dotTileGo(a, b *[4][]float32, segs []Segment, s *[16]float32) {
	for r := range a {
		for q := range b {
			var acc [16]float32
			for _, sg := range segs {
				ar, bq := a[r][sg.Pos:sg.Pos+sg.N], b[q][sg.Off:sg.Off+sg.N]
				for t := range ar {
					l := (sg.Pos + t) % 16
					acc[l] = fma32(ar[t], bq[t], acc[l])
				}
			}
			for h := 8; h >= 1; h /= 2 {
				for l := 0; l < h; l++ {
					acc[l] += acc[l+h]
				}
			}
			s[q*4+r] = acc[0]
		}
	}
}

// fma32 returns a·b + c rounded once to float32. The product is exact in
// float64 and the sum is rounded to float64 with round-to-odd, which
// leaves enough bits for the rounding to float32 to be the single correct
// one.
func fma32(a, b, c float32) float32 {
	p := float64(a) * float64(b)
	s := p + float64(c)
	if math.IsInf(s, 0) || math.IsNaN(s) {
		return float32(s)
	}
	// The error of the float64 sum (Knuth's two-sum).
	bv := s - p
	e := (p - (s - bv)) + (float64(c) - bv)
	if e != 0 {
		if u := math.Float64bits(s); u&1 == 0 {
			// Round to odd: step to the neighbour on the side of the
			// exact sum.
			if (e > 0) == (s > 0) {
				u++
			} else {
				u--
			}
			s = math.Float64frombits(u)
		}
	}
	return float32(s)
}
