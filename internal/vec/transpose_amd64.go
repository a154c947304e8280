//go:build !purego

package vec

// transpose moves blocks of 16×16 elements through the ZMM registers with
// AVX-512; the other levels move element by element.
func transpose(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	if use != avx512 {
		transposeGeneric(dst, ldd, src, lds, rows, cols)
		return
	}
	transposeAVX512(&dst[0], ldd, &src[0], lds, rows, cols)
}

// transposeAVX512 sets dst[j·ldd + i] = src[i·lds + j] for i < rows and
// j < cols, rows, cols ≥ 1.
//
//go:noescape
func transposeAVX512(dst *float32, ldd int, src *float32, lds, rows, cols int)
