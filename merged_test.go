package aniso

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// mergedEngines counts the engines of p, its own and its data adjoint's,
// whose forward pass computes the phases of the last axis together; the
// adjoint counts once a backward pass has built it.
func mergedEngines(p *StretchConvPlan) int {
	n := 0
	for _, e := range []*engine{p.base().p.e, p.base().p.adj.e} {
		if e != nil && e.merge > 1 {
			n++
		}
	}
	return n
}

// drawMerged draws a geometry whose last axis has 2 or 3 output phases
// in the forward pass or in the data adjoint: a stride of 2 or 3 along
// it, or a stretch of 2 or 3 at stride 1, with a length that often, but
// not always, lets the phases interleave (see mergePhases); 1 to 3 axes,
// kernels up to 5, dilation, padding, groups, and 3 to 16 channels, so
// that the products run on every path.
func drawMerged(rng *rand.Rand) (x, w []int, o StretchOptions) {
	nax := 1 + rng.IntN(3)
	o.Stride, o.Dilation, o.PadLo, o.PadHi, o.Stretch = make([]int, nax), make([]int, nax), make([]int, nax), make([]int, nax), make([]int, nax)
	groups := 1 + rng.IntN(2)
	cin := []int{3, 8, 16}[rng.IntN(3)]
	cout := 2 + rng.IntN(12)
	x, w = []int{1 + rng.IntN(2), groups * cin}, []int{groups * cout, cin}
	if rng.IntN(3) == 0 {
		o.Mode = Zeros
	}
	for a := 0; a < nax; a++ {
		k, d, s, u := 1+rng.IntN(5), 1+rng.IntN(2), 1+rng.IntN(3), 1
		if a == nax-1 {
			s = 2 + rng.IntN(2)
			if rng.IntN(3) == 0 {
				s, u = 1, 2+rng.IntN(2)
			}
		} else if rng.IntN(4) == 0 {
			s, u = 1, 2
		}
		if o.Mode == Nearest && d > u {
			d = 1
		}
		n := 4 + rng.IntN(8)
		lo, hi := rng.IntN(k), rng.IntN(k)
		if a == nax-1 {
			n = 6 + rng.IntN(40)
		}
		for (u*n-u+1)+lo+hi < d*(k-1)+1 {
			hi++
		}
		if a == nax-1 && rng.IntN(4) > 0 {
			// Lengths whose phases interleave: an input of a multiple
			// of the stride, whose data adjoint has s phases of equal
			// counts, or an output of a multiple of the stretch.
			n = max(s, n/s*s)
			if u > 1 {
				span := u * n
				if o.Mode == Zeros {
					span = u*(n-1) + 1
				}
				out := span + lo + hi - d*(k-1)
				hi += (u - out%u) % u
			}
		}
		x, w = append(x, n), append(w, k)
		o.Stride[a], o.Dilation[a], o.PadLo[a], o.PadHi[a], o.Stretch[a] = s, d, lo, hi, u
	}
	o.Groups = groups
	return x, w, o
}

// TestMergedPhases compares the forward pass and the gradients of random
// geometries whose last axis has interleaving output phases, in the
// forward pass or the data adjoint, with the float64 reference: inputs
// contiguous and with NaN in gaps, results contiguous and with NaN gaps
// after each row, which must stay as they are. The bits must not depend
// on GOMAXPROCS, the plans allocate nothing once they have run, and most
// geometries must take the merged path.
func TestMergedPhases(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	rng := rand.New(rand.NewPCG(23, 9))
	merged, cases := 0, 40
	if raceEnabled {
		// The race detector makes each case some ten times slower.
		cases = 4
	}
	for i := 0; i < cases; i++ {
		xs, ws, o := drawMerged(rng)
		g, u := stretchRefGeom(o, len(xs)-2)
		p, err := NewStretchConvPlan(xs, ws, o)
		if err != nil {
			// A geometry the plan rejects (an empty output) tells nothing.
			i--
			continue
		}
		x, w, b := randRef(rng, xs...), randRef(rng, ws...), randRef(rng, ws[0]).Data
		want := refStretchConv(x, w, b, g, u, o.Mode)
		gy := randRef(rng, want.Shape...)
		wgx, wgw, _ := refStretchConvGrads(x, w, gy, g, u, o.Mode)
		gxt, ggyt := gappy(rng, x), gappy(rng, gy)
		for l := 0; l < 2; l++ {
			var bits [][]uint32
			for _, procs := range []int{1, 3, 2} {
				runtime.GOMAXPROCS(procs)
				name := fmt.Sprintf("case %d (x %v w %v %+v) layout %d GOMAXPROCS %d", i, xs, ws, o, l, procs)
				xt, gyt := tensorFromRef(x), tensorFromRef(gy)
				y, gx := New(want.Shape...), New(xs...)
				if l > 0 {
					xt, gyt = gxt, ggyt
					y, gx = rowGaps(rng, newRef(want.Shape...)), rowGaps(rng, newRef(xs...))
				}
				gw := New(ws...)
				require.NoError(t, p.Forward(y, xt, tensorFromRef(w), tensorFromRef(biasRef(b))), name)
				require.NoError(t, p.Backward(gx, gw, nil, xt, tensorFromRef(w), gyt), name)
				if l > 0 {
					requireStrided(t, name+" forward", y, tensorFromRef(want))
					requireStrided(t, name+" data gradient", gx, tensorFromRef(wgx))
				}
				expectClose(t, name+" forward", &Tensor{Data: packed(y), Shape: y.Shape}, want)
				expectClose(t, name+" data gradient", &Tensor{Data: packed(gx), Shape: gx.Shape}, wgx)
				expectClose(t, name+" weight gradient", gw, wgw)
				var got []uint32
				for _, v := range [][]float32{packed(y), packed(gx), gw.Data} {
					for _, f := range v {
						got = append(got, math.Float32bits(f))
					}
				}
				bits = append(bits, got)
			}
			require.Equal(t, bits[0], bits[1], "case %d layout %d: GOMAXPROCS 1 and 3 differ", i, l)
			require.Equal(t, bits[0], bits[2], "case %d layout %d: GOMAXPROCS 1 and 2 differ", i, l)
		}
		// The adjoint engine is built by the first backward pass.
		merged += min(1, mergedEngines(p))
		xt, wt, gyt := tensorFromRef(x), tensorFromRef(w), tensorFromRef(gy)
		y, gx, gw := New(want.Shape...), New(xs...), New(ws...)
		allocs := testing.AllocsPerRun(2, func() {
			require.NoError(t, p.Forward(y, xt, wt, nil))
			require.NoError(t, p.Backward(gx, gw, nil, xt, wt, gyt))
		})
		require.Zero(t, allocs, "case %d: the plan allocates", i)
	}
	require.Greater(t, merged, cases/2, "too few geometries took the merged path")
}
