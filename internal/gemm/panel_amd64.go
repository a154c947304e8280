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

// packRowsArch packs the first k8 = kb rounded down to a multiple of 8
// positions of the rows of PackRows eight rows at a time with AVX, for the
// first done = len(rows) rounded down to a multiple of 8 rows, and reports
// done and k8. PackRows has checked the bounds and packs the rest.
func packRowsArch(dst []float32, nr int, rows [][]float32, kb int) (done, k8 int) {
	k8 = kb &^ 7
	if k8 == 0 || !packsFast() {
		return 0, 0
	}
	var ptrs [8]*float32
	for ; done+8 <= len(rows); done += 8 {
		for i := range ptrs {
			ptrs[i] = &rows[done+i][0]
		}
		transposeRows8(k8, &ptrs, &dst[done], nr)
	}
	return done, k8
}

// transposeRows8 sets dst[p·ldd+j] = rows[j][p] for j < 8 and 0 ≤ p < k,
// for k a positive multiple of 8, with AVX.
//
//go:noescape
func transposeRows8(k int, rows *[8]*float32, dst *float32, ldd int)

// packsFast reports whether packRowsArch packs rows with AVX.
func packsFast() bool { return cpu.X86.HasAVX }
