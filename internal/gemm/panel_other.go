//go:build !amd64 || purego

package gemm

// gatherRowsArch reports false: this build gathers rows in Go.
func gatherRowsArch(dst []float32, nr int, src []float32, offs []int, masks []uint64) bool {
	return false
}
