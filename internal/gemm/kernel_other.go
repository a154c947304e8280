//go:build !amd64 || purego

package gemm

// haveAsm reports whether an assembly micro-kernel can run on this machine.
const haveAsm = false

// useAsm selects the assembly micro-kernel; the tests clear it to run the
// generic one.
var useAsm = false

// kernel computes one mr×nr tile of C; see kernelGeneric.
func kernel(k int, a, b, c []float32, ldc int, alpha, beta float32) {
	kernelGeneric(k, a, b, c, ldc, alpha, beta)
}
