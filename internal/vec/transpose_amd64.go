//go:build !purego

package vec

// transpose moves blocks of 16×16 elements through the ZMM registers with
// AVX-512, edges included, and blocks of 8×8 through the YMM registers
// with AVX2, leaving the last cols mod 8 columns and rows mod 8 rows to the
// generic version.
func transpose(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	switch use {
	case avx512:
		transposeAVX512(&dst[0], ldd, &src[0], lds, rows, cols)
	case avx2:
		r, c := rows&^7, cols&^7
		if r > 0 && c > 0 {
			transposeAVX2(&dst[0], ldd, &src[0], lds, r, c)
		}
		if c < cols {
			transposeGeneric(dst[c*ldd:], ldd, src[c:], lds, rows, cols-c)
		}
		if r < rows && c > 0 {
			transposeGeneric(dst[r:], ldd, src[r*lds:], lds, rows-r, c)
		}
	default:
		transposeGeneric(dst, ldd, src, lds, rows, cols)
	}
}

// transposeAVX512 sets dst[j·ldd + i] = src[i·lds + j] for i < rows and
// j < cols, rows, cols ≥ 1.
//
//go:noescape
func transposeAVX512(dst *float32, ldd int, src *float32, lds, rows, cols int)

// transposeAVX2 sets dst[j·ldd + i] = src[i·lds + j] for i < rows and
// j < cols, rows and cols positive multiples of 8.
//
//go:noescape
func transposeAVX2(dst *float32, ldd int, src *float32, lds, rows, cols int)
