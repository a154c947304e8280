package aniso

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// col2imOnly makes the data adjoint of p run as col2im, as it does where
// the gather does not apply.
func (a *adjoint) col2imOnly() { a.built, a.e = true, nil }

// resultLike returns a tensor of the shape of ref for a result: contiguous
// and zeroed, or, when strided is set, with gaps and NaN everywhere.
func resultLike(rng *rand.Rand, ref *refArr, strided bool) *Tensor {
	if !strided {
		return New(ref.Shape...)
	}
	r := newRef(ref.Shape...)
	for i := range r.Data {
		r.Data[i] = math.NaN()
	}
	return gappy(rng, r)
}

// TestAdjointGather runs the data adjoint, as a gather and as col2im, on
// random geometries of every operator that has one: the input gradient of
// StretchConv (Conv is its u = 1 case) through Backward and BackwardAdd,
// the forward pass of Deconv with output padding and bias, and UnpoolND's
// forward pass, and compares both with the reference.
func TestAdjointGather(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 7))
	cov := coverage{}
	for n := 1; n <= 3; n++ {
		for range 40 {
			c := drawStretch(rng, n)
			if rng.IntN(4) == 0 {
				// Padding beyond the dilated kernel: outputs of the
				// adjoint that no sample reaches.
				for a := range c.g.PadLo {
					dk := c.g.Dilation[a]*(c.w[2+a]-1) + 1
					c.g.PadLo[a] += dk
					c.g.PadHi[a] += dk
				}
			}
			drawConvCoverage(c.convCase, cov)
			cov.note(c.mode == Nearest, "Nearest")
			cov.note(c.mode == Zeros, "Zeros")
			for a, u := range c.u {
				cov.note(u > 1, "stretch")
				cov.note(u > 1 && c.mode == Nearest && c.g.Dilation[a] > 1, "Nearest with dilation")
			}
			x, w := randRef(rng, c.x...), randRef(rng, c.w...)
			want := refStretchConv(x, w, nil, c.g, c.u, c.mode)
			gy := randRef(rng, want.Shape...)
			gxWant, _, _ := refStretchConvGrads(x, w, gy, c.g, c.u, c.mode)
			strided := rng.IntN(2) == 0
			for _, gather := range []bool{true, false} {
				what := fmt.Sprintf("%v stretch %v %v gather %v", c.convCase, c.u, c.mode, gather)
				p, err := NewStretchConvPlan(c.x, c.w, c.options())
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				if !gather {
					p.p.adj.col2imOnly()
				}
				xt, wt, gyt := gappy(rng, x), tensorFromRef(w), gappy(rng, gy)
				for _, add := range []bool{false, true} {
					gx := resultLike(rng, gxWant, strided)
					run := p.Backward
					if add {
						run = p.BackwardAdd
					}
					if err := run(gx, nil, nil, xt, wt, gyt); err != nil {
						t.Fatalf("%s: %v", what, err)
					}
					expectClose(t, what+": gx", gx, gxWant)
				}
				used := p.p.adj.e != nil
				if used && (!gather || !p.p.adj.gathers()) {
					t.Fatalf("%s: gather used", what)
				}
				for _, u := range c.u {
					cov.note(used && u > 1, "gather with stretch, "+c.mode.String())
				}
			}
		}
	}
	cov.require(t, "1-D", "2-D", "3-D", "stride > kernel", "dilation", "negative padding", "padding ≥ kernel",
		"groups", "batch > 1", "Nearest", "Zeros", "stretch", "Nearest with dilation",
		"gather with stretch, Nearest", "gather with stretch, Zeros")

	for n := 1; n <= 3; n++ {
		for i := 0; i < 40; {
			cc := drawConv(rng, n)
			cc.w[0], cc.w[1] = cc.x[1], cc.w[0]/cc.g.Groups
			var outPad []int
			for a := 0; a < n; a++ {
				outPad = append(outPad, rng.IntN(max(cc.g.Stride[a], cc.g.Dilation[a])))
			}
			ok := true
			for a, v := range refDeconvSize(cc.x[2:], cc.w[2:], cc.g, outPad) {
				ok = ok && v >= 1 && v+min(cc.g.PadLo[a], 0)+min(cc.g.PadHi[a], 0) >= 0
			}
			if !ok {
				continue
			}
			i++
			c := deconvCase{convCase: cc, outPad: outPad}
			x, w, b := randRef(rng, c.x...), randRef(rng, c.w...), randRef(rng, c.w[1]*c.g.Groups)
			want := refDeconv(x, w, b.Data, c.g, outPad)
			strided := rng.IntN(2) == 0
			for _, gather := range []bool{true, false} {
				what := fmt.Sprintf("deconv %v output padding %v gather %v", c.convCase, outPad, gather)
				p, err := NewDeconvPlan(c.x, c.w, c.options())
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				if !gather {
					p.p.adj.col2imOnly()
				}
				y := resultLike(rng, want, strided)
				if err := p.Forward(y, gappy(rng, x), tensorFromRef(w), tensorFromRef(b)); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				expectClose(t, what+": y", y, want)
				used := p.p.adj.e != nil
				if used && !gather {
					t.Fatalf("%s: gather used", what)
				}
				cov.note(used, "gather, Deconv")
			}
		}
	}

	for n := 1; n <= 3; n++ {
		for i := 0; i < 30; {
			x := []int{1 + rng.IntN(2), 1 + rng.IntN(3)}
			var k, s, pad []int
			for range n {
				x = append(x, 1+rng.IntN(5))
				k, s, pad = append(k, 1+rng.IntN(4)), append(s, 1+rng.IntN(4)), append(pad, rng.IntN(3))
			}
			o := UnpoolOptions{Ksize: k, Stride: s, Pad: pad, CoverAll: rng.IntN(2) == 0}
			p, err := NewUnpoolPlan(x, o)
			if err != nil || p.p.e == nil {
				continue
			}
			i++
			xr := randRef(rng, x...)
			want := refUnpool(xr, k, s, pad, o.CoverAll, nil)
			for _, gather := range []bool{true, false} {
				what := fmt.Sprintf("unpool x %v %+v gather %v", x, o, gather)
				q, err := NewUnpoolPlan(x, o)
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				if !gather {
					q.p.adj.col2imOnly()
				}
				y := resultLike(rng, want, rng.IntN(2) == 0)
				if err := q.Forward(y, gappy(rng, xr)); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				expectClose(t, what+": y", y, want)
				used := q.p.adj.e != nil
				if used && !gather {
					t.Fatalf("%s: gather used", what)
				}
				cov.note(used, "gather, UnpoolND")
			}
		}
	}
	cov.require(t, "gather, Deconv", "gather, UnpoolND")
}

// TestAdjointThreads checks that the gather gives the same bits on one
// goroutine as on several, for Conv's input gradient and Deconv's forward
// pass.
func TestAdjointThreads(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	rng := rand.New(rand.NewPCG(43, 1))
	x, w := randTensor(rng, 4, 16, 32, 32), randTensor(rng, 16, 16, 3, 3)
	o := ConvOptions{Stride: []int{1, 2}, PadLo: []int{1, 1}}
	cp, err := NewConvPlan(x.Shape, w.Shape, o)
	require.NoError(t, err)
	gy := randTensor(rng, cp.OutShape()...)
	dp, err := NewDeconvPlan(gy.Shape, w.Shape, DeconvOptions{ConvOptions: o})
	require.NoError(t, err)
	b := randTensor(rng, 16)
	run := func(threads int) [2][]float32 {
		cp.SetThreads(threads)
		dp.SetThreads(threads)
		gx, y := New(x.Shape...), New(dp.OutShape()...)
		require.NoError(t, cp.Backward(gx, nil, nil, x, w, gy))
		require.NoError(t, dp.Forward(y, gy, w, b))
		return [2][]float32{gx.Data, y.Data}
	}
	want := run(1)
	require.NotNil(t, cp.p.adj.e)
	require.NotNil(t, dp.p.adj.e)
	require.Greater(t, len(cp.p.adj.e.workers), 1)
	require.Equal(t, want, run(4))
}

// TestAdjointRoute checks which path the data adjoint takes on the
// geometries that decide the rule of gathers: the innermost axis where the
// forward and the adjoint read at different steps, whether it is the last
// axis or an outer one, and on the last axis whether the adjoint's step is
// beyond 2.
func TestAdjointRoute(t *testing.T) {
	for _, c := range []struct {
		s, u   []int
		mode   StretchMode
		gather bool
	}{
		{[]int{1, 1}, []int{1, 1}, Nearest, true},
		{[]int{2, 1}, []int{1, 2}, Nearest, true},        // last axis, forward step 1, adjoint 2
		{[]int{2, 1}, []int{1, 2}, Zeros, true},          // last axis, forward step 1, adjoint 2
		{[]int{1, 1}, []int{1, 3}, Zeros, false},         // last axis, forward step 1, adjoint 3
		{[]int{1, 2}, []int{1, 3}, Nearest, false},       // last axis, forward step 2 < 3
		{[]int{2, 1, 1}, []int{1, 1, 2}, Nearest, true},  // last axis, adjoint step 2
		{[]int{1, 3}, []int{1, 2}, Nearest, true},        // last axis, adjoint step 2 < 3
		{[]int{1, 2}, []int{2, 1}, Nearest, true},        // last axis, adjoint step 1
		{[]int{1, 1}, []int{2, 1}, Zeros, false},         // outer axis, forward step 1
		{[]int{2, 1}, []int{3, 1}, Nearest, true},        // outer axis, forward step 2 < 3
		{[]int{2, 1, 1}, []int{1, 2, 1}, Nearest, false}, // outer axis, forward step 1
		{[]int{1, 2, 1}, []int{1, 3, 1}, Zeros, true},    // outer axis, forward step 2 < 3
		{[]int{1, 1, 2}, []int{1, 2, 1}, Nearest, true},  // the last axis decides
		{[]int{1, 2, 1}, []int{1, 1, 3}, Zeros, false},   // the last axis decides
	} {
		specs := make([]axisSpec, len(c.s))
		for i := range specs {
			specs[i] = axisSpec{k: 3, s: c.s[i], d: 1, u: c.u[i]}
		}
		a := newAdjoint(specs, c.mode)
		if got := a.gathers(); got != c.gather {
			t.Errorf("stride %v stretch %v %v: gathers %v, want %v", c.s, c.u, c.mode, got, c.gather)
		}
	}
}

// BenchmarkAdjoint times the input gradient alone, as the gather and as
// col2im, on geometries with a stretch or a stride on an inner or an outer
// axis; where the plan routes the adjoint to col2im both paths are col2im.
func BenchmarkAdjoint(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	cases := []struct {
		name string
		x, w []int
		o    StretchOptions
	}{
		{"conv2d", []int{8, 32, 100, 100}, []int{32, 32, 3, 3}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1}}}},
		{"conv3d", []int{2, 16, 16, 16, 16}, []int{16, 16, 3, 3, 3}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1, 1}}}},
		{"seed-conv", []int{1, 1, 100, 200}, []int{1, 1, 4, 4}, StretchOptions{ConvOptions: ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 2}}}},
		{"conv2d-s2", []int{8, 32, 100, 100}, []int{32, 32, 3, 3}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1}, Stride: []int{2, 2}}}},
		{"nearest", []int{8, 32, 100, 100}, []int{32, 32, 4, 4}, StretchOptions{ConvOptions: ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 2}}, Stretch: []int{1, 2}}},
		{"zeros", []int{8, 32, 100, 100}, []int{32, 32, 4, 4}, StretchOptions{ConvOptions: ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 2}, PadHi: []int{1, 2}}, Stretch: []int{1, 2}, Mode: Zeros}},
		{"nearest3d", []int{2, 16, 16, 16, 16}, []int{16, 16, 3, 3, 3}, StretchOptions{ConvOptions: ConvOptions{Stride: []int{2, 1, 1}, PadLo: []int{1, 1, 1}}, Stretch: []int{1, 2, 1}}},
		{"nearest-axis0", []int{8, 32, 100, 100}, []int{32, 32, 4, 4}, StretchOptions{ConvOptions: ConvOptions{Stride: []int{1, 2}, PadLo: []int{1, 1}, PadHi: []int{1, 2}}, Stretch: []int{2, 1}}},
		{"zeros-axis0", []int{8, 32, 100, 100}, []int{32, 32, 4, 4}, StretchOptions{ConvOptions: ConvOptions{Stride: []int{1, 2}, PadLo: []int{1, 1}, PadHi: []int{1, 2}}, Stretch: []int{2, 1}, Mode: Zeros}},
		{"nearest3d-axis0", []int{2, 16, 16, 16, 16}, []int{16, 16, 3, 3, 3}, StretchOptions{ConvOptions: ConvOptions{Stride: []int{1, 2, 1}, PadLo: []int{1, 1, 1}}, Stretch: []int{2, 1, 1}}},
		{"nearest-axis0-u3s2", []int{8, 32, 100, 100}, []int{32, 32, 3, 3}, StretchOptions{ConvOptions: ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}}, Stretch: []int{3, 1}}},
		{"zeros3d-axis1-u3s2", []int{2, 16, 16, 16, 16}, []int{16, 16, 3, 3, 3}, StretchOptions{ConvOptions: ConvOptions{Stride: []int{1, 2, 1}, PadLo: []int{1, 1, 1}}, Stretch: []int{1, 3, 1}, Mode: Zeros}},
	}
	for _, c := range cases {
		for _, gather := range []bool{true, false} {
			b.Run(fmt.Sprintf("shape=%s/path=%s", c.name, map[bool]string{true: "gather", false: "col2im"}[gather]), func(b *testing.B) {
				p, err := NewStretchConvPlan(c.x, c.w, c.o)
				if err != nil {
					b.Fatal(err)
				}
				if !gather {
					p.p.adj.col2imOnly()
				}
				x, w := randTensor(rng, c.x...), randTensor(rng, c.w...)
				gy := randTensor(rng, p.OutShape()...)
				gx := New(c.x...)
				b.ReportAllocs()
				for b.Loop() {
					if err := p.Backward(gx, nil, nil, x, w, gy); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
