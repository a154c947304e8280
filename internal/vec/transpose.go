package vec

// Transpose sets dst[j·ldd + i] = src[i·lds + j] for i < rows and
// j < cols: the rows×cols matrix in src, whose rows lie lds apart, becomes
// the cols×rows matrix in dst, whose rows lie ldd apart. It reads and
// writes no other element, so the gaps between the rows are neither read
// nor written. It moves bits without arithmetic: every version gives the
// same bits, NaN payloads included. It panics if rows or cols is
// negative, if lds < cols or ldd < rows, or if src or dst is too short.
func Transpose(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	if rows < 0 || cols < 0 || lds < cols || ldd < rows {
		panic("vec: bad sizes for Transpose")
	}
	if rows == 0 || cols == 0 {
		return
	}
	transpose(dst[:(cols-1)*ldd+rows], ldd, src[:(rows-1)*lds+cols], lds, rows, cols)
}

func transposeGeneric(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	for i := 0; i < rows; i++ {
		for j, x := range src[i*lds : i*lds+cols] {
			dst[j*ldd+i] = x
		}
	}
}
