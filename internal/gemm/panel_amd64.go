//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

// gatherRowsArch gathers 64-wide rows for GatherRows with AVX-512F masked
// loads, which read only the lanes selected and zero the others, and
// reports whether it did. GatherRows has checked the bounds.
func gatherRowsArch(dst []float32, nr int, src []float32, offs []int, masks []uint64) bool {
	if nr != 64 || len(src) == 0 || !cpu.X86.HasAVX512F {
		return false
	}
	gather64(&dst[0], len(offs), &src[0], &offs[0], &masks[0])
	return true
}

// gather64 sets the 64 floats at dst + 64p to the 64 at src + offs[p],
// loaded under the mask masks[p] with the other lanes zero, for every
// p < rows with masks[p] ≠ 0. It also prefetches the 64 floats that follow,
// which the next panel of an im2col tile usually reads.
//
//go:noescape
func gather64(dst *float32, rows int, src *float32, offs *int, masks *uint64)
