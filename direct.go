package aniso

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/anisoconv/aniso/internal/gemm"
)

// maxDirect is the largest weight matrix, cout × cin·taps elements, whose
// products run as direct loops instead of the packed GEMM. With so few
// rows or so shallow a depth the GEMM spends its time packing panels and
// filling the edges of its register tiles: a single-channel 4-tap
// convolution runs two to four times faster directly.
const maxDirect = 8

// sgemm computes C = op(A)·op(B) + beta·C, beta 0 or 1, for the engine's
// current call: by direct loops when e.small is set, otherwise through
// gemm.Sgemm.
func (e *engine) sgemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if e.small {
		directGemm(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemm.Sgemm(transA, transB, m, n, k, 1, a, lda, b, ldb, beta, c, ldc)
}

// smallProducts reports whether the products of a call may run as direct
// loops: the weight matrix is at most maxDirect elements and gonum's
// blas32 has its default implementation, the one the package's own GEMM
// stands for. After blas32.Use every product goes to the implementation
// installed.
func (e *engine) smallProducts() bool {
	if e.cout*e.cin*e.tapsMax > maxDirect {
		return false
	}
	_, ok := blas32.Implementation().(gonum.Implementation)
	return ok
}

// directGemm computes C = op(A)·op(B) + beta·C, beta 0 or 1, for the three
// forms the engine uses: A·B and Aᵀ·B with a shallow op(A) (at most
// maxDirect elements), as sums of scaled rows of B, and A·Bᵀ with few
// results, as dot products over the long shared dimension. The order of
// every sum is fixed by the shapes alone.
func directGemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if transB {
		for i := 0; i < m; i++ {
			ci := c[i*ldc : i*ldc+n]
			for j := range ci {
				d := rowDot(a, i, lda, transA, b[j*ldb:j*ldb+k])
				if beta != 0 {
					d += ci[j]
				}
				ci[j] = d
			}
		}
		return
	}
	// op(A)[i, p] is a[i·si + p·sp].
	si, sp := lda, 1
	if transA {
		si, sp = 1, lda
	}
	for i := 0; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		set := beta == 0 // the first pass writes ci instead of adding to it
		if set && k == 0 {
			clear(ci)
		}
		p := 0
		for ; p+4 <= k; p += 4 {
			w0, w1, w2, w3 := a[i*si+p*sp], a[i*si+(p+1)*sp], a[i*si+(p+2)*sp], a[i*si+(p+3)*sp]
			r0 := b[p*ldb : p*ldb+n][:len(ci)]
			r1 := b[(p+1)*ldb : (p+1)*ldb+n][:len(ci)]
			r2 := b[(p+2)*ldb : (p+2)*ldb+n][:len(ci)]
			r3 := b[(p+3)*ldb : (p+3)*ldb+n][:len(ci)]
			if set {
				for j := range ci {
					ci[j] = w0*r0[j] + w1*r1[j] + w2*r2[j] + w3*r3[j]
				}
				set = false
				continue
			}
			for j := range ci {
				ci[j] += w0*r0[j] + w1*r1[j] + w2*r2[j] + w3*r3[j]
			}
		}
		for ; p < k; p++ {
			w := a[i*si+p*sp]
			r := b[p*ldb : p*ldb+n][:len(ci)]
			if set {
				for j := range ci {
					ci[j] = w * r[j]
				}
				set = false
				continue
			}
			for j := range ci {
				ci[j] += w * r[j]
			}
		}
	}
}

// rowDot returns Σ_p op(A)[i, p]·bj[p], summed in four interleaved partial
// sums.
func rowDot(a []float32, i, lda int, transA bool, bj []float32) float32 {
	var s0, s1, s2, s3 float32
	k := len(bj)
	if transA {
		for p := 0; p < k; p++ {
			s0 += a[p*lda+i] * bj[p]
		}
		return s0
	}
	ai := a[i*lda : i*lda+k]
	p := 0
	for ; p+4 <= k; p += 4 {
		s0 += ai[p] * bj[p]
		s1 += ai[p+1] * bj[p+1]
		s2 += ai[p+2] * bj[p+2]
		s3 += ai[p+3] * bj[p+3]
	}
	for ; p < k; p++ {
		s0 += ai[p] * bj[p]
	}
	return (s0 + s1) + (s2 + s3)
}
