package aniso

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// testPlan is one plan under test with the one-shot functions it must
// match. Unpooling and pixel shuffles have no weights: w is nil and their
// gw and gb are ignored.
type testPlan struct {
	name     string
	x, w     []int // planned shapes
	out      []int // OutShape
	forward  func(y, x, w, b *Tensor) error
	backward func(gx, gw, gb, x, w, gy *Tensor) error
	add      func(gx, gw, gb, x, w, gy *Tensor) error // BackwardAdd, nil for unpooling
	once     func(x, w, b *Tensor) (*Tensor, error)
	onceBack func(x, w, gy *Tensor) (gx, gw, gb *Tensor, err error)
}

// testPlans returns a plan of every kind for inputs of batch n: Conv with
// groups, StretchConv in both modes, Deconv, UnpoolND on the direct and
// the engine paths, PixelShuffle and PixelUnshuffle. The geometries are
// large enough to run in parallel.
func testPlans(t *testing.T, n int) []testPlan {
	t.Helper()
	x, w := []int{n, 8, 40, 36}, []int{8, 4, 3, 3}
	co := ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, Groups: 2}
	var ps []testPlan
	cp, err := NewConvPlan(x, w, co)
	require.NoError(t, err)
	ps = append(ps, testPlan{"conv", x, w, cp.OutShape(), cp.Forward, cp.Backward, cp.BackwardAdd,
		func(x, w, b *Tensor) (*Tensor, error) { return Conv(x, w, b, co) },
		func(x, w, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) { return ConvBackward(x, w, gy, co) }})
	for _, mode := range []StretchMode{Nearest, Zeros} {
		so := StretchOptions{ConvOptions: co, Stretch: []int{1, 3}, Mode: mode}
		sp, err := NewStretchConvPlan(x, w, so)
		require.NoError(t, err)
		ps = append(ps, testPlan{"stretch " + mode.String(), x, w, sp.OutShape(), sp.Forward, sp.Backward, sp.BackwardAdd,
			func(x, w, b *Tensor) (*Tensor, error) { return StretchConv(x, w, b, so) },
			func(x, w, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) { return StretchConvBackward(x, w, gy, so) }})
	}
	do := DeconvOptions{ConvOptions: co, OutputPadding: []int{1, 0}}
	dp, err := NewDeconvPlan(x, w, do)
	require.NoError(t, err)
	ps = append(ps, testPlan{"deconv", x, w, dp.OutShape(), dp.Forward, dp.Backward, dp.BackwardAdd,
		func(x, w, b *Tensor) (*Tensor, error) { return Deconv(x, w, b, do) },
		func(x, w, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) { return DeconvBackward(x, w, gy, do) }})
	for _, uo := range []UnpoolOptions{{Ksize: []int{2, 3}}, {Ksize: []int{3, 2}, Stride: []int{2, 2}, Pad: []int{1, 0}}} {
		up, err := NewUnpoolPlan(x, uo)
		require.NoError(t, err)
		ps = append(ps, testPlan{"unpool", x, nil, up.OutShape(),
			func(y, x, _, _ *Tensor) error { return up.Forward(y, x) },
			func(gx, _, _, _, _, gy *Tensor) error { return up.Backward(gx, gy) }, nil,
			func(x, _, _ *Tensor) (*Tensor, error) { return UnpoolND(x, uo) },
			func(x, _, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) {
				gx, err := UnpoolNDBackward(x, gy, uo)
				return gx, nil, nil, err
			}})
	}
	r := []int{2, 2}
	pp, err := NewPixelShufflePlan(x, r)
	require.NoError(t, err)
	ps = append(ps, testPlan{"pixelshuffle", x, nil, pp.OutShape(),
		func(y, x, _, _ *Tensor) error { return pp.Forward(y, x) },
		func(gx, _, _, _, _, gy *Tensor) error { return pp.Backward(gx, gy) }, nil,
		func(x, _, _ *Tensor) (*Tensor, error) { return PixelShuffle(x, r) },
		func(_, _, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) {
			gx, err := PixelUnshuffle(gy, r)
			return gx, nil, nil, err
		}})
	pu, err := NewPixelUnshufflePlan(x, r)
	require.NoError(t, err)
	ps = append(ps, testPlan{"pixelunshuffle", x, nil, pu.OutShape(),
		func(y, x, _, _ *Tensor) error { return pu.Forward(y, x) },
		func(gx, _, _, _, _, gy *Tensor) error { return pu.Backward(gx, gy) }, nil,
		func(x, _, _ *Tensor) (*Tensor, error) { return PixelUnshuffle(x, r) },
		func(_, _, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) {
			gx, err := PixelShuffle(gy, r)
			return gx, nil, nil, err
		}})
	return ps
}

// withBatch returns shape with its first size replaced by n.
func withBatch(shape []int, n int) []int {
	return append([]int{n}, shape[1:]...)
}

// TestPlansAnyBatch runs plans made for a batch of 5 on batches 0 to 5:
// the results have the call's batch and the bits of the one-shot functions
// for that batch. A larger batch is an error naming both.
func TestPlansAnyBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(72, 1))
	const planned = 5
	for _, p := range testPlans(t, planned) {
		var w, b *Tensor
		if p.w != nil {
			w, b = randTensor(rng, p.w...), randTensor(rng, p.w[0])
			if p.name == "deconv" {
				b = randTensor(rng, p.out[1])
			}
		}
		for _, n := range []int{0, 1, 3, planned} {
			x := randTensor(rng, withBatch(p.x, n)...)
			gy := randTensor(rng, withBatch(p.out, n)...)
			y := New(withBatch(p.out, n)...)
			require.NoError(t, p.forward(y, x, w, b), "%s, batch %d", p.name, n)
			want, err := p.once(x, w, b)
			require.NoError(t, err)
			require.Equal(t, want.Shape, y.Shape)
			require.Equal(t, want.Data, y.Data, "%s, batch %d", p.name, n)

			gx := New(x.Shape...)
			var gw, gb *Tensor
			if w != nil {
				gw, gb = New(w.Shape...), New(b.Shape...)
			}
			require.NoError(t, p.backward(gx, gw, gb, x, w, gy), "%s, batch %d", p.name, n)
			wx, ww, wb, err := p.onceBack(x, w, gy)
			require.NoError(t, err)
			require.Equal(t, wx.Data, gx.Data, "%s, batch %d: gx", p.name, n)
			if w != nil {
				require.Equal(t, ww.Data, gw.Data, "%s, batch %d: gw", p.name, n)
				require.Equal(t, wb.Data, gb.Data, "%s, batch %d: gb", p.name, n)
			}
		}

		// A larger batch, and results whose batch differs from x's.
		x := randTensor(rng, withBatch(p.x, planned+2)...)
		err := p.forward(New(withBatch(p.out, planned+2)...), x, w, b)
		require.ErrorIs(t, err, ErrShape)
		require.ErrorContains(t, err, "batch 7, more than the 5 the plan was made for")
		x = randTensor(rng, withBatch(p.x, 2)...)
		err = p.forward(New(withBatch(p.out, 3)...), x, w, b)
		require.ErrorIs(t, err, ErrShape)
		require.ErrorContains(t, err, "y has shape")
		gy := New(withBatch(p.out, 3)...)
		if p.w == nil {
			// gy sets the batch of the gradient of a plan without weights.
			err = p.backward(New(withBatch(p.x, 2)...), nil, nil, nil, nil, gy)
			require.ErrorContains(t, err, "gx has shape")
		} else {
			err = p.backward(nil, nil, nil, x, w, gy)
			require.ErrorContains(t, err, "gy has shape")
		}
		require.ErrorIs(t, err, ErrShape)
	}
}

// TestPlanBatchAllocations checks that a plan run on a smaller batch
// allocates nothing after its first call at that batch.
func TestPlanBatchAllocations(t *testing.T) {
	rng := rand.New(rand.NewPCG(73, 1))
	for _, p := range testPlans(t, 16) {
		var w, b *Tensor
		if p.w != nil {
			w, b = randTensor(rng, p.w...), nil
		}
		x := randTensor(rng, withBatch(p.x, 3)...)
		y, gy, gx := New(withBatch(p.out, 3)...), randTensor(rng, withBatch(p.out, 3)...), New(x.Shape...)
		var gw *Tensor
		if w != nil {
			gw = New(w.Shape...)
		}
		for _, f := range []func() error{
			func() error { return p.forward(y, x, w, b) },
			func() error { return p.backward(gx, gw, nil, x, w, gy) },
		} {
			require.NoError(t, f())
			allocs := testing.AllocsPerRun(5, func() {
				if err := f(); err != nil {
					t.Fatal(err)
				}
			})
			require.Zero(t, allocs, p.name)
		}
	}
}

// TestPlanBatchPartials alternates batches on a plan whose input gradient
// is summed in several blocks, more of them for a smaller batch, so that
// the partial buffers left by one call are longer than the next call's.
func TestPlanBatchPartials(t *testing.T) {
	rng := rand.New(rand.NewPCG(76, 1))
	o := ConvOptions{PadLo: []int{1, 1}}
	p, err := NewConvPlan([]int{2, 64, 40, 40}, []int{4, 64, 3, 3}, o)
	require.NoError(t, err)
	w := randTensor(rng, 4, 64, 3, 3)
	for _, n := range []int{2, 1, 2, 1} {
		x, gy := randTensor(rng, n, 64, 40, 40), randTensor(rng, n, 4, 40, 40)
		gx, gw := New(x.Shape...), New(w.Shape...)
		require.NoError(t, p.Backward(gx, gw, nil, x, w, gy))
		wx, ww, _, err := ConvBackward(x, w, gy, o)
		require.NoError(t, err)
		require.Equal(t, wx.Data, gx.Data, "batch %d", n)
		require.Equal(t, ww.Data, gw.Data, "batch %d", n)
	}
}
