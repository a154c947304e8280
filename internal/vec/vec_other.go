//go:build !amd64 || purego

package vec

// levels lists the versions this build can run, the generic one first.
var levels = []level{generic}

func copy1(dst, src []float32)                         { copy(dst, src) }
func add(dst, src []float32)                           { addGeneric(dst, src) }
func addInc2(dst, src []float32)                       { addIncGeneric(dst, 2, src) }
func gather2(dst, src []float32)                       { gatherGeneric(dst, src, 2) }
func scatterBias1(dst, src []float32, b float32)       { scatterBiasGeneric(dst, 1, src, b) }
func scatterBias2(dst, src []float32, b float32)       { scatterBiasGeneric(dst, 2, src, b) }
func scatterBias3(dst, src []float32, b float32)       { scatterBiasGeneric(dst, 3, src, b) }
func axpy1(dst []float32, a float32, src []float32)    { axpyGeneric(dst, a, src, 1) }
func axpy2(dst []float32, a float32, src []float32)    { axpyGeneric(dst, a, src, 2) }
func axpyInc2(dst []float32, a float32, src []float32) { axpyIncGeneric(dst, 2, a, src) }
func repeat2(dst, src []float32)                       { repeat2Generic(dst, src) }
func addPairs(dst, src []float32)                      { addPairsGeneric(dst, src) }

func sumBlocks(acc *Partials, x []float32) { sumBlocksGeneric(acc, x) }
func addWideRows(dst []float64, ldd int, src []float32, lds, rows, cols int) {
	addWideRowsGeneric(dst, ldd, src, lds, rows, cols)
}
