//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

// directArch are the assembly kernels of Direct, the preferred ones first.
var directArch = []*directKernel{
	{name: "avx512", ok: cpu.X86.HasAVX512F, mul: directMul4x64},
}

// directMul4x64 is the product function of the AVX-512 kernel of Direct,
// which runs every block of four rows of A in one call of the assembly.
// Direct has checked the bounds.
func directMul4x64(m, cin, taps int, a []float32, lda int, src []float32, sc int, bases []int, masks []uint64, cols int, beta float32, c []float32, ldc int) {
	colMask := uint64(1)<<cols - 1
	if cols == 64 {
		colMask = 1<<64 - 1
	}
	// A masked load never touches the elements its mask leaves out, but
	// the address of the first one must come from somewhere: src is only
	// indexed when some element is selected.
	var s *float32
	if len(src) > 0 {
		s = &src[0]
	}
	direct4x64(m, cin, taps, &a[0], lda, s, sc, &bases[0], &masks[0], colMask, &c[0], ldc, beta)
}

// direct4x64 computes the m×64 corner of C for Direct with AVX-512F, m,
// cin, taps ≥ 1, four rows at a time: row i of a block is accumulated in
// Z(4i)…Z(4i+3), as kernel4x64 does, from the rows of B loaded under the
// masks of their tap straight from src, the four elements of A broadcast
// from rows lda apart. A last block of fewer than four rows points its
// missing rows of A at its last one and discards their sums, so only rows
// of A that exist are read. The loop over the channels of one tap changes
// no mask. When cols ≤ 48 or ≤ 32 only the first three or two vectors of
// each row are summed. The rows of C and the columns of colMask are
// stored as acc + beta·C, or acc when beta is 0. Each load of a row of B
// also prefetches the cache lines of the same row one and two tiles of 64
// columns on, which the next products of an im2col tile usually read (a
// prefetch never faults): in a 3×3 convolution of 100×100 images this
// took 0.90 of the time without it, the first tile alone 0.93.
//
//go:noescape
func direct4x64(m, cin, taps int, a *float32, lda int, src *float32, sc int, bases *int, masks *uint64, colMask uint64, c *float32, ldc int, beta float32)
