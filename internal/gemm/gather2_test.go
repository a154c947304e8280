package gemm

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// gather2Case draws a random GatherTaps2 call over channels sc apart: its
// taps' bases and masks, some empty, and the rows it fills. A base may lie
// before the channel when the mask skips the columns that would read there.
func gather2Case(rng *rand.Rand, nr, sc, chans int) (bases []int, masks []uint64, c0, t0, kb int) {
	taps := 1 + rng.IntN(9)
	bases = make([]int, taps)
	masks = make([]uint64, taps)
	for i := range bases {
		bases[i] = rng.IntN(sc-2*nr+2) - 5
		masks[i] = rng.Uint64()
		if nr < 64 {
			masks[i] &= 1<<nr - 1
		}
		switch i % 4 {
		case 1: // one contiguous span of columns, as a line's is
			lo, hi := rng.IntN(nr), rng.IntN(nr)
			lo, hi = min(lo, hi), max(lo, hi)
			masks[i] = (1<<(hi-lo+1) - 1) << lo
		case 2: // the odd elements of the previous tap's span
			bases[i] = bases[i-1] + 1
		case 3:
			masks[i] = 0
		}
		if bases[i] < 0 {
			masks[i] &^= 1<<((-bases[i]+1)/2) - 1
		}
	}
	t0 = rng.IntN(taps)
	c0 = rng.IntN(2)
	kb = 1 + rng.IntN((chans-c0-1)*taps)
	return bases, masks, c0, t0, kb
}

// TestGatherTaps2 checks GatherTaps2 against its element-by-element form
// and the definition, on a source whose unselected elements are NaN and
// which ends at the last element some mask selects.
func TestGatherTaps2(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const sc, chans = 300, 6
	for _, nr := range []int{12, 64} {
		for trial := 0; trial < 300; trial++ {
			bases, masks, c0, t0, kb := gather2Case(rng, nr, sc, chans)
			taps := len(bases)
			full := make([]float32, sc*chans)
			for i := range full {
				full[i] = float32(math.NaN())
			}
			end := 0
			c, tp := c0, t0
			for p := 0; p < kb; p++ {
				for m := masks[tp]; m != 0; m &= m - 1 {
					o := c*sc + bases[tp] + 2*bits.TrailingZeros64(m)
					full[o] = float32(o%1000) + 0.5
					end = max(end, o+1)
				}
				if tp++; tp == taps {
					tp, c = 0, c+1
				}
			}
			src := full[:end]
			got, want := make([]float32, kb*nr), make([]float32, kb*nr)
			for i := range got {
				got[i] = float32(math.Inf(1))
				want[i] = got[i]
			}
			GatherTaps2(got, nr, src, sc, c0, t0, bases, masks)
			gatherTapsGo(want, nr, src, 2, sc, c0, t0, bases, masks)
			c, tp = c0, t0
			for p := 0; p < kb; p++ {
				m := masks[tp]
				for j := 0; j < nr; j++ {
					g := got[p*nr+j]
					var w float32
					switch {
					case m == 0:
						w = float32(math.Inf(1))
					case m>>j&1 != 0:
						w = src[c*sc+bases[tp]+2*j]
					}
					if math.Float32bits(g) != math.Float32bits(w) || math.Float32bits(g) != math.Float32bits(want[p*nr+j]) {
						t.Fatalf("nr %d trial %d: row %d col %d = %v, want %v (Go %v)", nr, trial, p, j, g, w, want[p*nr+j])
					}
				}
				if tp++; tp == taps {
					tp, c = 0, c+1
				}
			}
		}
	}
}

// TestGatherTaps2Bounds checks that GatherTaps2 refuses masks that read
// before or past its source.
func TestGatherTaps2Bounds(t *testing.T) {
	src := make([]float32, 200)
	dst := make([]float32, 64)
	for _, c := range []struct {
		base int
		mask uint64
	}{
		{-1, 1},
		{-3, 2},
		{200 - 2*63, 1 << 63},
		{200, 1},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("base %d mask %#x: no panic", c.base, c.mask)
				}
			}()
			GatherTaps2(dst, 64, src, 0, 0, 0, []int{c.base}, []uint64{c.mask})
		}()
	}
}
