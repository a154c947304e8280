//go:build !amd64 || purego

package gemm

func runsArch(m, n int, a []float32, lda int, b []float32, ldb int, segs []Segment, lists []int, c []float32, ldc, incc, incl int) bool {
	return false
}

func dotsFast() bool { return false }
