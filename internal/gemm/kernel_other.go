//go:build !amd64 || purego

package gemm

// archKernels is empty: this build has only the generic kernel.
var archKernels []*microKernel

// transposePanel packs cols ≤ nr rows of length k, ld apart in src, as the
// first cols columns of the k rows of an nr-wide B micro-panel; see
// transposeGeneric.
func transposePanel(dst []float32, nr int, src []float32, ld, k, cols int) {
	transposeGeneric(dst, nr, src, ld, 0, k, cols)
}
