//go:build !amd64 || purego

package vec

func transpose(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	transposeGeneric(dst, ldd, src, lds, rows, cols)
}
