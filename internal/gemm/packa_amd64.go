//go:build !purego

package gemm

// packPanelArch packs the first k8 = kb rounded down to a multiple of 8
// columns of a whole mr-row micro-panel of packA from the rows a, a+lda, …
// with AVX, for mr = 4 or a multiple of 8, and reports k8; it packs
// nothing and reports 0 for other mr or without AVX. packA packs the rest.
func packPanelArch(panel []float32, mr int, a []float32, lda, kb int) (k8 int) {
	k8 = kb &^ 7
	if k8 == 0 || !packsFast() || mr != 4 && mr%8 != 0 {
		return 0
	}
	_ = a[(mr-1)*lda+k8-1]
	_ = panel[k8*mr-1]
	if mr == 4 {
		transposeRows4(k8, &a[0], lda, &panel[0])
		return k8
	}
	var ptrs [8]*float32
	for r := 0; r < mr; r += 8 {
		for i := range ptrs {
			ptrs[i] = &a[(r+i)*lda]
		}
		transposeRows8(k8, &ptrs, &panel[r], mr)
	}
	return k8
}

// transposeRows4 sets dst[4p+r] = a[r·lda+p] for r < 4 and 0 ≤ p < k, for
// k a positive multiple of 8, with AVX.
//
//go:noescape
func transposeRows4(k int, a *float32, lda int, dst *float32)
