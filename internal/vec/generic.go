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

// The conversions of the products to float32 keep each element's two
// roundings, the product's and the sum's, on every architecture: without
// them the compiler may fuse the two into one.

func axpyGeneric(dst []float32, a float32, src []float32, inc int) {
	for i := range dst {
		dst[i] += float32(a * src[i*inc])
	}
}

func axpyIncGeneric(dst []float32, inc int, a float32, src []float32) {
	for i, x := range src {
		dst[i*inc] += float32(a * x)
	}
}

func repeat2Generic(dst, src []float32) {
	for i := range dst {
		dst[i] = src[i/2]
	}
}

func addPairsGeneric(dst, src []float32) {
	for i := range dst {
		dst[i] = dst[i] + src[2*i] + src[2*i+1]
	}
}

// sumBlocksGeneric adds x[i] to acc[i mod sumLanes] in increasing i;
// len(x) is a multiple of sumLanes.
func sumBlocksGeneric(acc *Partials, x []float32) {
	for len(x) >= sumLanes {
		b := (*[sumLanes]float32)(x)
		for j, v := range b {
			acc[j] += float64(v)
		}
		x = x[sumLanes:]
	}
}

func addWideGeneric(dst []float64, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] += float64(x)
	}
}

func addWideRowsGeneric(dst []float64, ldd int, src []float32, lds, rows, cols int) {
	for i := 0; i < rows; i++ {
		addWideGeneric(dst[i*ldd:i*ldd+cols], src[i*lds:i*lds+cols])
	}
}
