//go:build !amd64 || purego

package gemm

// packPanelArch packs nothing: this build packs A in Go.
func packPanelArch(panel []float32, mr int, a []float32, lda, kb int) (k8 int) {
	return 0
}
