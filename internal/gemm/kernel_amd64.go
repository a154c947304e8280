//go:build !purego

package gemm

// haveAsm reports whether the AVX2 and FMA routines can run on this machine.
var haveAsm = hasAVX2FMA()

// useAsm selects the assembly routines; the tests clear it to run the
// generic ones.
var useAsm = haveAsm

// kernel computes one mr×nr tile of C; see kernelGeneric. The slices are
// checked here, so the assembly reads and writes only inside them.
func kernel(k, rows int, a, b, c []float32, ldc int, alpha, beta float32) {
	if !useAsm {
		kernelGeneric(k, rows, a, b, c, ldc, alpha, beta)
		return
	}
	_ = a[k*mr-1]
	_ = b[k*nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	kernel6x16(k, rows, &a[0], &b[0], &c[0], ldc, alpha, beta)
}

// kernel6x16 is kernelGeneric for mr = 6, nr = 16 and k ≥ 1, with AVX2 and
// FMA: the tile is accumulated in twelve YMM registers with fused
// multiply-adds, then C = alpha·acc + beta·C is formed with one rounding of
// the product beta·C.
//
//go:noescape
func kernel6x16(k, rows int, a, b, c *float32, ldc int, alpha, beta float32)

// transposePanel packs nr rows of length k, ld apart in src, as the k rows of
// a full B micro-panel; see transposeGeneric. The assembly transposes 8×8
// blocks in registers, eight columns of the panel at a time.
func transposePanel(dst, src []float32, ld, k int) {
	k8 := k &^ 7
	if !useAsm || k8 == 0 {
		transposeGeneric(dst, src, ld, 0, k, nr)
		return
	}
	_ = src[(nr-1)*ld+k-1]
	_ = dst[k*nr-1]
	transpose16(k8, &src[0], ld, &dst[0])
	transposeGeneric(dst, src, ld, k8, k, nr)
}

// transpose16 is transposeGeneric for cols = nr, p0 = 0 and k a positive
// multiple of 8, with AVX.
//
//go:noescape
func transpose16(k int, src *float32, ld int, dst *float32)

// cpuid executes CPUID with the given leaf and sub-leaf.
func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

// xgetbv returns the extended control register XCR0.
func xgetbv() (eax, edx uint32)

// hasAVX2FMA reports whether the processor has AVX2 and FMA and the
// operating system saves the YMM registers across context switches.
func hasAVX2FMA() bool {
	const (
		fma     = 1 << 12 // CPUID.1:ECX
		osxsave = 1 << 27 // CPUID.1:ECX
		avx     = 1 << 28 // CPUID.1:ECX
		avx2    = 1 << 5  // CPUID.(7,0):EBX
		xmmYmm  = 0b110   // XCR0: SSE and AVX state
	)
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&xmmYmm != xmmYmm {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&avx2 != 0
}
