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
