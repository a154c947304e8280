package aniso

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"
)

// TestDirectProducts runs geometries with tiny weight matrices, whose
// products (or, with one output channel, weight gradients) run as direct
// loops, once as they are and once through an
// installed blas32 implementation, which turns the direct loops off: the
// results must agree, and every product must reach the implementation.
func TestDirectProducts(t *testing.T) {
	rng := rand.New(rand.NewPCG(81, 1))
	ran, weightOnly := 0, 0
	for i := range 24 {
		cin, cout := 1+i%2, 1+i%3/2
		k := []int{1 + rng.IntN(4), 1 + rng.IntN(4-2*(i%3/2))}
		o := StretchOptions{
			ConvOptions: ConvOptions{Stride: []int{1 + rng.IntN(2), 1 + rng.IntN(2)}, PadLo: []int{rng.IntN(3), rng.IntN(2)}},
			Stretch:     []int{1 + rng.IntN(3), 1 + rng.IntN(2)},
			Mode:        StretchMode(i % 2),
		}
		x, w, b := randTensor(rng, 2, cin, 9+i, 7), randTensor(rng, cout, cin, k[0], k[1]), randTensor(rng, cout)
		p, err := NewStretchConvPlan(x.Shape, w.Shape, o)
		require.NoError(t, err)
		gy := randTensor(rng, p.OutShape()...)
		run := func() []*Tensor {
			y, err := StretchConv(x, w, b, o)
			require.NoError(t, err)
			gx, gw, gb, err := StretchConvBackward(x, w, gy, o)
			require.NoError(t, err)
			z, err := Deconv(gy, w, b, DeconvOptions{ConvOptions: o.ConvOptions})
			if err != nil {
				return []*Tensor{y, gx, gw, gb}
			}
			return []*Tensor{y, gx, gw, gb, z}
		}
		e := p.p.e
		if !e.smallProducts(opForward) && !e.smallProducts(opBackwardWeight) {
			continue
		}
		ran++
		if !e.smallProducts(opForward) {
			weightOnly++
		}
		direct := run()
		var macs int
		blas32.Use(countingBLAS{macs: &macs})
		viaBLAS := run()
		blas32.Use(gonum.Implementation{})
		require.Positive(t, macs, "case %d", i)
		for j := range direct {
			requireClose(t, direct[j], viaBLAS[j], 1e-5)
		}
	}
	require.GreaterOrEqual(t, ran, 8)
	require.GreaterOrEqual(t, weightOnly, 2)
}

// TestDirectPlansAllocateNothing checks that plans whose products run
// directly allocate nothing once they have run.
func TestDirectPlansAllocateNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(82, 1))
	so := StretchOptions{ConvOptions: ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 2}}, Stretch: []int{1, 2}, Mode: Zeros}
	x, w, b := randTensor(rng, 3, 1, 30, 20), randTensor(rng, 1, 1, 4, 4), randTensor(rng, 1)
	p, err := NewStretchConvPlan(x.Shape, w.Shape, so)
	require.NoError(t, err)
	require.True(t, p.p.e.smallProducts(opForward))
	y, gy := New(p.OutShape()...), randTensor(rng, p.OutShape()...)
	gx, gw, gb := New(x.Shape...), New(w.Shape...), New(1)
	requireNoAllocs(t,
		func() error { return p.Forward(y, x, w, b) },
		func() error { return p.Backward(gx, gw, gb, x, w, gy) },
	)
}

// requireNoAllocs runs each f once, then checks that it succeeds again
// without allocating.
func requireNoAllocs(t *testing.T, fs ...func() error) {
	t.Helper()
	for _, f := range fs {
		require.NoError(t, f())
		require.Zero(t, testing.AllocsPerRun(5, func() {
			if err := f(); err != nil {
				t.Fatal(err)
			}
		}))
	}
}
