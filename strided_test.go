package aniso

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// channelsLast returns the axis order that lays an N×C×D1×…×Dn tensor out
// as N×D1×…×Dn×C, outermost first.
func channelsLast(rank int) []int {
	perm := []int{0}
	for a := 2; a < rank; a++ {
		perm = append(perm, a)
	}
	if rank > 1 {
		perm = append(perm, 1)
	}
	return perm
}

// stridedResult returns a view of the given shape whose axes lie in the
// order perm (outermost first), with gaps between neighbours along every
// axis, over a buffer of NaN; with gaps false the layout is dense.
func stridedResult(shape, perm []int, gaps bool) *Tensor {
	st := make([]int, len(shape))
	s, pad := 1, 0
	if gaps {
		s, pad = 2, 1
	}
	for i := len(perm) - 1; i >= 0; i-- {
		a := perm[i]
		st[a] = s
		s *= shape[a] + pad
	}
	buf := make([]float32, s)
	for i := range buf {
		buf[i] = float32(math.NaN())
	}
	return &Tensor{Data: buf, Shape: shape, Strides: st}
}

// addressed marks the elements of t.Data that t's shape addresses.
func addressed(t *Tensor) []bool {
	m := make([]bool, len(t.Data))
	for idx, ok := refFirst(t.Shape); ok; ok = refNext(idx, t.Shape) {
		off := 0
		for i, v := range idx {
			off += v * t.Strides[i]
		}
		m[off] = true
	}
	return m
}

// requireStrided checks that the strided result got holds the values of
// the contiguous result want and that every element between its elements
// is still NaN.
func requireStrided(t *testing.T, what string, got, want *Tensor) {
	t.Helper()
	g := packed(got)
	for i, v := range want.Data {
		d := math.Abs(float64(g[i]) - float64(v))
		if !(d <= 1e-5*(1+math.Abs(float64(v)))) {
			t.Fatalf("%s: element %d is %v, want %v", what, i, g[i], v)
		}
	}
	for i, in := range addressed(got) {
		if !in && !math.IsNaN(float64(got.Data[i])) {
			t.Fatalf("%s: gap at %d was written: %v", what, i, got.Data[i])
		}
	}
}

// TestPlansStridedResults runs every plan method with results laid out
// channels-last, with and without gaps, on a batch smaller than the
// planned one, and compares them with contiguous results; the gaps hold
// NaN and must stay untouched.
func TestPlansStridedResults(t *testing.T) {
	rng := rand.New(rand.NewPCG(77, 1))
	for _, p := range testPlans(t, 4) {
		n := 3 // smaller than planned
		x := randTensor(rng, withBatch(p.x, n)...)
		gy := randTensor(rng, withBatch(p.out, n)...)
		var w, b *Tensor
		nb := 0
		if p.w != nil {
			nb = p.out[1]
			w, b = randTensor(rng, p.w...), randTensor(rng, nb)
		}
		yShape := withBatch(p.out, n)
		for _, gaps := range []bool{false, true} {
			what := func(s string) string {
				return p.name + " " + s + map[bool]string{false: " channels-last", true: " with gaps"}[gaps]
			}
			for _, bias := range []*Tensor{b, nil} {
				want := New(yShape...)
				require.NoError(t, p.forward(want, x, w, bias))
				y := stridedResult(yShape, channelsLast(len(yShape)), gaps)
				require.NoError(t, p.forward(y, x, w, bias))
				requireStrided(t, what("y"), y, want)
			}

			wx := New(x.Shape...)
			var ww, wb *Tensor
			if w != nil {
				ww, wb = New(w.Shape...), New(nb)
			}
			require.NoError(t, p.backward(wx, ww, wb, x, w, gy))
			gx := stridedResult(x.Shape, channelsLast(len(x.Shape)), gaps)
			var gw, gb *Tensor
			if w != nil {
				gw = stridedResult(w.Shape, channelsLast(len(w.Shape)), gaps)
				gb = stridedResult([]int{nb}, []int{0}, gaps)
			}
			require.NoError(t, p.backward(gx, gw, gb, x, w, gy))
			requireStrided(t, what("gx"), gx, wx)
			if w == nil {
				continue
			}
			requireStrided(t, what("gw"), gw, ww)
			requireStrided(t, what("gb"), gb, wb)

			// BackwardAdd onto strided gradients that hold values.
			gw0, gb0 := randTensor(rng, w.Shape...), randTensor(rng, nb)
			cw := &Tensor{Data: append([]float32(nil), gw0.Data...), Shape: w.Shape}
			cb := &Tensor{Data: append([]float32(nil), gb0.Data...), Shape: []int{nb}}
			require.NoError(t, p.add(nil, cw, cb, x, w, gy))
			gw = stridedResult(w.Shape, channelsLast(len(w.Shape)), gaps)
			gb = stridedResult([]int{nb}, []int{0}, gaps)
			scatterStrided(gw.Data, gw.Shape, gw.Strides, gw0.Data)
			scatterStrided(gb.Data, gb.Shape, gb.Strides, gb0.Data)
			gx = stridedResult(x.Shape, channelsLast(len(x.Shape)), gaps)
			require.NoError(t, p.add(gx, gw, gb, x, w, gy))
			requireStrided(t, what("added gx"), gx, wx)
			requireStrided(t, what("added gw"), gw, cw)
			requireStrided(t, what("added gb"), gb, cb)
		}
	}
}

// TestOverlappingResults checks that a result that addresses an element
// twice is an ErrData error, and that layouts which only look unusual are
// accepted.
func TestOverlappingResults(t *testing.T) {
	p, err := NewConvPlan([]int{2, 3, 6, 6}, []int{4, 3, 3, 3}, ConvOptions{})
	require.NoError(t, err)
	x, w := New(2, 3, 6, 6), New(4, 3, 3, 3)
	for _, c := range []struct {
		strides []int
		bad     bool
	}{
		{[]int{64, 16, 4, 1}, false},
		{[]int{64, 1, 16, 4}, false},  // channels-last
		{[]int{1, 2, 32, 8}, false},   // batch innermost
		{[]int{64, 16, 4, 0}, true},   // broadcast along a row
		{[]int{64, 4, 4, 1}, true},    // channels and rows share strides
		{[]int{64, 16, 3, 1}, true},   // rows overlap by one
		{[]int{16, 16, 4, 1}, true},   // batch and channels coincide
		{[]int{128, 32, 8, 2}, false}, // gaps
	} {
		y := &Tensor{Data: make([]float32, 256), Shape: []int{2, 4, 4, 4}, Strides: c.strides}
		err := p.Forward(y, x, w, nil)
		if c.bad {
			require.ErrorIs(t, err, ErrData, "%v", c.strides)
			require.ErrorContains(t, err, "y overlaps itself")
		} else {
			require.NoError(t, err, "%v", c.strides)
		}
	}
	gb := &Tensor{Data: make([]float32, 4), Shape: []int{4}, Strides: []int{0}}
	require.ErrorIs(t, p.Backward(nil, nil, gb, x, w, New(2, 4, 4, 4)), ErrData)
}

// TestStridedResultAllocations checks that plans allocate nothing after
// their first call with channels-last results, the strided weight
// gradient included.
func TestStridedResultAllocations(t *testing.T) {
	rng := rand.New(rand.NewPCG(78, 1))
	for _, p := range testPlans(t, 4) {
		x := randTensor(rng, p.x...)
		gy := randTensor(rng, p.out...)
		y := stridedResult(p.out, channelsLast(len(p.out)), true)
		gx := stridedResult(p.x, channelsLast(len(p.x)), true)
		var w, gw, gb *Tensor
		if p.w != nil {
			w = randTensor(rng, p.w...)
			gw = stridedResult(p.w, channelsLast(len(p.w)), true)
			gb = stridedResult([]int{p.out[1]}, []int{0}, true)
		}
		fs := []func() error{
			func() error { return p.forward(y, x, w, nil) },
			func() error { return p.backward(gx, gw, gb, x, w, gy) },
		}
		if p.add != nil {
			fs = append(fs, func() error { return p.add(gx, gw, gb, x, w, gy) })
		}
		for _, f := range fs {
			require.NoError(t, f())
			allocs := testing.AllocsPerRun(3, func() {
				if err := f(); err != nil {
					t.Fatal(err)
				}
			})
			require.Zero(t, allocs, p.name)
		}
	}
}

func TestPermute(t *testing.T) {
	x := New(2, 3, 4)
	for i := range x.Data {
		x.Data[i] = float32(i)
	}
	v := x.Permute(2, 0, 1)
	require.Equal(t, []int{4, 2, 3}, v.Shape)
	require.Equal(t, []int{1, 12, 4}, v.Strides)
	require.Equal(t, x.Data[1*12+2*4+3], v.Data[3*v.Strides[0]+1*v.Strides[1]+2*v.Strides[2]])
	v.Data[0] = 100 // a view: the data are shared
	require.EqualValues(t, 100, x.Data[0])
	// Permuting back gives the original layout.
	back := v.Permute(1, 2, 0)
	require.Equal(t, x.Shape, back.Shape)
	require.Equal(t, x.Strides, back.Strides)
	// A view of a view keeps its strides.
	g := &Tensor{Data: make([]float32, 100), Shape: []int{2, 3}, Strides: []int{10, 3}}
	require.Equal(t, []int{3, 10}, g.Permute(1, 0).Strides)

	for _, axes := range [][]int{{0, 1}, {0, 1, 1}, {0, 1, 3}, {-1, 0, 1}, {0, 1, 2, 3}, nil} {
		require.Nil(t, x.Permute(axes...), "%v", axes)
	}
	require.Nil(t, (*Tensor)(nil).Permute())
	require.Nil(t, (&Tensor{Shape: []int{2, 2}, Strides: []int{1}}).Permute(1, 0))
	require.NotNil(t, (&Tensor{}).Permute())
}
