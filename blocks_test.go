package aniso

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBackwardSplits runs the backward pass on geometries that split its
// units each way: input channels in blocks, with the tiles of gy gathered
// once for all of them (a stretch, so that phases are not rows of gy) or
// read in place (no stretch); and a single input channel, whose data
// adjoint is summed in blocks of tiles through partial sums, onto a
// contiguous or a strided gx. Each result matches the reference, the bits
// are the same for any GOMAXPROCS, and a call that follows sees its own gy.
func TestBackwardSplits(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	rng := rand.New(rand.NewPCG(91, 3))
	cases := []struct {
		x, w, u, stride []int
	}{
		{[]int{1, 8, 6, 10, 12}, []int{8, 8, 4, 4, 3}, []int{1, 2, 1}, []int{2, 1, 1}},
		{[]int{1, 12, 30, 40}, []int{8, 12, 3, 3}, nil, []int{1, 1}},
		{[]int{1, 1, 100, 100}, []int{8, 1, 4, 4}, []int{2, 1}, []int{1, 1}},
	}
	for _, c := range cases {
		for _, strided := range []bool{false, true} {
			nax := len(c.x) - 2
			g := refGeom{Stride: c.stride, PadLo: make([]int, nax), PadHi: make([]int, nax), Dilation: make([]int, nax), Groups: 1}
			o := StretchOptions{ConvOptions: ConvOptions{Stride: c.stride, PadLo: make([]int, nax), PadHi: make([]int, nax)}, Stretch: c.u}
			u := make([]int, nax)
			for a := range nax {
				g.PadLo[a], g.PadHi[a], g.Dilation[a] = 1, 2, 1
				o.PadLo[a], o.PadHi[a] = 1, 2
				u[a] = 1
				if c.u != nil {
					u[a] = c.u[a]
				}
			}
			x, w := randRef(rng, c.x...), randRef(rng, c.w...)
			y := refStretchConv(x, w, nil, g, u, Nearest)
			gy := randRef(rng, y.Shape...)
			gxWant, gwWant, _ := refStretchConvGrads(x, w, gy, g, u, Nearest)
			what := fmt.Sprintf("x %v w %v stretch %v strided %v", c.x, c.w, c.u, strided)
			p, err := NewStretchConvPlan(c.x, c.w, o)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			// The input gradient as col2im, which the splits are about.
			p.p.adj.col2imOnly()
			if p.MACs() < parallelMACs {
				t.Fatalf("%s: %d multiply-adds, too few to split", what, p.MACs())
			}
			xt, wt, gyt := gappy(rng, x), tensorFromRef(w), gappy(rng, gy)
			var first [2][]float64
			for _, procs := range []int{1, 4} {
				runtime.GOMAXPROCS(procs)
				gx := resultLike(rng, gxWant, strided)
				gw := New(c.w...)
				if err := p.Backward(gx, gw, nil, xt, wt, gyt); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				expectClose(t, what+": gx", gx, gxWant)
				expectClose(t, what+": gw", gw, gwWant)
				got := [2][]float64{refFromTensor(gx).Data, refFromTensor(gw).Data}
				if procs == 1 {
					first = got
					continue
				}
				for i := range got {
					for j := range got[i] {
						if math.Float64bits(got[i][j]) != math.Float64bits(first[i][j]) {
							t.Fatalf("%s: result %d differs at %d between 1 and %d threads", what, i, j, procs)
						}
					}
				}
			}
			if strided {
				continue
			}
			// The tiles of gy gathered for a call are not those of the
			// next one, which asks for gw alone.
			gy2 := randRef(rng, y.Shape...)
			_, gwWant2, _ := refStretchConvGrads(x, w, gy2, g, u, Nearest)
			gw := New(c.w...)
			if err := p.Backward(nil, gw, nil, xt, wt, tensorFromRef(gy2)); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			expectClose(t, what+": gw of another gy", gw, gwWant2)
		}
	}
}

// TestWeightWithoutTable runs the weight gradient of a stretch so large
// that its phases have no run table, so that dotWeight compiles the
// segments of each tile as it goes.
func TestWeightWithoutTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(92, 3))
	g := refGeom{Stride: []int{1, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 1}, Dilation: []int{1, 1}, Groups: 1}
	u := []int{128, 128}
	o := StretchOptions{ConvOptions: ConvOptions{PadLo: g.PadLo, PadHi: g.PadHi}, Stretch: u}
	x, w := randRef(rng, 1, 2, 2, 2), randRef(rng, 4, 2, 3, 3)
	y := refStretchConv(x, w, nil, g, u, Nearest)
	gy := randRef(rng, y.Shape...)
	_, gwWant, _ := refStretchConvGrads(x, w, gy, g, u, Nearest)
	p, err := NewStretchConvPlan(x.Shape, w.Shape, o)
	if err != nil {
		t.Fatal(err)
	}
	gw := New(w.Shape...)
	if err := p.Backward(nil, gw, nil, tensorFromRef(x), tensorFromRef(w), tensorFromRef(gy)); err != nil {
		t.Fatal(err)
	}
	if p.p.e.tables[opBackwardWeight].valid {
		t.Fatal("the weight gradient has a run table")
	}
	expectClose(t, "gw", gw, gwWant)
}

// TestWeightSpans runs the weight gradient of convolutions whose tiles are
// short enough for dotWeightSpan to multiply several at once, in 2-D and
// 3-D, or so long that it cuts them in pieces, with x contiguous and with NaN gaps after its rows, which the
// joined segments must not read. Each gradient matches the reference and
// has the same bits for any GOMAXPROCS.
func TestWeightSpans(t *testing.T) {
	if !dotWeights() {
		t.Skip("dotWeight does not serve on this machine")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	rng := rand.New(rand.NewPCG(93, 3))
	cases := []struct{ x, w []int }{
		{[]int{2, 64, 20, 30}, []int{8, 64, 3, 3}},
		{[]int{2, 32, 5, 9, 14}, []int{12, 32, 3, 3, 3}},
		// One tile of 2400 positions, in three pieces.
		{[]int{2, 4, 40, 60}, []int{8, 4, 3, 3}},
	}
	for _, c := range cases {
		nax := len(c.x) - 2
		g := refGeom{Stride: make([]int, nax), PadLo: make([]int, nax), PadHi: make([]int, nax), Dilation: make([]int, nax), Groups: 1}
		o := ConvOptions{PadLo: make([]int, nax), PadHi: make([]int, nax)}
		for a := range nax {
			g.Stride[a], g.Dilation[a] = 1, 1
			g.PadLo[a], g.PadHi[a] = 1, 2
			o.PadLo[a], o.PadHi[a] = 1, 2
		}
		x, w := randRef(rng, c.x...), randRef(rng, c.w...)
		y := refConv(x, w, nil, g)
		gy := randRef(rng, y.Shape...)
		_, gwWant, _ := refConvGrads(x, w, gy, g)
		p, err := NewConvPlan(c.x, c.w, o)
		if err != nil {
			t.Fatal(err)
		}
		e := p.p.e
		k := e.cin * e.kvol
		if ts := e.tileFor(k, volume1(y.Shape[2:])); ts <= dotSpan && (2*ts > dotSpan || e.tiles < 2) {
			t.Fatalf("x %v w %v: %d tiles of %d positions, neither spanned nor cut", c.x, c.w, e.tiles, ts)
		}
		for _, xt := range []*Tensor{tensorFromRef(x), rowGaps(rng, x)} {
			what := fmt.Sprintf("x %v w %v strides %v", c.x, c.w, xt.Strides)
			var first []float32
			for _, procs := range []int{1, 2} {
				runtime.GOMAXPROCS(procs)
				gw := New(c.w...)
				if err := p.Backward(nil, gw, nil, xt, tensorFromRef(w), tensorFromRef(gy)); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				expectClose(t, what+": gw", gw, gwWant)
				if procs == 1 {
					first = gw.Data
					continue
				}
				for j := range first {
					if math.Float32bits(gw.Data[j]) != math.Float32bits(first[j]) {
						t.Fatalf("%s: gw differs at %d between 1 and %d threads", what, j, procs)
					}
				}
			}
		}
	}
}

// TestPackedWeightBlocks runs the weight gradient of a convolution with
// enough weights for the packed product, which splits its units by blocks
// of input channels: the gradient matches the reference and has the same
// bits for any GOMAXPROCS, with x contiguous and with NaN gaps.
func TestPackedWeightBlocks(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	rng := rand.New(rand.NewPCG(93, 4))
	xs, ws := []int{2, 128, 6, 9}, []int{130, 128, 3, 3}
	g := refGeom{Stride: []int{1, 1}, PadLo: []int{1, 0}, PadHi: []int{1, 2}, Dilation: []int{1, 1}, Groups: 1}
	o := ConvOptions{PadLo: g.PadLo, PadHi: g.PadHi}
	x, w := randRef(rng, xs...), randRef(rng, ws...)
	y := refConv(x, w, nil, g)
	gy := randRef(rng, y.Shape...)
	_, gwWant, _ := refConvGrads(x, w, gy, g)
	p, err := NewConvPlan(xs, ws, o)
	require.NoError(t, err)
	require.False(t, p.p.e.dotSteps(view{sp: []int{9, 1}}), "the packed product does not serve")
	for _, xt := range []*Tensor{tensorFromRef(x), rowGaps(rng, x)} {
		var first []float32
		for _, procs := range []int{1, 2, 3} {
			runtime.GOMAXPROCS(procs)
			gw := New(ws...)
			require.NoError(t, p.Backward(nil, gw, nil, xt, tensorFromRef(w), tensorFromRef(gy)))
			expectClose(t, fmt.Sprintf("strides %v: gw", xt.Strides), gw, gwWant)
			if first == nil {
				first = gw.Data
				continue
			}
			for j := range first {
				if math.Float32bits(gw.Data[j]) != math.Float32bits(first[j]) {
					t.Fatalf("GOMAXPROCS %d: gw[%d] = %v, on one goroutine %v", procs, j, gw.Data[j], first[j])
				}
			}
		}
	}
	require.Greater(t, p.p.e.cblock, 0)
	require.Less(t, p.p.e.cblock, 128, "the channels were not split into blocks")
}
