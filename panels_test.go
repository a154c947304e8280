package aniso

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/anisoconv/aniso/internal/gemm"
)

// TestDirectPanelsKept checks that the forward products read the panels
// the forward table keeps, and that they give the bits of panels compiled
// for each product: 3-D convolutions whose lines join, with panels that
// lie wholly in the padding for some taps, for contiguous inputs and for
// inputs whose channels are further apart.
func TestDirectPanelsKept(t *testing.T) {
	if !gemm.DirectPays() {
		t.Skip("no vector kernel for the direct path")
	}
	rng := rand.New(rand.NewPCG(5, 9))
	for _, c := range []struct{ x, w []int }{
		{[]int{2, 16, 6, 7, 9}, []int{8, 16, 3, 3, 3}},
		{[]int{1, 8, 5, 6, 8}, []int{12, 8, 4, 4, 3}},
	} {
		o := ConvOptions{PadLo: []int{1, 1, 1}}
		p, err := NewConvPlan(c.x, c.w, o)
		require.NoError(t, err)
		x, w := randTensor(rng, c.x...), randTensor(rng, c.w...)
		// The same tensor with three channels of NaN after each batch's.
		vol := c.x[2] * c.x[3] * c.x[4]
		wide := &Tensor{Data: make([]float32, c.x[0]*(c.x[1]+3)*vol), Shape: c.x, Strides: []int{(c.x[1] + 3) * vol, vol, c.x[3] * c.x[4], c.x[4], 1}}
		for i := range wide.Data {
			wide.Data[i] = float32(math.NaN())
		}
		for n := 0; n < c.x[0]; n++ {
			copy(wide.Data[n*wide.Strides[0]:], x.Data[n*x.Strides[0]:(n+1)*x.Strides[0]])
		}
		for _, in := range []*Tensor{x, wide} {
			kept := New(p.OutShape()...)
			require.NoError(t, p.Forward(kept, in, w, nil))
			tab := &p.p.e.tables[opForward]
			require.NotEmpty(t, tab.panels, "x %v: no panels kept", c.x)
			tab.panels = tab.panels[:0]
			fresh := New(p.OutShape()...)
			require.NoError(t, p.Forward(fresh, in, w, nil))
			for i, v := range kept.Data {
				if math.Float32bits(v) != math.Float32bits(fresh.Data[i]) {
					t.Fatalf("x %v: element %d is %v with kept panels, %v with fresh ones", c.x, i, v, fresh.Data[i])
				}
			}
			// The next layout rebuilds the table and its panels.
			tab.strides = nil
		}
	}
}
