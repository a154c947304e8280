//go:build !amd64 || purego

package gemm

// haveAsm reports whether the assembly routines can run on this machine.
const haveAsm = false

// useAsm selects the assembly routines; the tests clear it to run the
// generic ones.
var useAsm = false

// kernel computes one mr×nr tile of C; see kernelGeneric.
func kernel(k, rows int, a, b, c []float32, ldc int, alpha, beta float32) {
	kernelGeneric(k, rows, a, b, c, ldc, alpha, beta)
}

// transposePanel packs nr rows of length k, ld apart in src, as the k rows of
// a full B micro-panel; see transposeGeneric.
func transposePanel(dst, src []float32, ld, k int) {
	transposeGeneric(dst, src, ld, 0, k, nr)
}
