package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// BenchmarkSgemm compares the assembly and generic micro-kernels with
// gonum's Sgemm, on the products the convolution engine makes (forward,
// data gradient with op(A) transposed, weight gradient with op(B)
// transposed, for 32 output channels, 32 input channels with a 3×3 kernel
// and 4096 positions) and on square matrices. gonum's Sgemm spreads large
// products over GOMAXPROCS goroutines while this package's kernel stays on
// one; run with -cpu 1 to compare single threads.
func BenchmarkSgemm(b *testing.B) {
	cases := []struct {
		transA, transB bool
		m, n, k        int
	}{
		{false, false, 32, 4096, 288},
		{true, false, 288, 4096, 32},
		{false, true, 32, 288, 4096},
		{false, false, 256, 256, 256},
		{false, false, 1024, 1024, 1024},
	}
	impls := append(variants(), "gonum")
	for _, cs := range cases {
		op := map[bool]string{false: "N", true: "T"}
		name := fmt.Sprintf("op=%s%s/size=%dx%dx%d", op[cs.transA], op[cs.transB], cs.m, cs.n, cs.k)
		rng := rand.New(rand.NewPCG(1, 1))
		fill := func(n int) []float32 {
			s := make([]float32, n)
			for i := range s {
				s[i] = 2*rng.Float32() - 1
			}
			return s
		}
		a, bm, c := fill(cs.m*cs.k), fill(cs.k*cs.n), fill(cs.m*cs.n)
		lda, ldb := cs.k, cs.n
		if cs.transA {
			lda = cs.m
		}
		if cs.transB {
			ldb = cs.k
		}
		for _, impl := range impls {
			b.Run("impl="+impl+"/"+name, func(b *testing.B) {
				if impl != "gonum" {
					defer selectKernel(impl)()
				}
				tA, tB := blas.NoTrans, blas.NoTrans
				if cs.transA {
					tA = blas.Trans
				}
				if cs.transB {
					tB = blas.Trans
				}
				run := func() {
					if impl == "gonum" {
						gonum.Implementation{}.Sgemm(tA, tB, cs.m, cs.n, cs.k, 1, a, lda, bm, ldb, 0, c, cs.n)
						return
					}
					Sgemm(cs.transA, cs.transB, cs.m, cs.n, cs.k, 1, a, lda, bm, ldb, 0, c, cs.n)
				}
				// The first call fills the pool of pack buffers; the
				// allocation count is for the steady state.
				run()
				b.ReportAllocs()
				for b.Loop() {
					run()
				}
				b.ReportMetric(2*float64(cs.m)*float64(cs.n)*float64(cs.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
