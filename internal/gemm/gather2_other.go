//go:build !amd64 || purego

package gemm

// gatherTaps2Arch reports false: this build gathers rows in Go.
func gatherTaps2Arch(dst []float32, nr int, src []float32, sc, c0, t0 int, bases []int, masks []uint64) bool {
	return false
}
