//go:build !amd64 || purego

package gemm

// gatherTapsArch reports false: this build gathers rows in Go.
func gatherTapsArch(dst []float32, nr int, src []float32, sc, c0, t0 int, bases []int, masks []uint64) bool {
	return false
}

// gathersFast reports false: this build gathers rows in Go.
func gathersFast(nr int) bool { return false }

// packRowsArch packs nothing: this build packs rows in Go.
func packRowsArch(dst []float32, nr int, rows [][]float32, kb int) (done, k8 int) {
	return 0, 0
}

// packsFast reports false: this build packs rows in Go.
func packsFast() bool { return false }
