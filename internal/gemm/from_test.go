package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
)

// matrixSource serves the panels of a row-major k×n matrix and fills the
// columns past the wanted ones with NaN before zeroing them, so a kernel
// that read a panel it was not given would show it.
type matrixSource struct {
	b     []float32
	ldb   int
	calls int
}

func (s *matrixSource) Panel(dst []float32, nr, p0, kb, j0, cols int) {
	s.calls++
	for p := 0; p < kb; p++ {
		row := dst[p*nr : (p+1)*nr]
		for j := range row {
			row[j] = float32(math.NaN())
		}
		copy(row, s.b[(p0+p)*s.ldb+j0:(p0+p)*s.ldb+j0+cols])
		clear(row[cols:])
	}
}

func TestSgemmFromMatchesSgemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	dims := []int{1, 2, 3, 4, 5, 7, 15, 16, 17, 33, 63, 64, 65, 97, 129, 150, 257, 300}
	for _, name := range append(variants(), "auto") {
		restore := selectKernel(name)
		for trial := 0; trial < 60; trial++ {
			m := dims[rng.IntN(len(dims))]
			n := dims[rng.IntN(len(dims))]
			k := dims[rng.IntN(len(dims))]
			lda, ldb, ldc := k+rng.IntN(3), n+rng.IntN(3), n+rng.IntN(3)
			a := randSlice(rng, m*lda)
			b := randSlice(rng, k*ldb)
			c0 := randSlice(rng, m*ldc)
			for _, beta := range []float32{0, 1, 0.5} {
				want := append([]float32(nil), c0...)
				got := append([]float32(nil), c0...)
				Sgemm(false, false, m, n, k, 1, a, lda, b, ldb, beta, want, ldc)
				src := &matrixSource{b: b, ldb: ldb}
				if !SgemmFrom(m, n, k, a, lda, src, beta, got, ldc) {
					t.Fatal("SgemmFrom declined with the default implementation")
				}
				for i := range want {
					if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
						t.Fatalf("kernel %s, %dx%dx%d beta %v: C[%d] = %v, Sgemm gives %v", name, m, n, k, beta, i, got[i], want[i])
					}
				}
				if src.calls == 0 {
					t.Fatalf("kernel %s, %dx%dx%d: source never asked", name, m, n, k)
				}
			}
		}
		restore()
	}
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

func TestSgemmFromDeclinesAfterUse(t *testing.T) {
	old := blas32.Implementation()
	blas32.Use(&counting{})
	defer blas32.Use(old)
	src := &matrixSource{b: make([]float32, 4), ldb: 2}
	c := make([]float32, 4)
	if SgemmFrom(2, 2, 2, make([]float32, 4), 2, src, 0, c, 2) || src.calls != 0 {
		t.Fatal("SgemmFrom ran with another implementation installed")
	}
}

func ExampleSgemmFrom() {
	// op(B) is the 2×3 matrix of ones, served panel by panel.
	ones := &matrixSource{b: []float32{1, 1, 1, 1, 1, 1}, ldb: 3}
	a := []float32{1, 2, 3, 4}
	c := make([]float32, 6)
	SgemmFrom(2, 3, 2, a, 2, ones, 0, c, 3)
	fmt.Println(c)
	// Output: [3 3 3 7 7 7]
}

func TestGatherRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	src := randSlice(rng, 500)
	for _, nr := range []int{12, 16, 64} {
		for trial := 0; trial < 200; trial++ {
			offs := make([]int, 9)
			masks := make([]uint64, len(offs))
			for p := range offs {
				masks[p] = rng.Uint64() & (1<<nr - 1)
				if trial%3 == 0 {
					masks[p] = 1<<rng.IntN(nr+1) - 1
				}
				offs[p] = rng.IntN(len(src)-nr+1) - 3
				if offs[p] < 0 {
					masks[p] &^= 1<<-offs[p] - 1
				}
				if p%4 == 3 {
					masks[p] = 0
				}
			}
			dst := make([]float32, len(offs)*nr)
			for i := range dst {
				dst[i] = float32(math.NaN())
			}
			GatherRows(dst, nr, src, offs, masks)
			for p, o := range offs {
				for j := 0; j < nr; j++ {
					if masks[p] == 0 && j > 0 {
						break
					}
					got, set := dst[p*nr+j], masks[p]>>j&1 != 0
					switch {
					case masks[p] == 0:
						if !math.IsNaN(float64(got)) {
							t.Fatalf("nr %d: row %d with an empty mask written", nr, p)
						}
					case set && got != src[o+j], !set && math.Float32bits(got) != 0:
						t.Fatalf("nr %d: dst[%d][%d] = %v, mask %x", nr, p, j, got, masks[p])
					}
				}
			}
		}
	}
}
