// Package gemm is the single seam through which aniso multiplies matrices.
//
// Every product in the package goes through Sgemm, so a faster kernel can
// replace the call here without touching im2col, packing or the operators.
// The call is routed through gonum's blas32 at call time, never cached, so a
// program's blas32.Use choice (for example OpenBLAS through gonum's netlib
// package) takes effect.
package gemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// Sgemm computes
//
//	C = alpha·op(A)·op(B) + beta·C
//
// for row-major matrices, where op(A) is m×k, op(B) is k×n and C is m×n.
// op(X) is X transposed when the corresponding flag is set. Empty products
// (m, n or k zero) only scale C by beta.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	tA, tB := blas.NoTrans, blas.NoTrans
	if transA {
		tA = blas.Trans
	}
	if transB {
		tB = blas.Trans
	}
	blas32.Implementation().Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func scale(m, n int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}
