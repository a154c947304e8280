package aniso

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/anisoconv/aniso/internal/gemm"
)

// TestDirectGemm compares the direct products with the packed GEMM for
// the three forms the engine uses, both values of beta, empty depths and
// leading dimensions longer than the rows.
func TestDirectGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(81, 1))
	fill := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = 2*rng.Float32() - 1
		}
		return s
	}
	for _, form := range [][2]bool{{false, false}, {true, false}, {false, true}} {
		for range 50 {
			m, n, k := 1+rng.IntN(8), 1+rng.IntN(70), rng.IntN(9)
			if form[1] {
				k = rng.IntN(300)
			}
			rowsA, colsA, rowsB, colsB := m, k, k, n
			if form[0] {
				rowsA, colsA = k, m
			}
			if form[1] {
				rowsB, colsB = n, k
			}
			lda, ldb, ldc := colsA+rng.IntN(3), colsB+rng.IntN(3), n+rng.IntN(3)
			a, b := fill(max(1, rowsA*lda)), fill(max(1, rowsB*ldb))
			for _, beta := range []float32{0, 1} {
				want, got := fill(m*ldc), make([]float32, m*ldc)
				copy(got, want)
				if beta == 0 {
					for i := range got {
						got[i] = float32(math.NaN()) // beta 0 must not read C
					}
				}
				gemm.Sgemm(form[0], form[1], m, n, k, 1, a, lda, b, ldb, beta, want, ldc)
				directGemm(form[0], form[1], m, n, k, a, lda, b, ldb, beta, got, ldc)
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						w, g := want[i*ldc+j], got[i*ldc+j]
						if !(math.Abs(float64(w-g)) <= 1e-5*float64(k+1)) {
							t.Fatalf("form %v, %d×%d×%d, beta %v: C[%d,%d] = %v, want %v", form, m, n, k, beta, i, j, g, w)
						}
					}
				}
			}
		}
	}
}
