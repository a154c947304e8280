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
