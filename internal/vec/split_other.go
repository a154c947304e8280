//go:build !amd64 || purego

package vec

func split2(even, odd, src []float32) { split2Generic(even, odd, src) }

func split3(d0, d1, d2, src []float32) { split3Generic(d0, d1, d2, src) }

func interleave2(dst, a, c []float32, b float32) { interleave2Generic(dst, a, c, b) }

func interleave3(dst, s0, s1, s2 []float32, b float32) { interleave3Generic(dst, s0, s1, s2, b) }

func splitRows2(dst []float32, ps, ldd int, src []float32, lds, rows, w int) {
	splitRowsGeneric(2, dst, ps, ldd, src, lds, rows, w)
}

func splitRows3(dst []float32, ps, ldd int, src []float32, lds, rows, w int) {
	splitRowsGeneric(3, dst, ps, ldd, src, lds, rows, w)
}
