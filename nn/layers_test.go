package nn_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/anisoconv/aniso"
	"github.com/anisoconv/aniso/nn"
)

// geom1 is a 1-D weight layer for the direct reference.
type geom1 struct {
	deconv          bool
	in, out, groups int
	k, s, d, lo, hi int
	u               int
	zeros           bool
	outPad          int
}

// outLen returns the output length for input length n.
func (g geom1) outLen(n int) int {
	dk := g.d*(g.k-1) + 1
	if g.deconv {
		return g.s*(n-1) + dk - g.lo - g.hi + g.outPad
	}
	l := g.u * n
	if g.zeros {
		l = g.u*(n-1) + 1
	}
	return (l+g.lo+g.hi-dk)/g.s + 1
}

// terms calls f for every product w[wi]·x[xi] that adds into y[yi], by the
// definitions of Conv over the stretched input and of Deconv, with batch
// nb and input length n.
func (g geom1) terms(nb, n int, f func(yi, xi, wi int)) {
	out := g.outLen(n)
	ci, co := g.in/g.groups, g.out/g.groups
	for b := 0; b < nb; b++ {
		if g.deconv {
			for i := 0; i < n; i++ {
				for c := 0; c < g.in; c++ {
					for oo := 0; oo < co; oo++ {
						for j := 0; j < g.k; j++ {
							q := i*g.s + j*g.d - g.lo
							if q < 0 || q >= out {
								continue
							}
							o := c/ci*co + oo
							f((b*g.out+o)*out+q, (b*g.in+c)*n+i, (c*co+oo)*g.k+j)
						}
					}
				}
			}
			continue
		}
		l := g.u * n
		if g.zeros {
			l = g.u*(n-1) + 1
		}
		for p := 0; p < out; p++ {
			for o := 0; o < g.out; o++ {
				for c := 0; c < ci; c++ {
					for j := 0; j < g.k; j++ {
						q := p*g.s + j*g.d - g.lo
						if q < 0 || q >= l || g.zeros && q%g.u != 0 {
							continue
						}
						xc := o/co*ci + c
						f((b*g.out+o)*out+p, (b*g.in+xc)*n+q/g.u, (o*ci+c)*g.k+j)
					}
				}
			}
		}
	}
}

// direct returns y and, for gy, the gradients gx, gw, gb computed from the
// terms in float64.
func (g geom1) direct(x, w, b, gy *aniso.Tensor) (y, gx, gw, gb *aniso.Tensor) {
	nb, n := x.Shape[0], x.Shape[2]
	out := g.outLen(n)
	y64 := make([]float64, nb*g.out*out)
	gx64 := make([]float64, len(x.Data))
	gw64 := make([]float64, len(w.Data))
	g.terms(nb, n, func(yi, xi, wi int) {
		y64[yi] += float64(w.Data[wi]) * float64(x.Data[xi])
		gx64[xi] += float64(w.Data[wi]) * float64(gy.Data[yi])
		gw64[wi] += float64(x.Data[xi]) * float64(gy.Data[yi])
	})
	y, gx, gw, gb = aniso.New(nb, g.out, out), aniso.New(x.Shape...), aniso.New(w.Shape...), aniso.New(g.out)
	for i := range y64 {
		o := i / out % g.out
		y.Data[i] = float32(y64[i] + float64(b.Data[o]))
		gb.Data[o] += gy.Data[i]
	}
	for i := range gx64 {
		gx.Data[i] = float32(gx64[i])
	}
	for i := range gw64 {
		gw.Data[i] = float32(gw64[i])
	}
	return y, gx, gw, gb
}

// layer builds the geometry as an nn layer.
func (g geom1) layer(rng *rand.Rand, wo nn.WeightOptions) (nn.Layer, *nn.Param, *nn.Param, error) {
	co := aniso.ConvOptions{Stride: []int{g.s}, Dilation: []int{g.d}, PadLo: []int{g.lo}, PadHi: []int{g.hi}, Groups: g.groups}
	switch {
	case g.deconv:
		l, err := nn.NewDeconv(rng, g.in, g.out, []int{g.k}, aniso.DeconvOptions{ConvOptions: co, OutputPadding: []int{g.outPad}}, wo)
		if err != nil {
			return nil, nil, nil, err
		}
		return l, l.W, l.B, nil
	case g.u > 1:
		mode := aniso.Nearest
		if g.zeros {
			mode = aniso.Zeros
		}
		l, err := nn.NewStretchConv(rng, g.in, g.out, []int{g.k}, aniso.StretchOptions{ConvOptions: co, Stretch: []int{g.u}, Mode: mode}, wo)
		if err != nil {
			return nil, nil, nil, err
		}
		return l, l.W, l.B, nil
	}
	l, err := nn.NewConv(rng, g.in, g.out, []int{g.k}, co, wo)
	if err != nil {
		return nil, nil, nil, err
	}
	return l, l.W, l.B, nil
}

var geoms = map[string]geom1{
	"conv":          {in: 4, out: 6, groups: 2, k: 3, s: 2, d: 1, lo: 1, hi: 0, u: 1},
	"conv-dilated":  {in: 3, out: 2, groups: 1, k: 3, s: 1, d: 2, lo: 2, hi: 1, u: 1},
	"deconv":        {deconv: true, in: 4, out: 6, groups: 2, k: 3, s: 2, d: 1, lo: 1, hi: 1, u: 1, outPad: 1},
	"stretch":       {in: 2, out: 3, groups: 1, k: 4, s: 1, d: 1, lo: 1, hi: 2, u: 2},
	"stretch-zeros": {in: 2, out: 4, groups: 2, k: 3, s: 2, d: 1, lo: 2, hi: 2, u: 3, zeros: true},
}

// TestWeightLayersDirect compares every weight layer, forward, input
// gradient and parameter gradients, with the direct float64 sums of its
// definition, for two batch sizes in turn, contiguous and strided inputs,
// and checks that a second Backward adds the gradients again.
func TestWeightLayersDirect(t *testing.T) {
	for name, g := range geoms {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 1))
			l, w, b, err := g.layer(rng, nn.WeightOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for i := range b.Value.Data {
				b.Value.Data[i] = float32(rng.NormFloat64())
			}
			for _, nb := range []int{2, 3, 2} {
				x := randn(rng, nb, g.in, 7)
				gy := randn(rng, nb, g.out, g.outLen(7))
				y, gx, gw, gb := g.direct(x, w.Value, b.Value, gy)
				for _, in := range []*aniso.Tensor{x, gappy(x)} {
					got, err := l.Forward(in)
					if err != nil {
						t.Fatal(err)
					}
					near(t, "y", got, y, 1e-5)
					nn.ZeroGrad(l.Params())
					for rep := 1; rep <= 2; rep++ {
						gotx, err := l.Backward(gappy(gy))
						if err != nil {
							t.Fatal(err)
						}
						near(t, "gx", gotx, gx, 1e-5)
						near(t, "gw", w.Grad, scaled(gw, float32(rep)), 1e-5)
						near(t, "gb", b.Grad, scaled(gb, float32(rep)), 1e-5)
					}
				}
			}
		})
	}
}

// TestWeightLayersAniso compares the N-d layers with aniso's one-shot
// operators, including groups, dilation, stretch in both modes and
// output padding.
func TestWeightLayersAniso(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	seed := aniso.ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 2}}
	type run func(x, w, b, gy *aniso.Tensor) (y, gx, gw, gb *aniso.Tensor, err error)
	cases := []struct {
		name  string
		build func() (nn.Layer, *nn.Param, *nn.Param, error)
		x     []int
		ref   run
	}{
		{"conv-2d", func() (nn.Layer, *nn.Param, *nn.Param, error) {
			o := aniso.ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 0}, PadHi: []int{0, 1}, Groups: 2}
			l, err := nn.NewConv(rng, 4, 6, []int{3, 2}, o, nn.WeightOptions{})
			return l, l.W, l.B, err
		}, []int{2, 4, 7, 6}, func(x, w, b, gy *aniso.Tensor) (y, gx, gw, gb *aniso.Tensor, err error) {
			o := aniso.ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 0}, PadHi: []int{0, 1}, Groups: 2}
			if y, err = aniso.Conv(x, w, b, o); err != nil {
				return
			}
			gx, gw, gb, err = aniso.ConvBackward(x, w, gy, o)
			return
		}},
		{"deconv-2d", func() (nn.Layer, *nn.Param, *nn.Param, error) {
			o := aniso.DeconvOptions{ConvOptions: aniso.ConvOptions{Stride: []int{2, 2}, PadLo: []int{1, 1}, Dilation: []int{1, 2}}, OutputPadding: []int{1, 0}}
			l, err := nn.NewDeconv(rng, 4, 2, []int{3, 3}, o, nn.WeightOptions{})
			return l, l.W, l.B, err
		}, []int{2, 4, 5, 4}, func(x, w, b, gy *aniso.Tensor) (y, gx, gw, gb *aniso.Tensor, err error) {
			o := aniso.DeconvOptions{ConvOptions: aniso.ConvOptions{Stride: []int{2, 2}, PadLo: []int{1, 1}, Dilation: []int{1, 2}}, OutputPadding: []int{1, 0}}
			if y, err = aniso.Deconv(x, w, b, o); err != nil {
				return
			}
			gx, gw, gb, err = aniso.DeconvBackward(x, w, gy, o)
			return
		}},
		{"stretch-nearest-2d", func() (nn.Layer, *nn.Param, *nn.Param, error) {
			o := aniso.StretchOptions{ConvOptions: seed, Stretch: []int{1, 2}}
			l, err := nn.NewStretchConv(rng, 2, 3, []int{4, 4}, o, nn.WeightOptions{})
			return l, l.W, l.B, err
		}, []int{2, 2, 10, 10}, func(x, w, b, gy *aniso.Tensor) (y, gx, gw, gb *aniso.Tensor, err error) {
			o := aniso.StretchOptions{ConvOptions: seed, Stretch: []int{1, 2}}
			if y, err = aniso.StretchConv(x, w, b, o); err != nil {
				return
			}
			gx, gw, gb, err = aniso.StretchConvBackward(x, w, gy, o)
			return
		}},
		{"stretch-zeros-3d", func() (nn.Layer, *nn.Param, *nn.Param, error) {
			o := aniso.StretchOptions{ConvOptions: aniso.ConvOptions{Stride: []int{2, 1, 1}, PadLo: []int{1, 1, 1}}, Stretch: []int{1, 2, 1}, Mode: aniso.Zeros}
			l, err := nn.NewStretchConv(rng, 2, 2, []int{3, 3, 3}, o, nn.WeightOptions{})
			return l, l.W, l.B, err
		}, []int{1, 2, 6, 5, 4}, func(x, w, b, gy *aniso.Tensor) (y, gx, gw, gb *aniso.Tensor, err error) {
			o := aniso.StretchOptions{ConvOptions: aniso.ConvOptions{Stride: []int{2, 1, 1}, PadLo: []int{1, 1, 1}}, Stretch: []int{1, 2, 1}, Mode: aniso.Zeros}
			if y, err = aniso.StretchConv(x, w, b, o); err != nil {
				return
			}
			gx, gw, gb, err = aniso.StretchConvBackward(x, w, gy, o)
			return
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, w, b, err := c.build()
			if err != nil {
				t.Fatal(err)
			}
			for i := range b.Value.Data {
				b.Value.Data[i] = float32(rng.NormFloat64())
			}
			x := randn(rng, c.x...)
			y, err := l.Forward(gappy(x))
			if err != nil {
				t.Fatal(err)
			}
			gy := randn(rng, y.Shape...)
			ry, rgx, rgw, rgb, err := c.ref(x, w.Value, b.Value, gy)
			if err != nil {
				t.Fatal(err)
			}
			near(t, "y", y, ry, 1e-6)
			nn.ZeroGrad(l.Params())
			gx, err := l.Backward(gy)
			if err != nil {
				t.Fatal(err)
			}
			near(t, "gx", gx, rgx, 1e-6)
			near(t, "gw", w.Grad, rgw, 1e-6)
			near(t, "gb", b.Grad, rgb, 1e-6)
		})
	}
}

// TestLayerGradients checks every layer's Backward, input and parameter
// gradients, with aniso.CheckGradient.
func TestLayerGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	// away returns a tensor whose values keep at least 0.2 from zero, so
	// that the differences of the activations do not cross their kink.
	away := func(shape ...int) *aniso.Tensor {
		x := randn(rng, shape...)
		for i, v := range x.Data {
			x.Data[i] = float32(math.Copysign(0.2+math.Abs(float64(v)), float64(v)))
		}
		return x
	}
	smooth := aniso.GradCheckOptions{Eps: 1e-3, Atol: 1e-4, Rtol: 1e-2, Trials: 3, Seed: 7}
	linear := aniso.GradCheckOptions{Trials: 3, Seed: 7}
	for name, g := range geoms {
		t.Run(name, func(t *testing.T) {
			l, _, b, err := g.layer(rng, nn.WeightOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for i := range b.Value.Data {
				b.Value.Data[i] = float32(rng.NormFloat64())
			}
			checkLayer(t, l, randn(rng, 2, g.in, 6), linear)
		})
	}
	for name, l := range map[string]nn.Layer{
		"unpool":    nn.NewUnpool(aniso.UnpoolOptions{Ksize: []int{3, 2}, Stride: []int{2, 2}, CoverAll: true}),
		"relu":      nn.NewReLU(),
		"leakyrelu": nn.NewLeakyReLU(0.1),
		"leaky-neg": nn.NewLeakyReLU(-0.5),
		"sigmoid":   nn.NewSigmoid(),
		"tanh":      nn.NewTanh(),
	} {
		t.Run(name, func(t *testing.T) {
			checkLayer(t, l, away(2, 3, 4, 5), smooth)
		})
	}
}

// TestActivationsDirect compares the activations with their formulas in
// float64, on a strided input.
func TestActivationsDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	x := randn(rng, 2, 3, 5)
	x.Data[0], x.Data[1] = 0, -0
	gy := randn(rng, 2, 3, 5)
	sig := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	for _, c := range []struct {
		name string
		l    nn.Layer
		f    func(v float64) float64
		df   func(v float64) float64
	}{
		{"relu", nn.NewReLU(), func(v float64) float64 { return math.Max(v, 0) }, func(v float64) float64 {
			if v > 0 {
				return 1
			}
			return 0
		}},
		{"leakyrelu", nn.NewLeakyReLU(0.2), func(v float64) float64 {
			if v > 0 {
				return v
			}
			return 0.2 * v
		}, func(v float64) float64 {
			if v > 0 {
				return 1
			}
			return 0.2
		}},
		{"sigmoid", nn.NewSigmoid(), sig, func(v float64) float64 { return sig(v) * (1 - sig(v)) }},
		{"tanh", nn.NewTanh(), math.Tanh, func(v float64) float64 { return 1 - math.Tanh(v)*math.Tanh(v) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			y, err := c.l.Forward(gappy(x))
			if err != nil {
				t.Fatal(err)
			}
			gx, err := c.l.Backward(gappy(gy))
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range x.Data {
				v := float64(v)
				if d := math.Abs(float64(y.Data[i]) - c.f(v)); d > 1e-6 {
					t.Fatalf("y[%d] = %g, want %g", i, y.Data[i], c.f(v))
				}
				if d := math.Abs(float64(gx.Data[i]) - float64(gy.Data[i])*c.df(v)); d > 1e-6 {
					t.Fatalf("gx[%d] = %g, want %g", i, gx.Data[i], float64(gy.Data[i])*c.df(v))
				}
			}
			if len(c.l.Params()) != 0 {
				t.Fatal("an activation has parameters")
			}
		})
	}
}

// TestUnpoolLayer compares Unpool with aniso.UnpoolND and its backward,
// on two batch sizes and a strided input.
func TestUnpoolLayer(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	o := aniso.UnpoolOptions{Ksize: []int{1, 2}, CoverAll: true}
	checkFreeLayer(t, rng, nn.NewUnpool(o),
		[]*aniso.Tensor{randn(rng, 1, 2, 4, 5), randn(rng, 3, 2, 4, 5), gappy(randn(rng, 1, 2, 4, 5))},
		func(x *aniso.Tensor) (*aniso.Tensor, error) { return aniso.UnpoolND(x, o) },
		func(x, gy *aniso.Tensor) (*aniso.Tensor, error) { return aniso.UnpoolNDBackward(x, gy, o) })
}

// TestSequentialGradient checks StretchConv → ReLU → Conv end to end, and
// a LeakyReLU → Deconv → Tanh tail, against central differences.
func TestSequentialGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	sc, err := nn.NewStretchConv(rng, 2, 4, []int{4, 4}, aniso.StretchOptions{
		ConvOptions: aniso.ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 2}},
		Stretch:     []int{1, 2},
	}, nn.WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := nn.NewConv(rng, 4, 3, []int{3, 3}, aniso.ConvOptions{PadLo: []int{1, 1}}, nn.WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := nn.NewDeconv(rng, 3, 2, []int{2, 2}, aniso.DeconvOptions{ConvOptions: aniso.ConvOptions{Stride: []int{2, 2}}}, nn.WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*nn.Param{sc.B, c.B, d.B} {
		for i := range p.Value.Data {
			p.Value.Data[i] = float32(0.1 * rng.NormFloat64())
		}
	}
	net := nn.NewSequential(sc, nn.NewReLU(), c)
	x := randn(rng, 2, 2, 6, 6)
	checkLayer(t, net, x, aniso.GradCheckOptions{Eps: 1e-3, Atol: 1e-3, Rtol: 1e-2, Trials: 3, Seed: 1})
	if got := len(net.Params()); got != 4 {
		t.Fatalf("%d params, want 4", got)
	}
	if n := net.Params()[2].Name; n != "2.weight" {
		t.Fatalf("third param is named %q, want 2.weight", n)
	}
	deep := nn.NewSequential(net, nn.NewLeakyReLU(0.1), d, nn.NewTanh())
	checkLayer(t, deep, x, aniso.GradCheckOptions{Eps: 1e-3, Atol: 1e-3, Rtol: 1e-2, Trials: 3, Seed: 2})
	if n := deep.Params()[0].Name; n != "0.0.weight" {
		t.Fatalf("first param is named %q, want 0.0.weight", n)
	}
}

// TestWeightOptions checks NoInputGrad, Frozen and NoBias against a layer
// with everything on.
func TestWeightOptions(t *testing.T) {
	o := aniso.StretchOptions{ConvOptions: aniso.ConvOptions{PadLo: []int{1, 1}}, Stretch: []int{2, 1}}
	build := func(wo nn.WeightOptions) *nn.StretchConv {
		l, err := nn.NewStretchConv(rand.New(rand.NewPCG(8, 8)), 3, 2, []int{3, 3}, o, wo)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	rng := rand.New(rand.NewPCG(9, 9))
	x := randn(rng, 2, 3, 5, 4)
	full := build(nn.WeightOptions{})
	y, err := full.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	gy := randn(rng, y.Shape...)
	gx, err := full.Backward(gy)
	if err != nil {
		t.Fatal(err)
	}

	first := build(nn.WeightOptions{NoInputGrad: true})
	y1, err := first.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "NoInputGrad y", y1, y, 0)
	if g, err := first.Backward(gy); g != nil || err != nil {
		t.Fatalf("NoInputGrad: Backward returned %v, %v; want nil, nil", g, err)
	}
	near(t, "NoInputGrad gw", first.W.Grad, full.W.Grad, 0)
	near(t, "NoInputGrad gb", first.B.Grad, full.B.Grad, 0)

	frozen := build(nn.WeightOptions{Frozen: true})
	if len(frozen.Params()) != 0 || frozen.W.Grad != nil || frozen.B.Grad != nil {
		t.Fatal("Frozen: params listed or gradients allocated")
	}
	if _, err := frozen.Forward(x); err != nil {
		t.Fatal(err)
	}
	g, err := frozen.Backward(gy)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "Frozen gx", g, gx, 0)
	both := build(nn.WeightOptions{Frozen: true, NoInputGrad: true})
	if _, err := both.Forward(x); err != nil {
		t.Fatal(err)
	}
	if g, err := both.Backward(gy); g != nil || err != nil {
		t.Fatalf("Frozen and NoInputGrad: Backward returned %v, %v; want nil, nil", g, err)
	}

	nobias := build(nn.WeightOptions{NoBias: true})
	if nobias.B != nil || len(nobias.Params()) != 1 {
		t.Fatal("NoBias: a bias exists")
	}
	if _, err := nobias.Forward(x); err != nil {
		t.Fatal(err)
	}
	if _, err := nobias.Backward(gy); err != nil {
		t.Fatal(err)
	}
	near(t, "NoBias gw", nobias.W.Grad, full.W.Grad, 0)
}

// TestNoInputGradInSequential checks that a first layer without input
// gradient ends the backward pass, and that one in the middle is an
// error because the layers before it would miss their gradients.
func TestNoInputGradInSequential(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	mk := func(wo nn.WeightOptions) *nn.Conv {
		c, err := nn.NewConv(rng, 2, 2, []int{3}, aniso.ConvOptions{PadLo: []int{1}}, wo)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	x := randn(rng, 1, 2, 5)
	ok := nn.NewSequential(nn.NewUnpool(aniso.UnpoolOptions{Ksize: []int{2}}), mk(nn.WeightOptions{NoInputGrad: true}), nn.NewReLU(), mk(nn.WeightOptions{}))
	y, err := ok.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	if g, err := ok.Backward(y); g != nil || err != nil {
		t.Fatalf("Backward returned %v, %v; want nil, nil", g, err)
	}
	bad := nn.NewSequential(mk(nn.WeightOptions{}), mk(nn.WeightOptions{NoInputGrad: true}))
	if y, err = bad.Forward(x); err != nil {
		t.Fatal(err)
	}
	if _, err := bad.Backward(y); !errors.Is(err, aniso.ErrOption) || !strings.Contains(err.Error(), "layer 1") {
		t.Fatalf("got %v, want an ErrOption naming layer 1", err)
	}
}

// TestLayerErrors feeds bad input to every layer: errors, never panics,
// naming the layer and wrapping the sentinel.
func TestLayerErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	conv, err := nn.NewConv(rng, 2, 3, []int{3, 3}, aniso.ConvOptions{}, nn.WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	deconv, err := nn.NewDeconv(rng, 2, 3, []int{3, 3}, aniso.DeconvOptions{}, nn.WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	stretch, err := nn.NewStretchConv(rng, 2, 3, []int{3, 3}, aniso.StretchOptions{Stretch: []int{2, 2}}, nn.WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	layers := map[string]nn.Layer{
		"conv":         conv,
		"deconv":       deconv,
		"stretchconv":  stretch,
		"unpool":       nn.NewUnpool(aniso.UnpoolOptions{Ksize: []int{2, 2}}),
		"relu":         nn.NewReLU(),
		"leakyrelu":    nn.NewLeakyReLU(0.01),
		"sigmoid":      nn.NewSigmoid(),
		"tanh":         nn.NewTanh(),
		"sequential":   nn.NewSequential(nn.NewReLU()),
		"pixelshuffle": nn.NewPixelShuffle([]int{2, 1}),
	}
	short := &aniso.Tensor{Data: make([]float32, 10), Shape: []int{1, 2, 4, 4}}
	for name, l := range layers {
		t.Run(name, func(t *testing.T) {
			if _, err := l.Backward(aniso.New(1, 3, 2, 2)); !errors.Is(err, nn.ErrNoForward) || !strings.Contains(err.Error(), name) {
				t.Errorf("Backward before Forward: %v, want ErrNoForward naming %s", err, name)
			}
			if _, err := l.Forward(nil); !errors.Is(err, aniso.ErrNilTensor) || !strings.Contains(err.Error(), name) {
				t.Errorf("nil x: %v", err)
			}
			if _, err := l.Forward(short); !errors.Is(err, aniso.ErrData) {
				t.Errorf("short Data: %v", err)
			}
			neg := &aniso.Tensor{Data: make([]float32, 40), Shape: []int{1, 2, 4, 4}, Strides: []int{32, 16, 4, -1}}
			if _, err := l.Forward(neg); !errors.Is(err, aniso.ErrData) {
				t.Errorf("negative stride: %v", err)
			}
			x := randn(rng, 1, 2, 4, 4)
			y, err := l.Forward(x)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := l.Backward(aniso.New(append([]int{2}, y.Shape[1:]...)...)); !errors.Is(err, aniso.ErrShape) {
				t.Errorf("gy of the wrong shape: %v", err)
			}
			if _, err := l.Backward(nil); !errors.Is(err, aniso.ErrNilTensor) {
				t.Errorf("nil gy: %v", err)
			}
			// After a failed Forward, Backward has nothing to work on.
			if _, err := l.Forward(short); err == nil {
				t.Fatal("short Data: no error")
			}
			if _, err := l.Backward(y); !errors.Is(err, nn.ErrNoForward) {
				t.Errorf("Backward after a failed Forward: %v", err)
			}
		})
	}
	for _, l := range []nn.Layer{conv, deconv, stretch} {
		if _, err := l.Forward(randn(rng, 1, 3, 4, 4)); !errors.Is(err, aniso.ErrShape) {
			t.Errorf("wrong channels: %v", err)
		}
		if _, err := l.Forward(randn(rng, 1, 2, 4)); !errors.Is(err, aniso.ErrShape) {
			t.Errorf("wrong rank: %v", err)
		}
	}
	if _, err := conv.Forward(randn(rng, 1, 2, 2, 2)); !errors.Is(err, aniso.ErrGeometry) || !strings.HasPrefix(err.Error(), "nn: conv: aniso: conv: axis 0") {
		t.Errorf("input smaller than the kernel: %v", err)
	}
	if _, err := nn.NewUnpool(aniso.UnpoolOptions{}).Forward(randn(rng, 1, 1, 3)); !errors.Is(err, aniso.ErrOption) {
		t.Errorf("unpool without Ksize: %v", err)
	}
	if _, err := nn.NewSequential(nil).Forward(randn(rng, 1, 1, 3)); !errors.Is(err, aniso.ErrNilTensor) {
		t.Errorf("nil layer: %v", err)
	}
	// A Sequential whose second layer fails must not run Backward through
	// the state its third layer kept from an earlier pass.
	c1, err := nn.NewConv(rng, 1, 1, []int{3}, aniso.ConvOptions{}, nn.WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	seq := nn.NewSequential(nn.NewReLU(), c1, nn.NewTanh())
	y, err := seq.Forward(randn(rng, 1, 1, 5))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seq.Forward(randn(rng, 1, 1, 2)); !errors.Is(err, aniso.ErrGeometry) || !strings.Contains(err.Error(), "layer 1") {
		t.Fatalf("input shorter than the kernel: %v", err)
	}
	if _, err := seq.Backward(y); !errors.Is(err, nn.ErrNoForward) {
		t.Errorf("Backward after a failed Forward: %v", err)
	}
	// A weight that was swapped for one of the wrong shape.
	conv.W.Value = aniso.New(3, 2, 2, 2)
	if _, err := conv.Forward(randn(rng, 1, 2, 4, 4)); !errors.Is(err, aniso.ErrShape) {
		t.Errorf("weights of the wrong shape: %v", err)
	}
	conv.W = nil
	if _, err := conv.Forward(randn(rng, 1, 2, 4, 4)); !errors.Is(err, aniso.ErrNilTensor) {
		t.Errorf("nil W: %v", err)
	}
}

// TestConstructorErrors checks the checks of the weight layers'
// constructors.
func TestConstructorErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	for _, c := range []struct {
		name string
		err  error
		f    func() error
	}{
		{"zero channels", aniso.ErrShape, func() error {
			_, err := nn.NewConv(rng, 0, 2, []int{3}, aniso.ConvOptions{}, nn.WeightOptions{})
			return err
		}},
		{"no kernel", aniso.ErrShape, func() error {
			_, err := nn.NewDeconv(rng, 2, 2, nil, aniso.DeconvOptions{}, nn.WeightOptions{})
			return err
		}},
		{"kernel 0", aniso.ErrShape, func() error {
			_, err := nn.NewStretchConv(rng, 2, 2, []int{3, 0}, aniso.StretchOptions{}, nn.WeightOptions{})
			return err
		}},
		{"groups", aniso.ErrShape, func() error {
			_, err := nn.NewConv(rng, 4, 3, []int{3}, aniso.ConvOptions{Groups: 2}, nn.WeightOptions{})
			return err
		}},
		{"negative groups", aniso.ErrOption, func() error {
			_, err := nn.NewConv(rng, 4, 4, []int{3}, aniso.ConvOptions{Groups: -2}, nn.WeightOptions{})
			return err
		}},
		{"huge", aniso.ErrTooLarge, func() error {
			_, err := nn.NewConv(rng, 1<<20, 1<<20, []int{3}, aniso.ConvOptions{}, nn.WeightOptions{})
			return err
		}},
		{"nil rng", aniso.ErrOption, func() error {
			_, err := nn.NewDeconv(nil, 2, 2, []int{3}, aniso.DeconvOptions{}, nn.WeightOptions{})
			return err
		}},
	} {
		if err := c.f(); !errors.Is(err, c.err) {
			t.Errorf("%s: %v, want %v", c.name, err, c.err)
		}
	}
}

// TestHeInit checks the fan-in of the weight layers' initialisation:
// (in/G)·Πk for Conv and StretchConv, (out/G)·Πk for Deconv.
func TestHeInit(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	sd := func(w *aniso.Tensor) float64 {
		var s float64
		for _, v := range w.Data {
			s += float64(v) * float64(v)
		}
		return math.Sqrt(s / float64(len(w.Data)))
	}
	conv, err := nn.NewConv(rng, 64, 32, []int{3, 3}, aniso.ConvOptions{Groups: 2}, nn.WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	deconv, err := nn.NewDeconv(rng, 64, 32, []int{3, 3}, aniso.DeconvOptions{ConvOptions: aniso.ConvOptions{Groups: 2}}, nn.WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		w, b  *nn.Param
		fanIn int
	}{{"conv", conv.W, conv.B, 32 * 9}, {"deconv", deconv.W, deconv.B, 16 * 9}} {
		want := math.Sqrt(2 / float64(c.fanIn))
		if got := sd(c.w.Value); math.Abs(got/want-1) > 0.03 {
			t.Errorf("%s: weight sd %.4f, want %.4f", c.name, got, want)
		}
		for _, v := range c.b.Value.Data {
			if v != 0 {
				t.Fatalf("%s: bias not zero", c.name)
			}
		}
	}
}

// TestResultsPerShape checks that a layer's result for one input shape
// stays valid while inputs of other shapes pass, and is reused for its
// own shape.
func TestResultsPerShape(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 16))
	c, err := nn.NewConv(rng, 2, 2, []int{3}, aniso.ConvOptions{PadLo: []int{1}}, nn.WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []nn.Layer{c, nn.NewTanh(), nn.NewUnpool(aniso.UnpoolOptions{Ksize: []int{2}})} {
		y2, err := l.Forward(randn(rng, 2, 2, 5))
		if err != nil {
			t.Fatal(err)
		}
		keep := clone(y2)
		y3, err := l.Forward(randn(rng, 3, 2, 5))
		if err != nil {
			t.Fatal(err)
		}
		near(t, "the result for batch 2", y2, keep, 0)
		again, err := l.Forward(randn(rng, 2, 2, 5))
		if err != nil {
			t.Fatal(err)
		}
		if again != y2 || again == y3 {
			t.Fatal("a layer did not reuse the result of a shape it has seen")
		}
	}
}

// TestOptionsCopied checks that a layer keeps its own copy of the option
// slices it was built with.
func TestOptionsCopied(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 17))
	o, err := aniso.SolveStretch([]int{8}, []int{16}, []int{3}, aniso.Nearest)
	if err != nil {
		t.Fatal(err)
	}
	s, err := nn.NewStretchConv(rng, 1, 1, []int{3}, o, nn.WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	stride := []int{1}
	c, err := nn.NewConv(rng, 1, 1, []int{3}, aniso.ConvOptions{Stride: stride}, nn.WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o.Stretch[0], o.OutSize[0], o.PadLo[0], stride[0] = 5, 3, 7, 4
	x := randn(rng, 1, 1, 8)
	if y, err := s.Forward(x); err != nil || y.Shape[2] != 16 {
		t.Errorf("StretchConv after its options changed: %v, %v", y, err)
	}
	if y, err := c.Forward(x); err != nil || y.Shape[2] != 6 {
		t.Errorf("Conv after its options changed: %v, %v", y, err)
	}
}
