//go:build !purego

package vec

// split2 splits whole blocks of 32 elements with AVX-512 and the last
// part under masks; the other levels split element by element.
func split2(even, odd, src []float32) {
	if use != avx512 {
		split2Generic(even, odd, src)
		return
	}
	split2AVX512(&even[0], oddPtr(odd), &src[0], len(src))
}

// oddPtr returns the first element of odd, or nil when it is empty (a
// source of one element, whose odd part split2AVX512 never stores).
func oddPtr(odd []float32) *float32 {
	if len(odd) == 0 {
		return nil
	}
	return &odd[0]
}

//go:noescape
func split2AVX512(even, odd, src *float32, n int)

// ptr returns the first element of s, or nil when it is empty (a phase
// that a short run leaves without elements, which the assembly never
// touches: its masks are empty).
func ptr(s []float32) *float32 {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

// lanes returns the mask of the first n lanes, n ≤ 64.
func lanes(n int) uint64 {
	return 1<<uint(n) - 1
}

// split3 splits whole blocks of 48 elements with AVX-512 and the last
// part under masks; the other levels split element by element.
func split3(d0, d1, d2, src []float32) {
	if use != avx512 {
		split3Generic(d0, d1, d2, src)
		return
	}
	r := len(src) % 48
	sm := lanes((r+2)/3) | lanes((r+1)/3)<<16 | lanes(r/3)<<32
	split3AVX512(&d0[0], ptr(d1), ptr(d2), &src[0], len(src), lanes(r), sm)
}

// interleave2 interleaves whole blocks of 32 outputs with AVX-512 and the
// last part under masks; the other levels go element by element.
func interleave2(dst, a, c []float32, b float32) {
	if use != avx512 {
		interleave2Generic(dst, a, c, b)
		return
	}
	r := len(dst) % 32
	interleave2AVX512(&dst[0], &a[0], ptr(c), len(dst), lanes((r+1)/2)|lanes(r/2)<<16, lanes(r), b)
}

// interleave3 interleaves whole blocks of 48 outputs with AVX-512 and the
// last part under masks; the other levels go element by element.
func interleave3(dst, s0, s1, s2 []float32, b float32) {
	if use != avx512 {
		interleave3Generic(dst, s0, s1, s2, b)
		return
	}
	r := len(dst) % 48
	lm := lanes((r+2)/3) | lanes((r+1)/3)<<16 | lanes(r/3)<<32
	interleave3AVX512(&dst[0], &s0[0], ptr(s1), ptr(s2), len(dst), lm, lanes(r), b)
}

//go:noescape
func split3AVX512(d0, d1, d2, src *float32, n int, lm, sm uint64)

//go:noescape
func interleave2AVX512(dst, a, c *float32, n int, lm, sm uint64, b float32)

//go:noescape
func interleave3AVX512(dst, s0, s1, s2 *float32, n int, lm, sm uint64, b float32)

// splitRows2 splits each row with split2AVX512, its bounds checked once
// by SplitRows; the other levels split element by element.
func splitRows2(dst []float32, ps, ldd int, src []float32, lds, rows, w int) {
	if use != avx512 {
		splitRowsGeneric(2, dst, ps, ldd, src, lds, rows, w)
		return
	}
	for r := 0; r < rows; r++ {
		var odd *float32
		if w > 1 {
			odd = &dst[ps+r*ldd]
		}
		split2AVX512(&dst[r*ldd], odd, &src[r*lds], w)
	}
}

// splitRows3 splits each row with split3AVX512, its bounds checked once
// by SplitRows and its masks computed once for all rows; the other levels
// split element by element.
func splitRows3(dst []float32, ps, ldd int, src []float32, lds, rows, w int) {
	if use != avx512 {
		splitRowsGeneric(3, dst, ps, ldd, src, lds, rows, w)
		return
	}
	t := w % 48
	sm := lanes((t+2)/3) | lanes((t+1)/3)<<16 | lanes(t/3)<<32
	for r := 0; r < rows; r++ {
		var d1, d2 *float32
		if w > 1 {
			d1 = &dst[ps+r*ldd]
		}
		if w > 2 {
			d2 = &dst[2*ps+r*ldd]
		}
		split3AVX512(&dst[r*ldd], d1, d2, &src[r*lds], w, lanes(t), sm)
	}
}
