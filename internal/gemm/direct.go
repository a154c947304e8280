package gemm

import "math/bits"

// Direct computes
//
//	C = A·B + beta·C,   beta 0 or 1,
//
// for the m×cols matrix C (rows ldc apart, cols ≤ 64) and the m×k matrix A
// (rows lda apart, k = cin·taps), reading B straight from src, where the
// rows of an im2col tile lie: row c·taps + t of B, tap t of channel c, has
//
//	B[c·taps+t, j] = src[c·sc + bases[t] + j]   where bit j of masks[t] is set,
//	B[c·taps+t, j] = 0                          where it is not.
//
// It is the product SgemmFrom computes with a source that fills its panels
// with GatherTaps, without the panels: the kernel loads each row of B from
// the tensor under its mask as it multiplies, so B is neither written nor
// read twice. Each element of C is summed over the taps in increasing order
// and, within a tap, over the channels in increasing order, an order fixed
// by cin and taps alone; beta = 0 writes C without reading it. Only the
// elements the masks select are read.
//
// Direct panics if cols > 64, a mask selects a column at or past cols,
// beta is neither 0 nor 1, or an operand is too short: A for its m rows,
// C for its m×cols corner, src for an element a mask selects.
func Direct(m, cin, taps int, a []float32, lda int, src []float32, sc int, bases []int, masks []uint64, cols int, beta float32, c []float32, ldc int) {
	if m < 0 || cin < 0 || taps < 0 || cols < 0 || cols > 64 || sc < 0 || len(bases) < taps || len(masks) < taps || beta != 0 && beta != 1 {
		panic("gemm: bad arguments to Direct")
	}
	if m == 0 || cols == 0 {
		return
	}
	k := cin * taps
	if lda < k || ldc < cols || len(a) < (m-1)*lda+k || len(c) < (m-1)*ldc+cols {
		panic("gemm: Direct operand too short")
	}
	if k == 0 {
		scale(m, cols, beta, c, ldc)
		return
	}
	for t, mk := range masks[:taps] {
		if mk == 0 {
			continue
		}
		last := 63 - bits.LeadingZeros64(mk)
		if last >= cols || bases[t]+bits.TrailingZeros64(mk) < 0 || (cin-1)*sc+bases[t]+last >= len(src) {
			panic("gemm: Direct reads outside its operands")
		}
	}
	kn := pickDirect()
	cb := blockSize(cin, max(1, directDepth/taps), 1)
	for c0 := 0; c0 < cin; c0 += cb {
		n := min(cb, cin-c0)
		for i := 0; i < m; i += 4 {
			rows := min(4, m-i)
			kn.tile(rows, n, taps, a[i*lda+c0*taps:], lda, src[c0*sc:], sc, bases[:taps], masks[:taps], cols, beta, c[i*ldc:], ldc)
		}
		beta = 1
	}
}

// directDepth bounds the rows of B, channels times taps, of one slice of
// Direct's product: the channels of a slice are multiplied by every block
// of four rows of A before the next slice starts, so the tensor rows they
// read stay in the first-level cache (at 3×3 taps, 16 channels read 48
// rows of about 70 floats, 13 KiB) rather than being fetched again for
// each block, at the cost of one pass over C per slice.
const directDepth = 144

// A directKernel computes up to four rows of Direct's C: rows rows of A,
// lda apart, and the rows×cols corner of C.
type directKernel struct {
	name string
	// ok reports whether this machine can run the kernel.
	ok   bool
	tile func(rows, cin, taps int, a []float32, lda int, src []float32, sc int, bases []int, masks []uint64, cols int, beta float32, c []float32, ldc int)
}

// directGeneric is the reference kernel of Direct, written in Go.
var directGeneric = &directKernel{name: "generic", ok: true, tile: directTileGeneric}

// directKernels lists the kernels of Direct of this build, the preferred
// ones first.
var directKernels = append(directArch, directGeneric)

// directForced, when set by the tests, is the kernel Direct uses.
var directForced *directKernel

// pickDirect returns the first kernel of directKernels the machine runs.
func pickDirect() *directKernel {
	if directForced != nil {
		return directForced
	}
	for _, kn := range directKernels {
		if kn.ok {
			return kn
		}
	}
	return directGeneric
}

// DirectPays reports whether Direct runs a kernel in assembly, with B
// loaded by vector instructions, and so is expected to beat SgemmFrom
// with panels filled by GatherTaps. The Go kernel reads B element by
// element: there the panels are faster.
func DirectPays() bool {
	return pickDirect() != directGeneric
}

// directTileGeneric is the tile function of directGeneric: one element of C
// at a time, summed in Direct's order. The zeros of B are multiplied as the
// assembly kernels multiply them, so an infinite weight beside a padded
// element gives NaN in every kernel.
func directTileGeneric(rows, cin, taps int, a []float32, lda int, src []float32, sc int, bases []int, masks []uint64, cols int, beta float32, c []float32, ldc int) {
	for i := 0; i < rows; i++ {
		ar := a[i*lda : i*lda+cin*taps]
		cr := c[i*ldc : i*ldc+cols]
		for j := range cr {
			var s float32
			for t, mk := range masks {
				for ch := 0; ch < cin; ch++ {
					var b float32
					if mk>>j&1 != 0 {
						b = src[ch*sc+bases[t]+j]
					}
					s += ar[ch*taps+t] * b
				}
			}
			if beta != 0 {
				s += cr[j]
			}
			cr[j] = s
		}
	}
}
