//go:build !amd64 || purego

package gemm

// archKernels is empty: this build has only the generic kernel.
var archKernels []*microKernel

// transposePanel packs nr rows of length k, ld apart in src, as the k rows of
// a full nr-wide B micro-panel; see transposeGeneric.
func transposePanel(dst []float32, nr int, src []float32, ld, k int) {
	transposeGeneric(dst, nr, src, ld, 0, k, nr)
}
