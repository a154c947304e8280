//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

// archKernels are the assembly kernels, the preferred ones first. cpu
// reports AVX2 and FMA only when the operating system saves the YMM
// registers, and AVX512F only when it also saves the ZMM and opmask
// registers.
var archKernels = []*microKernel{
	{
		// Four rows of four vectors need only four broadcasts and four
		// loads of B̃ for sixteen multiply-adds, and keep sixteen
		// independent sums even for a product of one row; but a product
		// narrower than about one and a half tiles wastes much of its
		// last one, where the 16×16 kernel wastes less.
		name: "avx512x4", mr: 4, nr: 64, masked: true, strided: true, fused: true,
		ok:    cpu.X86.HasAVX512F,
		suits: func(m, n int) bool { return m <= 8 || n >= 96 },
		tile:  tile4x64,
	},
	{
		name: "avx512", mr: 16, nr: 16, masked: true, strided: true, fused: true,
		ok:   cpu.X86.HasAVX512F,
		tile: tile16x16,
	},
	{
		name: "avx2", mr: 6, nr: 16, strided: true, fused: true,
		ok:   cpu.X86.HasAVX2 && cpu.X86.HasFMA,
		tile: tile6x16,
	},
	{
		// SSE2 is part of amd64, so this kernel serves every processor
		// without AVX2 and FMA. It rounds each product and each sum, as
		// the generic kernel does where the compiler does not fuse them,
		// and gives the same bits there. Four rows of two vectors leave
		// registers for the B̃ row, the Ã column and its broadcasts; a
		// 4×12 tile, which has to reload B̃ for every row, ran as fast
		// on products of 400 columns and a sixth slower on 1000.
		name: "sse", mr: 4, nr: 8, strided: true,
		ok:   true,
		tile: tile4x8,
	},
}

// tile16x16 is the tile function of the AVX-512 kernel. The slices are
// checked here, so the assembly reads and writes only inside them.
func tile16x16(k, rows, cols int, a, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
	_ = a[k*16-1]
	_ = b[(k-1)*ldb+cols-1]
	_ = c[(rows-1)*ldc+cols-1]
	kernel16x16(k, rows, cols, &a[0], &b[0], ldb, &c[0], ldc, alpha, beta)
}

// tile4x64 is the tile function of the AVX-512 kernel for products of few
// rows. The slices are checked here, so the assembly reads and writes only
// inside them.
func tile4x64(k, rows, cols int, a, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
	_ = a[k*4-1]
	_ = b[(k-1)*ldb+cols-1]
	_ = c[(rows-1)*ldc+cols-1]
	// Bits 16g to 16g+15 of masks select the wanted columns among columns
	// 16g to 16g+15 of the tile.
	masks := uint64(1)<<cols - 1
	if cols == 64 {
		masks = 1<<64 - 1
	}
	kernel4x64(k, rows, masks, &a[0], &b[0], ldb, &c[0], ldc, alpha, beta)
}

// kernel4x64 computes the rows×cols corner of a 4×64 tile with AVX-512F
// for k ≥ 1, 1 ≤ rows ≤ 4 and 1 ≤ cols ≤ 64: row i of the tile is
// accumulated in Z(4i)…Z(4i+3), so even a single row has four independent
// sums of fused multiply-adds. Only the wanted rows are summed; the rows of
// B̃ are loaded, and C is read and written, under the four 16-lane masks
// packed in masks. When cols ≤ 32 only the first two vectors of each row
// are summed. The store forms C = alpha·acc + beta·C as kernel6x16 does.
//
//go:noescape
func kernel4x64(k, rows int, masks uint64, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

// kernel16x16 computes the rows×cols corner of a 16×16 tile with AVX-512F
// for k ≥ 1 and 1 ≤ rows, cols ≤ 16: row i of the tile is accumulated in
// Z(i) with fused multiply-adds whose Ã operand is broadcast from memory;
// the rows of B̃ are loaded, and C is read and written, under a mask of
// cols lanes. Only the rows up to the next multiple of four past rows are
// summed. The store forms C = alpha·acc + beta·C as kernel6x16 does.
//
//go:noescape
func kernel16x16(k, rows, cols int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

// tile6x16 is the tile function of the AVX2 kernel, which reads all 16
// columns of B̃ and writes the whole tile. The slices are checked here, so
// the assembly reads and writes only inside them.
func tile6x16(k, rows, cols int, a, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
	_ = a[k*6-1]
	_ = b[(k-1)*ldb+15]
	_ = c[5*ldc+15]
	kernel6x16(k, rows, &a[0], &b[0], ldb, &c[0], ldc, alpha, beta)
}

// kernel6x16 computes a 6×16 tile with AVX2 and FMA for k ≥ 1, with the rows
// of B̃ ldb apart: the tile is accumulated in twelve YMM registers with
// fused multiply-adds, then C = alpha·acc + beta·C is formed with one
// rounding of the product beta·C. Only four rows are summed when rows ≤ 4.
//
//go:noescape
func kernel6x16(k, rows int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

// tile4x8 is the tile function of the SSE kernel, which reads all 8
// columns of B̃ and writes the whole tile. The slices are checked here, so
// the assembly reads and writes only inside them.
func tile4x8(k, rows, cols int, a, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
	_ = a[k*4-1]
	_ = b[(k-1)*ldb+7]
	_ = c[3*ldc+7]
	kernel4x8(k, &a[0], &b[0], ldb, &c[0], ldc, alpha, beta)
}

// kernel4x8 computes a 4×8 tile with SSE2 for k ≥ 1, with the rows of B̃
// ldb apart: the tile is accumulated in eight XMM registers over p in
// increasing order, each product and each sum rounded on its own (MULPS,
// then ADDPS), and C = alpha·acc + beta·C is formed with the two products
// and their sum rounded, as the generic kernel forms it.
//
//go:noescape
func kernel4x8(k int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)

// transposePanel packs cols ≤ nr rows of length k, ld apart in src, as the
// first cols columns of the k rows of an nr-wide B micro-panel; see
// transposeGeneric. The assembly transposes 8×8 blocks in registers, sixteen
// columns of the panel at a time.
func transposePanel(dst []float32, nr int, src []float32, ld, k, cols int) {
	k8 := k &^ 7
	if k8 == 0 || !cpu.X86.HasAVX {
		transposeGeneric(dst, nr, src, ld, 0, k, cols)
		return
	}
	j := 0
	for ; j+16 <= cols; j += 16 {
		_ = src[(j+15)*ld+k-1]
		_ = dst[(k-1)*nr+j+15]
		transpose16(k8, &src[j*ld], ld, &dst[j], nr)
		transposeGeneric(dst[j:], nr, src[j*ld:], ld, k8, k, 16)
	}
	if j < cols {
		transposeGeneric(dst[j:], nr, src[j*ld:], ld, 0, k, cols-j)
	}
}

// transpose16 sets dst[p·ldd+j] = src[j·ld+p] for j < 16 and 0 ≤ p < k,
// for k a positive multiple of 8, with AVX.
//
//go:noescape
func transpose16(k int, src *float32, ld int, dst *float32, ldd int)
