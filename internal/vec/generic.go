package vec

// The generic versions define the results of every other version. Their
// slices are already cut to the elements they touch.

func addGeneric(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] += x
	}
}

func addIncGeneric(dst []float32, inc int, src []float32) {
	for i, x := range src {
		dst[i*inc] += x
	}
}

func gatherGeneric(dst, src []float32, inc int) {
	for i := range dst {
		dst[i] = src[i*inc]
	}
}

func scatterBiasGeneric(dst []float32, inc int, src []float32, b float32) {
	for i, x := range src {
		dst[i*inc] = x + b
	}
}
