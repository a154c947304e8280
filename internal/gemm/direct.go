package gemm

import (
	"math"
	"math/bits"
)

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
// read twice. The channels are taken in slices (see directSlice); each
// element of C is summed over a slice's taps in increasing order and,
// within a tap, over its channels in increasing order, and the sums of the
// slices are added onto C in order: an order fixed by cin, taps, sc,
// bases and masks alone. beta = 0 writes C without reading it. Only the elements the masks
// select are read.
//
// Direct panics if cols > 64, a mask selects a column at or past cols,
// beta is neither 0 nor 1, or an operand is too short: A for its m rows,
// C for its m×cols corner, src for an element a mask selects.
func Direct(m, cin, taps int, a []float32, lda int, src []float32, sc int, bases []int, masks []uint64, cols int, beta float32, c []float32, ldc int) {
	direct(false, m, cin, taps, a, lda, src, sc, bases, masks, cols, beta, c, ldc)
}

// DirectSplit is Direct for the taps of an input split into the phases of
// its strides, which read rows of their own rather than the neighbouring
// offsets of the same rows: its slices also hold at most directLines
// cache lines of the reads of their taps (see directSlice).
func DirectSplit(m, cin, taps int, a []float32, lda int, src []float32, sc int, bases []int, masks []uint64, cols int, beta float32, c []float32, ldc int) {
	direct(true, m, cin, taps, a, lda, src, sc, bases, masks, cols, beta, c, ldc)
}

// direct is Direct, with slices bounded by the lines of their taps' reads
// where split is set.
func direct(split bool, m, cin, taps int, a []float32, lda int, src []float32, sc int, bases []int, masks []uint64, cols int, beta float32, c []float32, ldc int) {
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
	cb := directSlice(cin, taps, sc, bases[:taps], masks[:taps], split)
	for c0 := 0; c0 < cin; c0 += cb {
		n := min(cb, cin-c0)
		// With every mask empty, src may end before channel c0.
		s := src[min(c0*sc, len(src)):]
		kn.mul(m, n, taps, a[c0*taps:], lda, s, sc, bases[:taps], masks[:taps], cols, beta, c, ldc)
		beta = 1
	}
}

// Direct multiplies the channels of B in slices: the channels of a slice
// are multiplied by every block of four rows of A before the next slice
// starts, so the tensor rows they read stay in the first-level cache
// rather than being fetched again for each block, at the cost of one pass
// over C per slice.
const (
	// directDepth bounds the rows of B, channels times taps, of a slice:
	// at 3×3 taps, 16 channels read 48 rows of about 70 floats, 13 KiB.
	directDepth = 144
	// directSets is the number of sets of the first-level data cache of
	// the processors with AVX-512 (48 KiB, 12 ways, or 32 KiB, 8 ways, of
	// 64-byte lines), and directWays the lines of a slice's channels that
	// one set may hold.
	directSets = 64
	directWays = 8
	// directLines bounds, in DirectSplit, the cache lines of a slice's
	// channels that the reads of its taps touch, each line counted once
	// however many taps read it (see tapLines).
	directLines = 288
)

// directSlice returns the channels of a slice of Direct's product for cin
// channels of taps taps, sc floats apart, whose taps read from bases under
// masks. Rows of the same offset in
// channels whose distance is a multiple of directSets cache lines (images
// of 32×32, 64×64, 128×128 samples…) fall into the same cache set, so a
// slice holds at most directWays of them: with 16, a 3×3 convolution of
// 64×64 images ran 15% slower than from gathered panels, with 8 it runs
// 10% faster. With split (DirectSplit), the taps read an input split into
// its phases, each from rows of its own where those of a unit stride read
// the neighbouring offsets of the same rows, and a slice of directDepth
// rows reads about twice as many lines: it holds at most directLines of
// them, with which 3×3 convolutions of stride 2 and 3 took 0.9 and 0.75
// of the time of slices of directDepth rows. Elsewhere the bound did not
// pay: a 4×4 convolution of stride 2 along the rows alone, reading 22
// lines per channel, took 1.06 times as long. A product of one tap keeps
// its slices of directDepth rows.
func directSlice(cin, taps, sc int, bases []int, masks []uint64, split bool) int {
	cb := max(1, directDepth/taps)
	if split && taps > 1 {
		cb = min(cb, max(1, directLines/max(1, tapLines(bases, masks))))
	}
	// Channel c starts c·step lines into the cycle of sets, so the
	// channels fall into directSets/g sets, g = gcd(step, directSets):
	// with directSets a power of two, the largest power of two dividing
	// step, or directSets itself when step is 0.
	step := sc * 4 / 64 % directSets
	g := 1 << bits.TrailingZeros(uint(step|directSets))
	return min(cb, max(1, directWays*directSets/g))
}

// maxLineTaps is the most taps whose lines tapLines counts; beyond it
// every tap counts lines of its own.
const maxLineTaps = 64

// tapLines returns the cache lines of 16 floats, counted from offset 0 of
// a channel, that the masked reads of the taps touch in one channel, each
// line once however many taps read it.
func tapLines(bases []int, masks []uint64) int {
	var lo, hi [maxLineTaps]int
	n := 0
	for t, mk := range masks {
		if mk == 0 {
			continue
		}
		a := (bases[t] + bits.TrailingZeros64(mk)) >> 4
		b := (bases[t]+63-bits.LeadingZeros64(mk))>>4 + 1
		if n == maxLineTaps {
			// Too many taps to sort: count every tap's lines.
			lines := 0
			for u, m := range masks {
				if m != 0 {
					lines += (bases[u]+63-bits.LeadingZeros64(m))>>4 + 1 - (bases[u]+bits.TrailingZeros64(m))>>4
				}
			}
			return lines
		}
		// Insertion by the first line, for the union below.
		i := n
		for i > 0 && lo[i-1] > a {
			lo[i], hi[i] = lo[i-1], hi[i-1]
			i--
		}
		lo[i], hi[i] = a, b
		n++
	}
	lines, end := 0, math.MinInt
	for i := 0; i < n; i++ {
		a := max(lo[i], end)
		if hi[i] > a {
			lines += hi[i] - a
			end = hi[i]
		}
	}
	return lines
}

// A directKernel computes the product of one slice of Direct's channels
// for every row of C: m rows of A, lda apart, and the m×cols corner of C,
// all in one call, so that a short product (32 rows of A of 32 channels
// and one tap, on the Winograd path) pays for one call rather than one
// per four rows.
type directKernel struct {
	name string
	// ok reports whether this machine can run the kernel.
	ok  bool
	mul func(m, cin, taps int, a []float32, lda int, src []float32, sc int, bases []int, masks []uint64, cols int, beta float32, c []float32, ldc int)
}

// directGeneric is the reference kernel of Direct, written in Go.
var directGeneric = &directKernel{name: "generic", ok: true, mul: directMulGeneric}

// directKernels lists the kernels of Direct of this build, the preferred
// ones first.
var directKernels = append(directArch, directGeneric)

// directForced, when set by the tests, is the kernel Direct uses.
var directForced *directKernel

// directBest is the first kernel of directKernels the machine runs.
var directBest = func() *directKernel {
	for _, kn := range directKernels {
		if kn.ok {
			return kn
		}
	}
	return directGeneric
}()

// pickDirect returns the kernel Direct runs.
func pickDirect() *directKernel {
	if directForced != nil {
		return directForced
	}
	return directBest
}

// DirectPays reports whether Direct runs a kernel in assembly, with B
// loaded by vector instructions, and so is expected to beat SgemmFrom
// with panels filled by GatherTaps. The Go kernel reads B element by
// element: there the panels are faster.
func DirectPays() bool {
	return pickDirect() != directGeneric
}

// directMulGeneric is the product function of directGeneric: one element
// of C at a time, summed in Direct's order. The zeros of B are multiplied
// as the assembly kernels multiply them, so an infinite weight beside a
// padded element gives NaN in every kernel.
func directMulGeneric(m, cin, taps int, a []float32, lda int, src []float32, sc int, bases []int, masks []uint64, cols int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
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
