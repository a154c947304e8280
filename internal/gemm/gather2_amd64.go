//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

// gatherTaps2Arch gathers the 64-wide rows of GatherTaps2 with AVX-512F
// masked loads and reports whether it did. GatherTaps2 has checked the
// bounds.
func gatherTaps2Arch(dst []float32, nr int, src []float32, sc, c0, t0 int, bases []int, masks []uint64) bool {
	if nr != 64 || !cpu.X86.HasAVX512F || !cpu.X86.HasBMI2 || len(src) == 0 {
		return false
	}
	gatherTaps64x2(&dst[0], len(dst)/64, &src[0], sc, c0*sc, t0, len(bases), &bases[0], &masks[0])
	return true
}

// gatherTaps64x2 is GatherTaps2 for nr = 64, with the offset of channel
// c0 in off0. Each row loads the 128 floats it spans in eight masked loads
// whose masks select only the even elements the row's mask keeps, so no
// other element is touched, and keeps the even lanes with VPERMT2PS. A
// row followed in the same channel by a tap whose base is one more, whose
// elements interleave with its own, fills both rows from the one set of
// loads, with both masks spread onto the even and odd lanes. It
// also prefetches the 128 floats after each row, which the next panel of
// an im2col tile usually reads; a prefetch never faults.
//
//go:noescape
func gatherTaps64x2(dst *float32, rows int, src *float32, sc, off0, t0, taps int, bases *int, masks *uint64)
