package gemm

import "math/bits"

// GatherTaps fills the kb×nr row-major panel dst, kb = len(dst)/nr and
// nr ≤ 64, whose rows cycle through len(bases) taps in channels sc apart,
// as the rows of an im2col tile do: row p is tap t of channel c, starting
// from tap t0 of channel c0, and element j of it becomes
// src[c·sc + bases[t] + j] where bit j of masks[t] is set and zero where
// it is not. Rows whose tap has an empty mask are left as they are. Only
// the elements the masks select are read. It panics if nr > 64, masks is
// shorter than bases, t0 is not a tap, a mask selects a column at or past
// nr, or a selected element lies outside src.
func GatherTaps(dst []float32, nr int, src []float32, sc, c0, t0 int, bases []int, masks []uint64) {
	taps := len(bases)
	kb := len(dst) / nr
	if nr > 64 || len(masks) < taps || t0 < 0 || t0 >= taps || sc < 0 || c0 < 0 {
		panic("gemm: bad panel for GatherTaps")
	}
	if kb == 0 {
		return
	}
	c1 := c0 + (t0+kb-1)/taps
	for t, b := range bases {
		m := masks[t]
		if m == 0 {
			continue
		}
		last := 63 - bits.LeadingZeros64(m)
		if last >= nr || c0*sc+b+bits.TrailingZeros64(m) < 0 || c1*sc+b+last >= len(src) {
			panic("gemm: GatherTaps reads outside its operands")
		}
	}
	if gatherTapsArch(dst[:kb*nr], nr, src, sc, c0, t0, bases, masks) {
		return
	}
	gatherTapsGo(dst[:kb*nr], nr, src, 1, sc, c0, t0, bases, masks)
}

// gatherTapsGo is GatherTaps, for step 1, and GatherTaps2, for step 2,
// element by element: element j of a row is read from src[o + step·j].
func gatherTapsGo(dst []float32, nr int, src []float32, step, sc, c0, t0 int, bases []int, masks []uint64) {
	taps := len(bases)
	c, t := c0, t0
	for p := 0; p < len(dst)/nr; p++ {
		if m := masks[t]; m != 0 {
			row := dst[p*nr : p*nr+nr]
			o := c*sc + bases[t]
			for j := range row {
				row[j] = 0
				if m>>j&1 != 0 {
					row[j] = src[o+step*j]
				}
			}
		}
		if t++; t == taps {
			t, c = 0, c+1
		}
	}
}

// TapsPay reports whether SgemmFrom, with a source that fills its panels
// with GatherTaps, is expected to beat building op(B) and calling Sgemm
// for an m×n product: when the kernel for the product takes panels that
// GatherTaps fills with vector loads. Elsewhere the gather runs element by
// element, slower than copying whole rows of a stored op(B).
func TapsPay(m, n int) bool {
	return gathersFast(pick(m, n).nr)
}

// PackRows packs the rows rows[j][:kb], j < cols = len(rows) ≤ nr, as
// the columns of the kb×nr row-major B micro-panel dst, kb = len(dst)/nr:
// dst[p·nr+j] = rows[j][p] for p < kb and j < cols, and zero for
// cols ≤ j < nr. It is how Sgemm packs a transposed op(B), with each row
// anywhere, so a PanelSource whose rows lie in a tensor, or are built in
// a scratch, hands SgemmFrom the panels Sgemm would have packed from a
// stored op(B). It panics if cols > nr or a row is shorter than kb.
func PackRows(dst []float32, nr int, rows [][]float32) {
	kb := len(dst) / nr
	cols := len(rows)
	if cols > nr {
		panic("gemm: bad rows for PackRows")
	}
	for _, r := range rows {
		if len(r) < kb {
			panic("gemm: PackRows reads outside its operands")
		}
	}
	dst = dst[:kb*nr]
	if cols < nr {
		clear(dst)
	}
	if kb == 0 {
		return
	}
	done, k8 := packRowsArch(dst, nr, rows, kb)
	for j, r := range rows {
		p0 := 0
		if j < done {
			p0 = k8
		}
		for p := p0; p < kb; p++ {
			dst[p*nr+j] = r[p]
		}
	}
}

// SliceDepth returns the depth of the slices into which Sgemm and
// SgemmFrom split a product of depth k: the rows of op(B) in one panel.
func SliceDepth(k int) int { return blockSize(k, kcMax, 1) }

// RowsPay reports whether PackRows packs rows with vector instructions.
// Elsewhere it moves one element at a time, and a source that packs rows
// straight from an operand is no faster than building op(B) and calling
// Sgemm.
func RowsPay() bool { return packsFast() }
