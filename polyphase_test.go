package aniso

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// polyGeoms are geometries whose forward products read a line at step 2
// or 3, so that their input is held in polyphase layout: strides 2 and 3
// on either axis, kernels 3×3 to 5×5, padding that joins lines and
// padding that does not, odd and even lengths, dilation, groups, 1-D and
// 3-D, tiles longer than dotSpan, and stretches whose phases read at step 2.
var polyGeoms = []struct {
	x, w []int
	o    StretchOptions
}{
	{[]int{2, 16, 12, 20}, []int{24, 16, 3, 3}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1}, Stride: []int{2, 2}}}},
	{[]int{1, 16, 11, 21}, []int{20, 16, 3, 3}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1}, Stride: []int{2, 2}}}},
	{[]int{1, 32, 9, 23}, []int{16, 32, 4, 4}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 2}, PadHi: []int{2, 0}, Stride: []int{1, 2}}}},
	{[]int{1, 16, 14, 40}, []int{8, 16, 5, 5}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{2, 2}, Stride: []int{3, 3}}}},
	{[]int{1, 16, 13, 29}, []int{12, 16, 3, 3}, StretchOptions{ConvOptions: ConvOptions{Stride: []int{2, 3}, Dilation: []int{1, 2}}}},
	{[]int{2, 32, 8, 30}, []int{20, 16, 3, 3}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1}, Stride: []int{2, 2}, Groups: 2}}},
	{[]int{1, 16, 150}, []int{8, 16, 5}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{2}, Stride: []int{2}}}},
	// 1-D lines of several tiles, each splitting a window of its own.
	{[]int{2, 64, 2999}, []int{8, 64, 7}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{3}, PadHi: []int{2}, Stride: []int{2}}}},
	{[]int{1, 64, 3001}, []int{8, 64, 5}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1}, Stride: []int{3}}}},
	{[]int{1, 16, 80, 82}, []int{8, 16, 3, 3}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1}, Stride: []int{2, 2}}}},
	{[]int{1, 16, 6, 7, 20}, []int{8, 16, 3, 3, 3}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1, 1}, Stride: []int{2, 2, 2}}}},
	{[]int{1, 16, 10, 30}, []int{8, 16, 6, 6}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1}, PadHi: []int{2, 2}, Stride: []int{2, 2}}, Stretch: []int{3, 3}, Mode: Nearest}},
	{[]int{1, 16, 10, 30}, []int{8, 16, 4, 4}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1}, Stride: []int{1, 2}}, Stretch: []int{1, 3}, Mode: Zeros}},
}

// TestPolyphase compares the forward pass and the gradients of the
// geometries of polyGeoms, for contiguous inputs and inputs whose gaps
// hold NaN, with the float64 reference, with the input in polyphase
// layout and in its own, and checks that the polyphase layout was used
// where the direct path runs.
func TestPolyphase(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 5))
	for i, c := range polyGeoms {
		g, u := stretchRefGeom(c.o, len(c.x)-2)
		x, w, b := randRef(rng, c.x...), randRef(rng, c.w...), randRef(rng, c.w[0]).Data
		want := refStretchConv(x, w, b, g, u, c.o.Mode)
		gy := randRef(rng, want.Shape...)
		wgx, wgw, _ := refStretchConvGrads(x, w, gy, g, u, c.o.Mode)
		p, err := NewStretchConvPlan(c.x, c.w, c.o)
		require.NoError(t, err)
		for l, xt := range []*Tensor{tensorFromRef(x), gappy(rng, x), rowGaps(rng, x)} {
			for _, off := range []bool{true, false} {
				name := fmt.Sprintf("case %d (x %v w %v %v) layout %d polyphase off %v", i, c.x, c.w, c.o, l, off)
				polyOff = off
				y, gx, gw := New(p.OutShape()...), New(c.x...), New(c.w...)
				err := p.Forward(y, xt, tensorFromRef(w), tensorFromRef(biasRef(b)))
				if err == nil {
					err = p.Backward(gx, gw, nil, xt, tensorFromRef(w), tensorFromRef(gy))
				}
				polyOff = false
				require.NoError(t, err, name)
				expectClose(t, name+" forward", y, want)
				expectClose(t, name+" data gradient", gx, wgx)
				expectClose(t, name+" weight gradient", gw, wgw)
			}
		}
		if directAvailable() {
			used := false
			for _, wk := range p.base().p.e.workers {
				used = used || wk.poly != nil
			}
			require.True(t, used, "case %d: the polyphase layout was never used", i)
		}
	}
}

// TestPolyphaseDeconv checks the data gradient of a Deconv of stride 2,
// the forward pass of a convolution of stride 2, against the reference
// with its input in polyphase layout and in its own.
func TestPolyphaseDeconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 6))
	o := DeconvOptions{ConvOptions: ConvOptions{Stride: []int{2, 2}, PadLo: []int{1, 1}}}
	x, w := randRef(rng, 2, 24, 9, 17), randRef(rng, 24, 16, 3, 3)
	g := refGeom{Stride: []int{2, 2}, PadLo: []int{1, 1}, PadHi: []int{1, 1}, Dilation: []int{1, 1}, Groups: 1}
	y := refDeconv(x, w, nil, g, []int{0, 0})
	gy := randRef(rng, y.Shape...)
	wgx, _, _ := refDeconvGrads(x, w, gy, g, []int{0, 0})
	for _, off := range []bool{true, false} {
		polyOff = off
		gx, _, _, err := DeconvBackward(tensorFromRef(x), tensorFromRef(w), gappy(rng, gy), o)
		polyOff = false
		require.NoError(t, err)
		expectClose(t, fmt.Sprintf("deconv data gradient, polyphase off %v", off), gx, wgx)
	}
}

// TestPolyphaseWindow1D checks that a 1-D line of several tiles is split
// a window at a time, each tile holding only the samples it reads rather
// than the whole line.
func TestPolyphaseWindow1D(t *testing.T) {
	for _, s := range []int{2, 3} {
		p, err := NewConvPlan([]int{1, 64, 3000}, []int{8, 64, 5}, ConvOptions{PadLo: []int{2}, Stride: []int{s}})
		require.NoError(t, err)
		e := p.base().p.e
		if e.poly.fac == nil {
			t.Skip("no polyphase layout on this machine")
		}
		whole := ceilDiv(3000, s) * s
		// Two tiles: a window of a little more than half the line.
		require.Equal(t, 2, e.tiles, "stride %d", s)
		require.Less(t, e.poly.sc, whole*3/4, "stride %d: a window of %d floats for a line of %d in %d tiles", s, e.poly.sc, whole, e.tiles)
	}
}
