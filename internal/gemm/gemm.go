// Package gemm is the single seam through which aniso multiplies matrices.
//
// Every product in the package goes through Sgemm, so a faster kernel can
// replace the call here without touching im2col, packing or the operators.
// SgemmFrom is the same product with op(B) supplied by a PanelSource one
// micro-panel at a time, as the kernel needs it, so that an operand
// computed on the fly (an im2col tile) is never stored whole, and
// SgemmFromPacked and SgemmPacked keep A packed in a PackedA across a
// series of products with one A (the weights against each im2col tile);
// GatherTaps
// fills such panels from the rows of an im2col tile, and PackRows from the
// rows of a transposed one.
//
// Sgemm looks at gonum's blas32 at every call, never caching the choice. When
// blas32.Implementation() is gonum's default, a value of type
// gonum.Implementation, Sgemm multiplies with this package's own kernel;
// otherwise a program has called blas32.Use (for example with OpenBLAS
// through gonum's netlib package) and Sgemm hands the product to that
// implementation's Sgemm.
//
// The own kernel is a packed, cache-blocked GEMM: panels of op(A) and op(B)
// are copied into contiguous micro-panels and a register-tiled micro-kernel
// computes one mr×nr tile of C at a time. The micro-kernels form a registry
// (kernel.go): each declares its tile, what the CPU needs to run it and how
// it treats the edges of C, and the driver picks one by the CPU, found at
// start-up with golang.org/x/sys/cpu, and by the shape of the product. On
// amd64 with AVX-512F two assembly kernels, 4×64 for products of few rows
// or many columns and 16×16 for the others, mask their edge rows and
// columns; with AVX2 and FMA a 6×16 assembly kernel, and on other amd64
// processors a 4×8 SSE one, work on copies of their edge tiles; elsewhere,
// or when built with the purego tag, a 4×12 kernel in Go runs instead. The
// assembly kernels read a row-major op(B) where it lies when the product
// has at most one block of rows, which could not repay packing it.
//
// The kernel is single-threaded (callers parallelise over independent
// output tiles), allocates nothing in steady state (the pack buffers of a
// finished call are kept for the next one), and is deterministic: each
// element of C is summed over k in an order fixed by k alone, so the same
// inputs give the same bits on every call, whatever the shape of the
// surrounding product. The bits do depend on the kernel family: the AVX
// kernels fuse each multiply-add into one rounding and agree with each
// other bit for bit, while the SSE kernel, and the Go one where the
// compiler does not fuse them (amd64 below v3), round products and sums
// separately and agree with each other bit for bit.
package gemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"
)

// Sgemm computes
//
//	C = alpha·op(A)·op(B) + beta·C
//
// for row-major matrices, where op(A) is m×k, op(B) is k×n and C is m×n.
// op(X) is X transposed when the corresponding flag is set. Empty products
// (m, n or k zero) and alpha = 0 only scale C by beta; beta = 0 overwrites C
// without reading it, so C may hold NaN on entry.
//
// Sgemm panics, as gonum's BLAS does, when a dimension is negative, a
// leading dimension is shorter than its row, or a slice is too short for the
// matrix it holds.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	impl := blas32.Implementation()
	if _, ok := impl.(gonum.Implementation); ok {
		check(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
		if alpha == 0 {
			scale(m, n, beta, c, ldc)
			return
		}
		sgemm(transA, transB, m, n, k, alpha, a, lda, nil, b, ldb, beta, c, ldc)
		return
	}
	tA, tB := blas.NoTrans, blas.NoTrans
	if transA {
		tA = blas.Trans
	}
	if transB {
		tB = blas.Trans
	}
	impl.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// check panics unless the arguments describe matrices that lie inside their
// slices: A is m×k (k×m when transposed) with rows lda apart, B is k×n (n×k)
// with rows ldb apart and C is m×n with rows ldc apart; a nil b is not
// checked (SgemmFrom's op(B) comes from a PanelSource). Sgemm has already
// returned for m, n or k zero.
func check(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic("gemm: negative dimension")
	}
	rowsA, colsA := m, k
	if transA {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if transB {
		rowsB, colsB = n, k
	}
	switch {
	case lda < colsA:
		panic("gemm: bad leading dimension of A")
	case ldb < colsB:
		panic("gemm: bad leading dimension of B")
	case ldc < n:
		panic("gemm: bad leading dimension of C")
	case len(a) < lda*(rowsA-1)+colsA:
		panic("gemm: insufficient length of A")
	case b != nil && len(b) < ldb*(rowsB-1)+colsB:
		panic("gemm: insufficient length of B")
	case len(c) < ldc*(m-1)+n:
		panic("gemm: insufficient length of C")
	}
}

// scale sets C = beta·C for the m×n matrix C, writing zeros when beta is 0.
func scale(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
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

// MaxPanel is the widest micro-panel, nr, that SgemmFrom asks a
// PanelSource for.
const MaxPanel = 64

// A PanelSource supplies op(B) to SgemmFrom one micro-panel at a time, so
// that a matrix computed on the fly (an im2col tile, say) never has to be
// stored whole.
type PanelSource interface {
	// Panel writes rows [p0, p0+kb) and columns [j0, j0+cols) of op(B)
	// into dst as a kb×nr row-major panel, row p−p0 at dst[(p−p0)·nr:],
	// with columns cols ≤ j < nr of every row set to zero; cols ≤ nr.
	Panel(dst []float32, nr, p0, kb, j0, cols int)
}

// SgemmFrom computes
//
//	C = op(A)·op(B) + beta·C
//
// for the row-major m×k matrix A (rows lda apart) and the m×n matrix C
// (rows ldc apart), asking src for op(B), k×n, one panel at a time right
// before the kernel uses it. It sums every element of C in the order of
// Sgemm, so the two give the same bits for the same op(B). It allocates
// nothing in steady state; the panels live in a buffer of the package.
//
// SgemmFrom reports false, doing nothing, when a program has called
// blas32.Use: an installed implementation can only multiply a stored op(B),
// so the caller builds it and calls Sgemm. It panics, as Sgemm does, on a
// negative dimension or on A or C too short for its matrix.
func SgemmFrom(m, n, k int, a []float32, lda int, src PanelSource, beta float32, c []float32, ldc int) bool {
	// A nil PackedA packs A for each product.
	return SgemmFromPacked(m, n, k, a, lda, nil, src, beta, c, ldc)
}

// A PackedA keeps the matrix A of SgemmFromPacked and SgemmPacked packed
// for the kernel, in a buffer its owner provides, so that a series of
// products with one A and many op(B) (the weights of a convolution against
// each tile of its im2col matrix) packs A once rather than once per
// product. The two functions pack A alike and may share a PackedA. It
// holds no reference to A. The zero value holds nothing and has no
// buffer.
type PackedA struct {
	buf           []float32
	mr, m, k, lda int // what buf holds: A, m×k with rows lda apart, for mr-row micro-panels; mr = 0 for nothing
}

// NewPackedA returns a PackedA that packs into buf, which it keeps. A buf
// of PackedSize(m, k) floats holds any m×k matrix for any kernel.
func NewPackedA(buf []float32) PackedA {
	return PackedA{buf: buf}
}

// Reset forgets the matrix p holds, so that the next product packs A
// afresh. Its owner calls it whenever the values of A may have changed.
func (p *PackedA) Reset() {
	p.mr = 0
}

// PackedSize returns the floats a PackedA needs to hold an m×k matrix
// packed for any kernel: m rounded up to the kernel's micro-panel height,
// times k.
func PackedSize(m, k int) int {
	n := 0
	for _, kn := range kernels {
		n = max(n, roundUp(m, kn.mr)*k)
	}
	return n
}

// SgemmPacked computes
//
//	C = alpha·A·op(B) + beta·C
//
// as Sgemm does for an A not transposed, with the same bits, packing A
// into pa and reusing it as SgemmFromPacked does. When a program has
// called blas32.Use it calls Sgemm, leaving pa as it is: the installed
// implementation packs A as it likes. It panics as Sgemm does.
func SgemmPacked(transB bool, m, n, k int, alpha float32, a []float32, lda int, pa *PackedA, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if _, ok := blas32.Implementation().(gonum.Implementation); !ok || m == 0 || n == 0 || k == 0 || alpha == 0 {
		Sgemm(false, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	check(false, transB, m, n, k, a, lda, b, ldb, c, ldc)
	sgemm(false, transB, m, n, k, alpha, a, lda, pa, b, ldb, beta, c, ldc)
}

// SgemmFromPacked computes
//
//	C = A·op(B) + beta·C
//
// as SgemmFrom does, with the same bits, packing A into pa and reusing
// it. The first product after pa.Reset, or one whose kernel packs A in
// another layout than pa holds or whose m, k or lda differ, packs A into
// pa; the others read pa and not a, so a must hold the same values on
// every call until pa is Reset. When pa's buffer is too small for A, A is
// packed for each product as SgemmFrom packs it. It reports false, doing
// nothing, when a program has called blas32.Use, and panics as SgemmFrom
// does.
func SgemmFromPacked(m, n, k int, a []float32, lda int, pa *PackedA, src PanelSource, beta float32, c []float32, ldc int) bool {
	if _, ok := blas32.Implementation().(gonum.Implementation); !ok {
		return false
	}
	if m == 0 || n == 0 {
		return true
	}
	if k == 0 {
		scale(m, n, beta, c, ldc)
		return true
	}
	check(false, false, m, n, k, a, lda, nil, n, c, ldc)
	sgemmFrom(m, n, k, a, lda, pa, src, beta, c, ldc)
	return true
}
