package gemm

import "math/bits"

// GatherRows fills rows of the len(offs)×nr row-major panel dst, nr ≤ 64,
// from src: for every p with masks[p] ≠ 0, element j of row p becomes
// src[offs[p]+j] where bit j of masks[p] is set and zero where it is not;
// rows with an empty mask are left as they are. Only the elements of src
// that the masks select are read, so offs[p] may be negative. It is the common step of a
// PanelSource whose rows are pieces of one array (an im2col tile, with its
// padding masked out): one call per panel rather than a copy per row. It
// panics if nr > 64, masks is shorter than offs, a mask selects a column
// at or past nr, or a selected element lies outside src.
func GatherRows(dst []float32, nr int, src []float32, offs []int, masks []uint64) {
	if nr > 64 || len(masks) < len(offs) {
		panic("gemm: bad panel for GatherRows")
	}
	if len(offs) == 0 {
		return
	}
	_ = dst[len(offs)*nr-1]
	for p, o := range offs {
		m := masks[p]
		if m == 0 {
			continue
		}
		last := 63 - bits.LeadingZeros64(m)
		if last >= nr || o+bits.TrailingZeros64(m) < 0 || o+last >= len(src) {
			panic("gemm: GatherRows reads outside its operands")
		}
	}
	if gatherRowsArch(dst, nr, src, offs, masks) {
		return
	}
	for p, o := range offs {
		m := masks[p]
		if m == 0 {
			continue
		}
		row := dst[p*nr : p*nr+nr]
		for j := range row {
			row[j] = 0
			if m>>j&1 != 0 {
				row[j] = src[o+j]
			}
		}
	}
}
