//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

// directArch are the assembly kernels of Direct, the preferred ones first.
var directArch = []*directKernel{
	{name: "avx512", ok: cpu.X86.HasAVX512F, tile: directTile4x64},
}

// directTile4x64 is the tile function of the AVX-512 kernel of Direct. A
// tile of fewer than four rows points its missing rows of A at its last
// one and discards their sums, so the assembly reads only rows of A that
// exist. Direct has checked the bounds.
func directTile4x64(rows, cin, taps int, a []float32, lda int, src []float32, sc int, bases []int, masks []uint64, cols int, beta float32, c []float32, ldc int) {
	var ar [4]*float32
	for i := range ar {
		ar[i] = &a[min(i, rows-1)*lda]
	}
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
	direct4x64(cin, taps, &ar, s, sc, &bases[0], &masks[0], colMask, &c[0], ldc, rows, beta)
}

// direct4x64 computes the rows×64 tile of C for Direct with AVX-512F, cin,
// taps ≥ 1 and 1 ≤ rows ≤ 4: row i of the tile is accumulated in
// Z(4i)…Z(4i+3), as kernel4x64 does, from the rows of B loaded under the
// masks of their tap straight from src, the four elements of A broadcast
// from the rows a[0…3]. The loop over the channels of one tap changes no
// mask. When cols ≤ 48 or ≤ 32 only the first three or two vectors of
// each row are summed. The wanted rows and the columns of colMask are
// stored as acc + beta·C, or acc when beta is 0. Each load of a row of B
// also prefetches the cache lines of the same row one and two tiles of 64
// columns on, which the next products of an im2col tile usually read (a
// prefetch never faults): in a 3×3 convolution of 100×100 images this
// took 0.90 of the time without it, the first tile alone 0.93.
//
//go:noescape
func direct4x64(cin, taps int, a *[4]*float32, src *float32, sc int, bases *int, masks *uint64, colMask uint64, c *float32, ldc, rows int, beta float32)
