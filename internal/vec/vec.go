// Package vec moves and adds float32 data along strided runs: the line
// copies, scatters and additions of im2col and col2im, the axpy loops of
// the direct products, the pair repetitions and sums of UnpoolND's direct
// paths, the float64 sums of the bias gradient and the transposes of the
// Winograd weight gradient. Each operation has a generic Go version, which
// every build has and which defines its results, and on amd64 AVX-512 and
// AVX2 versions chosen at run time by the processor's features (the purego
// build tag leaves only the generic ones). The operations are elementwise,
// or for Partials add in one fixed order, or for Transpose only move bits,
// so every version gives the same bits.
//
// The functions read and write only the elements their formulas name; the
// assembly is called on slices whose bounds have been checked in Go, and it
// loads and stores the other elements in its vectors under masks, so the
// gaps of a strided run are neither read nor written.
package vec

// Add adds src[i] to dst[i] for i < len(src). dst must have at least
// len(src) elements.
func Add(dst, src []float32) {
	if len(src) == 0 {
		return
	}
	add(dst[:len(src)], src)
}

// AddInc adds src[i] to dst[i·inc] for i < len(src), inc ≥ 0, in increasing
// i.
func AddInc(dst []float32, inc int, src []float32) {
	if len(src) == 0 {
		return
	}
	dst = dst[:(len(src)-1)*inc+1]
	switch inc {
	case 1:
		add(dst, src)
	case 2:
		addInc2(dst, src)
	default:
		addIncGeneric(dst, inc, src)
	}
}

// Gather sets dst[i] = src[i·inc] for i < len(dst), inc ≥ 0.
func Gather(dst, src []float32, inc int) {
	if len(dst) == 0 {
		return
	}
	src = src[:(len(dst)-1)*inc+1]
	switch inc {
	case 1:
		copy1(dst, src)
	case 2:
		gather2(dst, src)
	default:
		gatherGeneric(dst, src, inc)
	}
}

// ScatterBias sets dst[i·inc] = src[i] + b for i < len(src), inc ≥ 0.
func ScatterBias(dst []float32, inc int, src []float32, b float32) {
	if len(src) == 0 {
		return
	}
	dst = dst[:(len(src)-1)*inc+1]
	switch inc {
	case 1:
		scatterBias1(dst, src, b)
	case 2:
		scatterBias2(dst, src, b)
	case 3:
		scatterBias3(dst, src, b)
	default:
		scatterBiasGeneric(dst, inc, src, b)
	}
}

// Axpy adds a·src[i·inc] to dst[i] for i < len(dst), inc ≥ 0. Each element
// is rounded twice, after the product and after the sum, in every version.
func Axpy(dst []float32, a float32, src []float32, inc int) {
	if len(dst) == 0 {
		return
	}
	src = src[:(len(dst)-1)*inc+1]
	switch inc {
	case 1:
		axpy1(dst, a, src)
	case 2:
		axpy2(dst, a, src)
	default:
		axpyGeneric(dst, a, src, inc)
	}
}

// AxpyInc adds a·src[i] to dst[i·inc] for i < len(src), inc ≥ 0, in
// increasing i. Each element is rounded twice, after the product and after
// the sum, in every version.
func AxpyInc(dst []float32, inc int, a float32, src []float32) {
	if len(src) == 0 {
		return
	}
	dst = dst[:(len(src)-1)*inc+1]
	switch inc {
	case 1:
		axpy1(dst, a, src)
	case 2:
		axpyInc2(dst, a, src)
	default:
		axpyIncGeneric(dst, inc, a, src)
	}
}

// Repeat2 sets dst[i] = src[⌊i/2⌋] for i < len(dst): each element of src
// twice.
func Repeat2(dst, src []float32) {
	if len(dst) == 0 {
		return
	}
	repeat2(dst, src[:(len(dst)+1)/2])
}

// AddPairs sets dst[i] = (dst[i] + src[2i]) + src[2i+1] for i < len(dst),
// adding in that order in every version.
func AddPairs(dst, src []float32) {
	if len(dst) == 0 {
		return
	}
	addPairs(dst, src[:2*len(dst)])
}

// Partials holds the partial sums of a float64 sum of a sequence of
// float32: element i of the sequence goes to p[i mod 32], each partial sum
// adds its elements in sequence order, and Sum adds the partial sums in a
// fixed order. The same additions happen in every version and however the
// sequence is handed to Add, in one run or in pieces, so the sum depends
// on the sequence alone. Each element is exact in float64, so the sum
// differs from the exact one by at most about n·2⁻⁵³ times the sum of the
// magnitudes, for n elements.
type Partials [sumLanes]float64

// sumLanes is the number of partial sums: four AVX-512 or eight AVX2
// vectors of float64, enough independent additions to keep the adders
// busy while the loads stream.
const sumLanes = 32

// Add adds the elements of x as the elements lane, lane+1, … of the
// sequence, lane ≥ 0: x[j] to p[(lane+j) mod 32], in increasing j.
func (p *Partials) Add(lane int, x []float32) {
	lane %= sumLanes
	n := len(x) &^ (sumLanes - 1)
	if n > 0 {
		if lane == 0 {
			sumBlocks(p, x[:n])
		} else {
			// The vector versions start at partial sum 0: they get the
			// partial sums rotated by lane.
			var r Partials
			copy(r[:], p[lane:])
			copy(r[sumLanes-lane:], p[:lane])
			sumBlocks(&r, x[:n])
			copy(p[lane:], r[:])
			copy(p[:lane], r[sumLanes-lane:])
		}
	}
	for j, v := range x[n:] {
		p[(lane+j)%sumLanes] += float64(v)
	}
}

// Sum returns the sum of the partial sums, adding the upper half onto the
// lower one until one is left: the order of a vector reduction. p is not
// changed.
func (p *Partials) Sum() float64 {
	q := *p
	for w := sumLanes / 2; w > 0; w /= 2 {
		for j := 0; j < w; j++ {
			q[j] += q[j+w]
		}
	}
	return q[0]
}

// AddWideRows adds src[i·lds+j] to dst[i·ldd+j] in float64 for i < rows
// and j < cols, lds ≥ 0 and ldd ≥ cols: the rows of a float32 matrix onto
// those of a float64 one.
func AddWideRows(dst []float64, ldd int, src []float32, lds, rows, cols int) {
	if rows == 0 || cols == 0 {
		return
	}
	addWideRows(dst[:(rows-1)*ldd+cols], ldd, src[:(rows-1)*lds+cols], lds, rows, cols)
}
