package gemm

import "math/bits"

// GatherTaps2 is GatherTaps for taps that read every other element: element
// j of row p, tap t of channel c, becomes src[c·sc + bases[t] + 2j] where
// bit j of masks[t] is set and zero where it is not. Rows whose tap has an
// empty mask are left as they are, and only the elements the masks select
// are read. It panics as GatherTaps does, checking only the taps of the
// rows it fills.
func GatherTaps2(dst []float32, nr int, src []float32, sc, c0, t0 int, bases []int, masks []uint64) {
	taps := len(bases)
	kb := len(dst) / nr
	if nr > 64 || len(masks) < taps || t0 < 0 || t0 >= taps || sc < 0 || c0 < 0 {
		panic("gemm: bad panel for GatherTaps2")
	}
	if kb == 0 {
		return
	}
	// The rows run from tap t0 of channel c0 to tap tl of channel c1:
	// tap t is read from channel ca to channel cb, if at all.
	c1, tl := c0+(t0+kb-1)/taps, (t0+kb-1)%taps
	for t, b := range bases {
		m := masks[t]
		ca, cb := c0, c1
		if t < t0 {
			ca++
		}
		if t > tl {
			cb--
		}
		if m == 0 || ca > cb {
			continue
		}
		last := 63 - bits.LeadingZeros64(m)
		if last >= nr || ca*sc+b+2*bits.TrailingZeros64(m) < 0 || cb*sc+b+2*last >= len(src) {
			panic("gemm: GatherTaps2 reads outside its operands")
		}
	}
	if gatherTaps2Arch(dst[:kb*nr], nr, src, sc, c0, t0, bases, masks) {
		return
	}
	gatherTapsGo(dst[:kb*nr], nr, src, 2, sc, c0, t0, bases, masks)
}
