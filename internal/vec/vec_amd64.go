//go:build !purego

package vec

import "golang.org/x/sys/cpu"

// levels lists the versions this machine runs, the generic one first. cpu
// reports AVX2 only when the operating system saves the YMM registers, and
// AVX512F only when it also saves the ZMM and opmask registers.
var levels = func() []level {
	ls := []level{generic}
	if cpu.X86.HasAVX2 {
		ls = append(ls, avx2)
	}
	if cpu.X86.HasAVX512F {
		ls = append(ls, avx512)
	}
	return ls
}()

// The AVX2 versions work on whole blocks of eight elements and leave the
// rest to the generic ones; the AVX-512 versions finish with masked
// vectors. The stride-2 versions load and store under masks of the even
// lanes (VMASKMOVPS with AVX2), so the gaps are neither read nor written.

// copy1 copies lines shorter than 2 KiB with AVX-512: those of im2col are
// short and unaligned, and memmove's setup costs more than the masked tail.
// Longer lines go to memmove, which moves them with string instructions.
func copy1(dst, src []float32) {
	if use == avx512 && len(dst) < 512 {
		copyAVX512(&dst[0], &src[0], len(dst))
		return
	}
	copy(dst, src)
}

func add(dst, src []float32) {
	switch use {
	case avx512:
		addAVX512(&dst[0], &src[0], len(src))
	case avx2:
		n := len(src) &^ 7
		if n > 0 {
			addAVX2(&dst[0], &src[0], n)
		}
		addGeneric(dst[n:], src[n:])
	default:
		addGeneric(dst, src)
	}
}

func addInc2(dst, src []float32) {
	switch use {
	case avx512:
		addInc2AVX512(&dst[0], &src[0], len(src))
	case avx2:
		n := len(src) &^ 7
		if n > 0 {
			addInc2AVX2(&dst[0], &src[0], n)
		}
		if n < len(src) {
			addIncGeneric(dst[2*n:], 2, src[n:])
		}
	default:
		addIncGeneric(dst, 2, src)
	}
}

func gather2(dst, src []float32) {
	switch use {
	case avx512:
		gather2AVX512(&dst[0], &src[0], len(dst))
	case avx2:
		n := len(dst) &^ 7
		if n > 0 {
			gather2AVX2(&dst[0], &src[0], n)
		}
		if n < len(dst) {
			gatherGeneric(dst[n:], src[2*n:], 2)
		}
	default:
		gatherGeneric(dst, src, 2)
	}
}

func scatterBias1(dst, src []float32, b float32) {
	switch use {
	case avx512:
		scatterBias1AVX512(&dst[0], &src[0], len(src), b)
	case avx2:
		n := len(src) &^ 7
		if n > 0 {
			scatterBias1AVX2(&dst[0], &src[0], n, b)
		}
		scatterBiasGeneric(dst[n:], 1, src[n:], b)
	default:
		scatterBiasGeneric(dst, 1, src, b)
	}
}

func scatterBias2(dst, src []float32, b float32) {
	switch use {
	case avx512:
		scatterBias2AVX512(&dst[0], &src[0], len(src), b)
	case avx2:
		n := len(src) &^ 7
		if n > 0 {
			scatterBias2AVX2(&dst[0], &src[0], n, b)
		}
		if n < len(src) {
			scatterBiasGeneric(dst[2*n:], 2, src[n:], b)
		}
	default:
		scatterBiasGeneric(dst, 2, src, b)
	}
}

// scatterBias3 runs the AVX-512 version where the machine has it; at the
// other levels the generic version, which a spread over three AVX2
// vectors would not beat by much.
func scatterBias3(dst, src []float32, b float32) {
	if use == avx512 {
		scatterBias3AVX512(&dst[0], &src[0], len(src), b)
		return
	}
	scatterBiasGeneric(dst, 3, src, b)
}

// addAVX512 adds src[i] to dst[i] for i < n, n ≥ 1.
//
//go:noescape
func addAVX512(dst, src *float32, n int)

// addInc2AVX512 adds src[i] to dst[2i] for i < n, n ≥ 1.
//
//go:noescape
func addInc2AVX512(dst, src *float32, n int)

// gather2AVX512 sets dst[i] = src[2i] for i < n, n ≥ 1.
//
//go:noescape
func gather2AVX512(dst, src *float32, n int)

// scatterBias1AVX512 sets dst[i] = src[i] + b for i < n, n ≥ 1.
//
//go:noescape
func scatterBias1AVX512(dst, src *float32, n int, b float32)

// scatterBias2AVX512 sets dst[2i] = src[i] + b for i < n, n ≥ 1.
//
//go:noescape
func scatterBias2AVX512(dst, src *float32, n int, b float32)

// addAVX2 adds src[i] to dst[i] for i < n, n a positive multiple of 8.
//
//go:noescape
func addAVX2(dst, src *float32, n int)

// scatterBias1AVX2 sets dst[i] = src[i] + b for i < n, n a positive
// multiple of 8.
//
//go:noescape
func scatterBias1AVX2(dst, src *float32, n int, b float32)

// copyAVX512 sets dst[i] = src[i] for i < n, n ≥ 1.
//
//go:noescape
func copyAVX512(dst, src *float32, n int)

// addInc2AVX2 adds src[i] to dst[2i] for i < n, n a positive multiple of 8.
//
//go:noescape
func addInc2AVX2(dst, src *float32, n int)

// gather2AVX2 sets dst[i] = src[2i] for i < n, n a positive multiple of 8.
//
//go:noescape
func gather2AVX2(dst, src *float32, n int)

// scatterBias3AVX512 sets dst[3i] = src[i] + b for i < n, n ≥ 1.
//
//go:noescape
func scatterBias3AVX512(dst, src *float32, n int, b float32)

// scatterBias2AVX2 sets dst[2i] = src[i] + b for i < n, n a positive
// multiple of 8.
//
//go:noescape
func scatterBias2AVX2(dst, src *float32, n int, b float32)

func axpy1(dst []float32, a float32, src []float32) {
	switch use {
	case avx512:
		axpy1AVX512(&dst[0], &src[0], len(dst), a)
	case avx2:
		n := len(dst) &^ 7
		if n > 0 {
			axpy1AVX2(&dst[0], &src[0], n, a)
		}
		axpyGeneric(dst[n:], a, src[n:], 1)
	default:
		axpyGeneric(dst, a, src, 1)
	}
}

func axpy2(dst []float32, a float32, src []float32) {
	switch use {
	case avx512:
		axpy2AVX512(&dst[0], &src[0], len(dst), a)
	case avx2:
		n := len(dst) &^ 7
		if n > 0 {
			axpy2AVX2(&dst[0], &src[0], n, a)
		}
		if n < len(dst) {
			axpyGeneric(dst[n:], a, src[2*n:], 2)
		}
	default:
		axpyGeneric(dst, a, src, 2)
	}
}

func axpyInc2(dst []float32, a float32, src []float32) {
	switch use {
	case avx512:
		axpyInc2AVX512(&dst[0], &src[0], len(src), a)
	case avx2:
		n := len(src) &^ 7
		if n > 0 {
			axpyInc2AVX2(&dst[0], &src[0], n, a)
		}
		if n < len(src) {
			axpyIncGeneric(dst[2*n:], 2, a, src[n:])
		}
	default:
		axpyIncGeneric(dst, 2, a, src)
	}
}

// The axpy versions multiply and then add, VMULPS and VADDPS, to round as
// the generic ones do.

// axpy1AVX512 adds a·src[i] to dst[i] for i < n, n ≥ 1.
//
//go:noescape
func axpy1AVX512(dst, src *float32, n int, a float32)

// axpy2AVX512 adds a·src[2i] to dst[i] for i < n, n ≥ 1.
//
//go:noescape
func axpy2AVX512(dst, src *float32, n int, a float32)

// axpyInc2AVX512 adds a·src[i] to dst[2i] for i < n, n ≥ 1.
//
//go:noescape
func axpyInc2AVX512(dst, src *float32, n int, a float32)

// axpy1AVX2 adds a·src[i] to dst[i] for i < n, n a positive multiple of 8.
//
//go:noescape
func axpy1AVX2(dst, src *float32, n int, a float32)

// axpy2AVX2 adds a·src[2i] to dst[i] for i < n, n a positive multiple of
// 8.
//
//go:noescape
func axpy2AVX2(dst, src *float32, n int, a float32)

// axpyInc2AVX2 adds a·src[i] to dst[2i] for i < n, n a positive multiple
// of 8.
//
//go:noescape
func axpyInc2AVX2(dst, src *float32, n int, a float32)

// repeat2 and addPairs leave the destination elements past the last whole
// block of their vectors (32 and 16 with AVX-512, 16 and 8 with AVX2) to
// the generic versions.

func repeat2(dst, src []float32) {
	n := 0
	switch use {
	case avx512:
		n = len(dst) &^ 31
		if n > 0 {
			repeat2AVX512(&dst[0], &src[0], n)
		}
	case avx2:
		n = len(dst) &^ 15
		if n > 0 {
			repeat2AVX2(&dst[0], &src[0], n)
		}
	}
	repeat2Generic(dst[n:], src[n/2:])
}

func addPairs(dst, src []float32) {
	n := 0
	switch use {
	case avx512:
		n = len(dst) &^ 15
		if n > 0 {
			addPairsAVX512(&dst[0], &src[0], n)
		}
	case avx2:
		n = len(dst) &^ 7
		if n > 0 {
			addPairsAVX2(&dst[0], &src[0], n)
		}
	}
	addPairsGeneric(dst[n:], src[2*n:])
}

// repeat2AVX512 sets dst[i] = src[i/2] for i < n, n a positive multiple
// of 32.
//
//go:noescape
func repeat2AVX512(dst, src *float32, n int)

// addPairsAVX512 sets dst[i] = (dst[i] + src[2i]) + src[2i+1] for i < n, n
// a positive multiple of 16.
//
//go:noescape
func addPairsAVX512(dst, src *float32, n int)

// repeat2AVX2 sets dst[i] = src[i/2] for i < n, n a positive multiple of
// 16.
//
//go:noescape
func repeat2AVX2(dst, src *float32, n int)

// addPairsAVX2 sets dst[i] = (dst[i] + src[2i]) + src[2i+1] for i < n, n a
// positive multiple of 8.
//
//go:noescape
func addPairsAVX2(dst, src *float32, n int)

func sumBlocks(acc *Partials, x []float32) {
	switch use {
	case avx512:
		sumAVX512(acc, &x[0], len(x))
	case avx2:
		sumAVX2(acc, &x[0], len(x))
	default:
		sumBlocksGeneric(acc, x)
	}
}

// The sum versions convert each float32 to float64 (VCVTPS2PD, exact) and
// add it onto its partial sum, lanes 0–31 of four AVX-512 or eight AVX2
// vectors in order.

// sumAVX512 adds x[i] to acc[i mod 32] for i < n, n a positive multiple of
// 32.
//
//go:noescape
func sumAVX512(acc *Partials, x *float32, n int)

// sumAVX2 adds x[i] to acc[i mod 32] for i < n, n a positive multiple of
// 32.
//
//go:noescape
func sumAVX2(acc *Partials, x *float32, n int)

func addWideRows(dst []float64, ldd int, src []float32, lds, rows, cols int) {
	n := 0
	switch use {
	case avx512:
		addWideRowsAVX512(&dst[0], ldd, &src[0], lds, rows, cols)
		return
	case avx2:
		n = cols &^ 7
		if n > 0 {
			addWideRowsAVX2(&dst[0], ldd, &src[0], lds, rows, n)
		}
	}
	if n < cols {
		addWideRowsGeneric(dst[n:], ldd, src[n:], lds, rows, cols-n)
	}
}

// addWideRowsAVX512 adds src[i·lds+j] to dst[i·ldd+j] in float64 for
// i < rows and j < cols, rows and cols ≥ 1.
//
//go:noescape
func addWideRowsAVX512(dst *float64, ldd int, src *float32, lds, rows, cols int)

// addWideRowsAVX2 adds src[i·lds+j] to dst[i·ldd+j] in float64 for
// i < rows and j < cols, rows ≥ 1 and cols a positive multiple of 8.
//
//go:noescape
func addWideRowsAVX2(dst *float64, ldd int, src *float32, lds, rows, cols int)
