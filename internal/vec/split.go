package vec

// Split2 sets even[i] = src[2i] and odd[i] = src[2i+1]: it splits a
// contiguous run into its even and odd elements, len(even) = ⌈len(src)/2⌉
// and len(odd) = ⌊len(src)/2⌋. Unlike two calls of Gather with step 2,
// it reads every element of src once, with whole-vector loads.
func Split2(even, odd, src []float32) {
	if len(even) != (len(src)+1)/2 || len(odd) != len(src)/2 {
		panic("vec: bad lengths for Split2")
	}
	if len(src) == 0 {
		return
	}
	split2(even, odd, src)
}

func split2Generic(even, odd, src []float32) {
	for i := range odd {
		even[i], odd[i] = src[2*i], src[2*i+1]
	}
	if len(even) > len(odd) {
		even[len(odd)] = src[len(src)-1]
	}
}

// Split3 sets d0[i] = src[3i], d1[i] = src[3i+1] and d2[i] = src[3i+2]:
// it splits a contiguous run into its three phases, len(d0) = ⌈len(src)/3⌉,
// len(d1) = ⌈(len(src)−1)/3⌉ and len(d2) = ⌊len(src)/3⌋. Unlike three
// calls of Gather with step 3, it reads every element of src once, with
// whole-vector loads.
func Split3(d0, d1, d2, src []float32) {
	n := len(src)
	if len(d0) != (n+2)/3 || len(d1) != (n+1)/3 || len(d2) != n/3 {
		panic("vec: bad lengths for Split3")
	}
	if n == 0 {
		return
	}
	split3(d0, d1, d2, src)
}

func split3Generic(d0, d1, d2, src []float32) {
	for i := range d2 {
		d0[i], d1[i], d2[i] = src[3*i], src[3*i+1], src[3*i+2]
	}
	if len(d0) > len(d2) {
		d0[len(d2)] = src[3*len(d2)]
	}
	if len(d1) > len(d2) {
		d1[len(d2)] = src[3*len(d2)+1]
	}
}

// Interleave2 sets dst[2i] = a[i] + b and dst[2i+1] = c[i] + b: the
// inverse of Split2, with a bias added to every element, len(a) =
// ⌈len(dst)/2⌉ and len(c) = ⌊len(dst)/2⌋. Unlike two calls of ScatterBias
// with step 2, it writes every element of dst once, with whole-vector
// stores.
func Interleave2(dst, a, c []float32, b float32) {
	n := len(dst)
	if len(a) != (n+1)/2 || len(c) != n/2 {
		panic("vec: bad lengths for Interleave2")
	}
	if n == 0 {
		return
	}
	interleave2(dst, a, c, b)
}

func interleave2Generic(dst, a, c []float32, b float32) {
	for i := range c {
		dst[2*i], dst[2*i+1] = a[i]+b, c[i]+b
	}
	if len(a) > len(c) {
		dst[len(dst)-1] = a[len(c)] + b
	}
}

// Interleave3 sets dst[3i] = s0[i] + b, dst[3i+1] = s1[i] + b and
// dst[3i+2] = s2[i] + b: the inverse of Split3, with a bias added to every
// element, len(s0) = ⌈len(dst)/3⌉, len(s1) = ⌈(len(dst)−1)/3⌉ and
// len(s2) = ⌊len(dst)/3⌋. It writes every element of dst once, with
// whole-vector stores.
func Interleave3(dst, s0, s1, s2 []float32, b float32) {
	n := len(dst)
	if len(s0) != (n+2)/3 || len(s1) != (n+1)/3 || len(s2) != n/3 {
		panic("vec: bad lengths for Interleave3")
	}
	if n == 0 {
		return
	}
	interleave3(dst, s0, s1, s2, b)
}

func interleave3Generic(dst, s0, s1, s2 []float32, b float32) {
	for i := range s2 {
		dst[3*i], dst[3*i+1], dst[3*i+2] = s0[i]+b, s1[i]+b, s2[i]+b
	}
	if len(s0) > len(s2) {
		dst[3*len(s2)] = s0[len(s2)] + b
	}
	if len(s1) > len(s2) {
		dst[3*len(s2)+1] = s1[len(s2)] + b
	}
}

// SplitRows splits rows rows of w elements into their f phases, as Split2
// (f = 2) and Split3 (f = 3) split one: for r < rows, p < f and f·i + p < w,
// it sets dst[p·ps + r·ldd + i] = src[r·lds + f·i + p], with ps, ldd and
// lds ≥ 0. One call serves a block of rows, so that short rows cost no
// call each.
func SplitRows(f int, dst []float32, ps, ldd int, src []float32, lds, rows, w int) {
	if rows <= 0 || w <= 0 {
		return
	}
	if f < 1 || ps < 0 || ldd < 0 || lds < 0 {
		panic("vec: bad phase count or strides for SplitRows")
	}
	src = src[:(rows-1)*lds+w]
	dst = dst[:(min(f, w)-1)*ps+(rows-1)*ldd+(w+f-1)/f]
	switch f {
	case 2:
		splitRows2(dst, ps, ldd, src, lds, rows, w)
	case 3:
		splitRows3(dst, ps, ldd, src, lds, rows, w)
	default:
		splitRowsGeneric(f, dst, ps, ldd, src, lds, rows, w)
	}
}

func splitRowsGeneric(f int, dst []float32, ps, ldd int, src []float32, lds, rows, w int) {
	for r := 0; r < rows; r++ {
		s := src[r*lds:][:w]
		for p := 0; p < f && p < w; p++ {
			d := dst[p*ps+r*ldd:][:(w-p+f-1)/f]
			for i := range d {
				d[i] = s[f*i+p]
			}
		}
	}
}
