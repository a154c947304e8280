//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

// gatherTapsArch gathers the 64-wide rows of GatherTaps with AVX-512F
// masked loads and reports whether it did. GatherTaps has checked the
// bounds.
func gatherTapsArch(dst []float32, nr int, src []float32, sc, c0, t0 int, bases []int, masks []uint64) bool {
	if !gathersFast(nr) || len(src) == 0 {
		return false
	}
	gatherTaps64(&dst[0], len(dst)/64, &src[0], sc, c0*sc, t0, len(bases), &bases[0], &masks[0])
	return true
}

// gatherTaps64 is GatherTaps for nr = 64, with the offset of channel c0
// in off0. It also prefetches the 64 floats after each row, which the next
// panel of an im2col tile usually reads.
//
//go:noescape
func gatherTaps64(dst *float32, rows int, src *float32, sc, off0, t0, taps int, bases *int, masks *uint64)

// gathersFast reports whether gatherTapsArch serves panels nr wide.
func gathersFast(nr int) bool { return nr == 64 && cpu.X86.HasAVX512F }
