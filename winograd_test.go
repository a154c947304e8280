package aniso

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/anisoconv/aniso/internal/wino"
)

// withWino runs f with winoMode set to mode.
func withWino(mode int, f func()) {
	winoMode = mode
	defer func() { winoMode = winoAuto }()
	f()
}

// TestWinogradRandom runs the random operator tests, the arena test and
// the strided-result test with the Winograd path on wherever it applies:
// the forward passes and weight gradients of 3×3 convolutions of unit
// stride, and the data gradients and Deconv passes that run as their
// forward passes.
func TestWinogradRandom(t *testing.T) {
	withWino(winoOn, func() {
		for _, f := range []func(*testing.T){TestConvRandom, TestDeconvRandom, TestPlansStayInsideTheirShapes, TestPlansStridedResults} {
			f(t)
		}
	})
}

// winoCase draws a 2-D 3×3 convolution of unit stride and dilation, with
// padding from −1 to 4 on each side, so that tiles fall wholly inside
// the input, across its edges, and past them; odd and even output sizes;
// and from 1 to 12 channels per group.
func winoCase(rng *rand.Rand) convCase {
	groups, batch := 1+rng.IntN(3), 1+rng.IntN(3)
	cin, cout := 1+rng.IntN(12), 1+rng.IntN(12)
	c := convCase{
		x: []int{batch, groups * cin},
		w: []int{groups * cout, cin, 3, 3},
		g: refGeom{Groups: groups, Stride: []int{1, 1}, Dilation: []int{1, 1}},
	}
	for _, most := range []int{12, 40} {
		for {
			in, lo, hi := 1+rng.IntN(most), rng.IntN(6)-1, rng.IntN(6)-1
			if in+lo+hi >= 3 && lo > -in && hi > -in {
				c.x = append(c.x, in)
				c.g.PadLo, c.g.PadHi = append(c.g.PadLo, lo), append(c.g.PadHi, hi)
				break
			}
		}
	}
	return c
}

// TestWinograd compares the forward pass and every gradient of random
// geometries on the Winograd path with the float64 reference, for
// contiguous operands and for operands whose gaps hold NaN, for Conv and
// for Deconv of unit stride, whose passes are the same correlations with
// the roles of their sides swapped.
func TestWinograd(t *testing.T) {
	rng := rand.New(rand.NewPCG(95, 1))
	// Enough channels for units of 64 tiles, which start within rows.
	wide := []convCase{
		{x: []int{1, 64, 8, 34}, w: []int{64, 64, 3, 3}, g: refGeom{Groups: 1, Stride: []int{1, 1}, Dilation: []int{1, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 1}}},
		{x: []int{1, 48, 9, 71}, w: []int{40, 48, 3, 3}, g: refGeom{Groups: 1, Stride: []int{1, 1}, Dilation: []int{1, 1}, PadLo: []int{0, 2}, PadHi: []int{1, 0}}},
		// More output channels than one product of the weight
		// gradient takes.
		{x: []int{2, 24, 10, 19}, w: []int{80, 24, 3, 3}, g: refGeom{Groups: 1, Stride: []int{1, 1}, Dilation: []int{1, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 1}}},
	}
	if raceEnabled {
		// Their references take seconds under the race detector;
		// TestWinogradThreads runs units that start within rows there.
		wide = nil
	}
	withWino(winoOn, func() {
		const random = 40
		for i := range random + len(wide) {
			c := winoCase(rng)
			if i >= random {
				c = wide[i-random]
			}
			x, w := randRef(rng, c.x...), randRef(rng, c.w...)
			var b []float64
			if rng.IntN(2) == 0 {
				b = randRef(rng, c.w[0]).Data
			}
			want := refConv(x, w, b, c.g)
			gy := randRef(rng, want.Shape...)
			gx, gw, gb := refConvGrads(x, w, gy, c.g)
			p, err := NewConvPlan(c.x, c.w, c.options())
			require.NoError(t, err)
			require.NotNil(t, p.p.e.wino, "%v: no Winograd form", c)
			if i >= random && c.w[0] <= 64 {
				require.Less(t, p.p.e.wino.ldv, p.p.e.wino.tw*p.p.e.wino.th, "%v: one unit", c)
			}
			checkWeighted(t, rng, c.String(), x, w, b, gy, want, gx, gw, gb,
				func(x, w, b *Tensor) (*Tensor, error) { return Conv(x, w, b, c.options()) },
				func(x, w, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) { return ConvBackward(x, w, gy, c.options()) })

			if i >= random {
				// The wide cases' units are the same on both sides.
				continue
			}
			// The same correlation as the Deconv of its output.
			d := deconvCase{convCase: c}
			d.x = append([]int{c.x[0], c.w[0]}, want.Shape[2:]...)
			d.w = []int{c.w[0], c.x[1] / c.g.Groups, 3, 3}
			d.outPad = []int{0, 0}
			if !slices.Equal(refDeconvSize(d.x[2:], d.w[2:], d.g, d.outPad), c.x[2:]) {
				continue
			}
			dx, dw := randRef(rng, d.x...), randRef(rng, d.w...)
			dwant := refDeconv(dx, dw, nil, d.g, d.outPad)
			dgy := randRef(rng, dwant.Shape...)
			dgx, dgw, dgb := refDeconvGrads(dx, dw, dgy, d.g, d.outPad)
			checkWeighted(t, rng, "deconv "+d.String(), dx, dw, nil, dgy, dwant, dgx, dgw, dgb,
				func(x, w, b *Tensor) (*Tensor, error) { return Deconv(x, w, b, d.options()) },
				func(x, w, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) {
					return DeconvBackward(x, w, gy, d.options())
				})
		}
	})
}

// TestWinogradAuto checks which geometries take the Winograd path by
// default on a machine with the vector kernels: 3×3 convolutions of unit
// stride with enough channels, their data gradients, and no others; and
// that the path then gives results that differ in their bits from the
// other paths', which shows that it ran.
func TestWinogradAuto(t *testing.T) {
	if !directAvailable() || !wino.Fast() {
		t.Skip("no vector kernels: the Winograd path does not serve by default")
	}
	cases := []struct {
		x, w []int
		o    ConvOptions
		want bool
	}{
		{[]int{2, 32, 20, 30}, []int{32, 32, 3, 3}, ConvOptions{PadLo: []int{1, 1}}, true},
		{[]int{1, 24, 22, 22}, []int{24, 24, 3, 3}, ConvOptions{}, true},
		{[]int{1, 24, 20, 20}, []int{24, 24, 3, 3}, ConvOptions{}, false},
		{[]int{1, 16, 20, 30}, []int{16, 16, 3, 3}, ConvOptions{PadLo: []int{1, 1}}, false},
		{[]int{1, 16, 20, 30}, []int{48, 16, 3, 3}, ConvOptions{PadLo: []int{1, 1}}, true},
		{[]int{1, 8, 20, 30}, []int{16, 8, 3, 3}, ConvOptions{PadLo: []int{1, 1}}, false},
		{[]int{1, 160, 20, 30}, []int{160, 160, 3, 3}, ConvOptions{PadLo: []int{1, 1}}, false},
		{[]int{1, 4, 20, 30}, []int{16, 4, 3, 3}, ConvOptions{PadLo: []int{1, 1}}, false},
		{[]int{1, 16, 20, 30}, []int{16, 16, 3, 3}, ConvOptions{Stride: []int{2, 2}}, false},
		{[]int{1, 16, 20, 30}, []int{16, 16, 3, 3}, ConvOptions{Dilation: []int{2, 1}}, false},
		{[]int{1, 16, 20, 30}, []int{16, 16, 5, 5}, ConvOptions{}, false},
		{[]int{1, 16, 6, 7, 8}, []int{16, 16, 3, 3, 3}, ConvOptions{}, false},
	}
	rng := rand.New(rand.NewPCG(95, 2))
	for _, c := range cases {
		p, err := NewConvPlan(c.x, c.w, c.o)
		require.NoError(t, err)
		e := p.p.e
		e.batch = c.x[0]
		require.Equal(t, c.want, e.winoPays(opForward), "x %v w %v %+v: forward", c.x, c.w, c.o)
		require.Equal(t, c.want && c.x[1]+c.w[0] <= maxWinoWeight, e.winoPays(opBackwardWeight), "x %v w %v %+v: weight gradient", c.x, c.w, c.o)
		if !c.want {
			continue
		}
		x, w := randTensor(rng, c.x...), randTensor(rng, c.w...)
		on, err := Conv(x, w, nil, c.o)
		require.NoError(t, err)
		var off *Tensor
		withWino(winoOff, func() { off, err = Conv(x, w, nil, c.o) })
		require.NoError(t, err)
		differ := false
		for i := range on.Data {
			differ = differ || math.Float32bits(on.Data[i]) != math.Float32bits(off.Data[i])
		}
		require.True(t, differ, "x %v w %v: the same bits with and without the Winograd path", c.x, c.w)
	}
}

// TestWinogradThreads checks that the Winograd path gives the same bits on
// one goroutine and on several, forward and for every gradient, with
// enough tiles for several chunks of the weight gradient.
func TestWinogradThreads(t *testing.T) {
	rng := rand.New(rand.NewPCG(95, 3))
	x, w := randTensor(rng, 3, 12, 37, 41), randTensor(rng, 10, 12, 3, 3)
	o := ConvOptions{PadLo: []int{1, 2}, PadHi: []int{0, 1}}
	y := New(3, 10, 36, 42)
	gy := randTensor(rng, y.Shape...)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	withWino(winoOn, func() {
		var first []*Tensor
		for _, procs := range []int{1, 2, 3} {
			runtime.GOMAXPROCS(procs)
			y, err := Conv(x, w, nil, o)
			require.NoError(t, err)
			gx, gw, gb, err := ConvBackward(x, w, gy, o)
			require.NoError(t, err)
			got := []*Tensor{y, gx, gw, gb}
			if first == nil {
				first = got
				continue
			}
			for i, r := range got {
				for j := range r.Data {
					if math.Float32bits(r.Data[j]) != math.Float32bits(first[i].Data[j]) {
						t.Fatalf("GOMAXPROCS %d: result %d differs at %d: %v, on one goroutine %v", procs, i, j, r.Data[j], first[i].Data[j])
					}
				}
			}
		}
	})
}

// TestWinogradAllocatesNothing checks that a plan on the Winograd path
// allocates nothing once its scratch is made.
func TestWinogradAllocatesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(95, 4))
	x, w, b := randTensor(rng, 2, 16, 30, 33), randTensor(rng, 16, 16, 3, 3), randTensor(rng, 16)
	o := ConvOptions{PadLo: []int{1, 1}, PadHi: []int{1, 1}}
	withWino(winoOn, func() {
		p, err := NewConvPlan(x.Shape, w.Shape, o)
		require.NoError(t, err)
		y := New(p.OutShape()...)
		gx, gw, gb := New(x.Shape...), New(w.Shape...), New(16)
		requireNoAllocs(t,
			func() error { return p.Forward(y, x, w, b) },
			func() error { return p.Backward(gx, gw, gb, x, w, y) })
	})
}
