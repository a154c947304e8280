package methods

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/anisoconv/aniso"
)

// mapping is an input shape and the output shape the methods must reach.
type mapping struct{ in, out []int }

var (
	seed2D = mapping{[]int{1, 1, 100, 100}, []int{1, 1, 50, 200}}
	seed3D = mapping{[]int{2, 3, 16, 16, 16}, []int{2, 3, 8, 32, 16}}
	// Small cases for the numerical checks, with odd sizes and a factor 3.
	small = []mapping{
		{[]int{2, 3, 8, 6}, []int{2, 3, 4, 12}},
		{[]int{1, 2, 4, 5, 3}, []int{1, 2, 2, 10, 3}},
		{[]int{1, 2, 9, 5}, []int{1, 2, 3, 15}},
		{[]int{2, 2, 7}, []int{2, 2, 14}},
	}
)

func build(t *testing.T, name string, mp mapping, seed uint64) *Method {
	t.Helper()
	m, err := New(name, mp.in, mp.out)
	if err != nil {
		t.Fatal(err)
	}
	m.Init(seed)
	return m
}

// allNames returns Names and RepeatConv.
func allNames() []string { return append(slices.Clone(Names), RepeatConv) }

func TestShapes(t *testing.T) {
	// The seed's intermediate shapes, from the table of its methods.
	mid := map[string][]int{
		"conv-deconv":   {50, 100},
		"deconv-conv":   {100, 200},
		"unpool-conv":   {100, 199},
		"upsample-conv": {100, 201},
		"subpixel-conv": {50, 100},
		"subpixel-icnr": {50, 100},
		RepeatConv:      {100, 200},
	}
	for _, mp := range append([]mapping{seed2D, seed3D}, small...) {
		for _, name := range allNames() {
			m := build(t, name, mp, 1)
			acts, err := m.ForwardTrace(Normal(2, mp.in...))
			if err != nil {
				t.Fatalf("%s %v: %v", name, mp.in, err)
			}
			if y := acts[len(acts)-1]; !slices.Equal(y.Shape, mp.out) {
				t.Errorf("%s %v: output shape %v, want %v", name, mp.in, y.Shape, mp.out)
			}
			if want, ok := mid[name]; ok && slices.Equal(mp.in, seed2D.in) {
				if got := acts[1].Shape[2:]; !slices.Equal(got, want) {
					t.Errorf("%s: intermediate shape %v, want %v", name, got, want)
				}
			}
		}
	}
}

func TestResizeErrors(t *testing.T) {
	for _, mp := range []mapping{
		{[]int{1, 1, 100, 100}, []int{1, 1, 30, 200}},
		{[]int{1, 1, 100, 100}, []int{1, 2, 50, 200}},
		{[]int{1, 1, 100}, []int{1, 1, 50, 200}},
		{[]int{1, 1}, []int{1, 1}},
	} {
		if _, err := New("stretch-zeros", mp.in, mp.out); err == nil {
			t.Errorf("%v → %v: no error", mp.in, mp.out)
		}
	}
	if _, err := New("no-such-method", seed2D.in, seed2D.out); err == nil {
		t.Error("unknown method: no error")
	}
}

// sameFunction checks that methods a and b, given a's parameters, agree on
// the output and on every gradient within tol.
func sameFunction(t *testing.T, a, b *Method, tol float64) {
	t.Helper()
	if err := b.SetParams(a.Params()); err != nil {
		t.Fatal(err)
	}
	x := Normal(7, a.In...)
	actsA, err := a.ForwardTrace(x)
	if err != nil {
		t.Fatal(err)
	}
	actsB, err := b.ForwardTrace(x)
	if err != nil {
		t.Fatal(err)
	}
	ya, yb := actsA[len(actsA)-1], actsB[len(actsB)-1]
	if d := RelDiff(ya, yb); d > tol {
		t.Errorf("%s and %s %v: outputs differ by %.3g relative", a.Name, b.Name, a.In, d)
	}
	gy := Normal(8, a.Out...)
	gxA, gpA, err := a.Backward(actsA, gy)
	if err != nil {
		t.Fatal(err)
	}
	gxB, gpB, err := b.Backward(actsB, gy)
	if err != nil {
		t.Fatal(err)
	}
	if d := RelDiff(gxA, gxB); d > tol {
		t.Errorf("%s and %s %v: input gradients differ by %.3g relative", a.Name, b.Name, a.In, d)
	}
	for i := range gpA {
		if d := RelDiff(gpA[i], gpB[i]); d > tol {
			t.Errorf("%s and %s %v: gradients of parameter %d differ by %.3g relative", a.Name, b.Name, a.In, i, d)
		}
	}
}

func TestStretchZerosIsUpsampleConv(t *testing.T) {
	for _, mp := range append([]mapping{seed2D, seed3D}, small...) {
		sameFunction(t, build(t, "stretch-zeros", mp, 3), build(t, "upsample-conv", mp, 4), 1e-5)
	}
}

func TestRepeatConvIsStretchNearest(t *testing.T) {
	for _, mp := range append([]mapping{seed2D, seed3D}, small...) {
		sameFunction(t, build(t, "stretch-nearest", mp, 3), build(t, RepeatConv, mp, 4), 1e-5)
	}
}

// TestUnpoolConvIsShiftedNearest pins down how the seed's CoverAll
// unpooling differs from a nearest stretch: its 100 → 199 copy drops the
// second copy of the last sample, and the convolution's padding 2/2 then
// places the data one stretched position later than stretch-nearest's 1/2
// does. It equals StretchConv Nearest with padding 2/1 on the grown axis
// except in the last two output columns, which read that dropped copy.
func TestUnpoolConvIsShiftedNearest(t *testing.T) {
	m := build(t, "unpool-conv", seed2D, 5)
	x := Normal(6, seed2D.in...)
	y, err := m.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	p := m.Params()
	shifted, err := aniso.StretchConv(x, p[0], p[1], aniso.StretchOptions{
		ConvOptions: aniso.ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 2}, PadHi: []int{1, 1}},
		Stretch:     []int{1, 2},
		Mode:        aniso.Nearest,
	})
	if err != nil {
		t.Fatal(err)
	}
	w := y.Shape[3]
	for i := range y.Data {
		col := i % w
		d := math.Abs(float64(y.Data[i] - shifted.Data[i]))
		if col < w-2 && d > 1e-5 {
			t.Fatalf("column %d: unpool-conv %g, shifted nearest %g", col, y.Data[i], shifted.Data[i])
		}
	}
	nearest := build(t, "stretch-nearest", seed2D, 5)
	if err := nearest.SetParams(p); err != nil {
		t.Fatal(err)
	}
	yn, err := nearest.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	if d := RelDiff(yn, y); d < 0.1 {
		t.Errorf("unpool-conv and stretch-nearest differ by only %.3g relative", d)
	}
}

// TestSeparableChainsAreThinnedStretchZeros checks that without biases
// both separable chains are StretchConv Zeros with the seed's geometry and
// a kernel made of C outer products: a Deconv is a convolution of the
// zero-interleaved input with the flipped kernel. With biases they are not,
// since a bias before the Deconv comes out in a checkerboard.
func TestSeparableChainsAreThinnedStretchZeros(t *testing.T) {
	mp := mapping{[]int{2, 3, 10, 8}, []int{2, 3, 5, 16}}
	x := Normal(9, mp.in...)
	zeros := build(t, "stretch-zeros", mp, 1)
	for _, name := range []string{"conv-deconv", "deconv-conv"} {
		m := build(t, name, mp, 10)
		p := m.Params()
		y, err := m.Forward(x)
		if err != nil {
			t.Fatal(err)
		}
		c := mp.in[1]
		w := aniso.New(c, c, 4, 4)
		for o := 0; o < c; o++ {
			for i := 0; i < c; i++ {
				for r := 0; r < 4; r++ {
					for s := 0; s < 4; s++ {
						var v float32
						for k := 0; k < c; k++ {
							if name == "conv-deconv" {
								// conv: p[0] is k×i×4×1; deconv: p[2] is k×o×1×4.
								v += p[0].Data[(k*c+i)*4+r] * p[2].Data[(k*c+o)*4+3-s]
							} else {
								// deconv: p[0] is i×k×1×4; conv: p[2] is o×k×4×1.
								v += p[2].Data[(o*c+k)*4+r] * p[0].Data[(i*c+k)*4+3-s]
							}
						}
						w.Data[((o*c+i)*4+r)*4+s] = v
					}
				}
			}
		}
		if err := zeros.SetParams([]*aniso.Tensor{w, aniso.New(c)}); err != nil {
			t.Fatal(err)
		}
		yz, err := zeros.Forward(x)
		if err != nil {
			t.Fatal(err)
		}
		if d := RelDiff(y, yz); d > 1e-5 {
			t.Errorf("%s without bias and stretch-zeros with the composed kernel differ by %.3g", name, d)
		}
	}
}

func TestGradients(t *testing.T) {
	for _, mp := range small[:2] {
		for _, name := range allNames() {
			m := build(t, name, mp, 11)
			for _, p := range m.Params() {
				// Nonzero biases, so their gradients are checked at a
				// generic point.
				if len(p.Shape) == 1 {
					copy(p.Data, Normal(12, p.Shape...).Data)
				}
			}
			xs := append([]*aniso.Tensor{Normal(13, mp.in...)}, m.Params()...)
			f := func(xs []*aniso.Tensor) (*aniso.Tensor, error) {
				if err := m.SetParams(xs[1:]); err != nil {
					return nil, err
				}
				return m.Forward(xs[0])
			}
			grad := func(xs []*aniso.Tensor, gy *aniso.Tensor) ([]*aniso.Tensor, error) {
				if err := m.SetParams(xs[1:]); err != nil {
					return nil, err
				}
				acts, err := m.ForwardTrace(xs[0])
				if err != nil {
					return nil, err
				}
				gx, gp, err := m.Backward(acts, gy)
				return append([]*aniso.Tensor{gx}, gp...), err
			}
			rep, err := aniso.CheckGradient(f, grad, xs, aniso.GradCheckOptions{Seed: 14})
			if err != nil {
				t.Errorf("%s %v: %v", name, mp.in, err)
			}
			if want := 1 + len(m.Params()); len(rep.Results) != 2*want {
				t.Errorf("%s %v: %d directional derivatives, want %d", name, mp.in, len(rep.Results), 2*want)
			}
		}
	}
}

func TestCounts(t *testing.T) {
	// (1,1,100,100) → (1,1,50,200): a 4×4 convolution over 50×200
	// outputs is 160000 multiply-adds.
	macs := map[string]int{
		"conv-deconv":     4*50*100 + 4*50*100,
		"deconv-conv":     4*100*100 + 4*50*200,
		"unpool-conv":     160000,
		"upsample-conv":   3*100*100 + 160000,
		"stretch-nearest": 100000, // 62.5% of 160000
		"stretch-zeros":   80000,  // 50%
		"subpixel-conv":   2 * 12 * 50 * 100,
		"subpixel-icnr":   2 * 12 * 50 * 100,
		RepeatConv:        160000,
	}
	for name, want := range macs {
		m := build(t, name, seed2D, 1)
		if got := m.MACs(); got != want {
			t.Errorf("%s: %d multiply-adds, want %d", name, got, want)
		}
	}
	const c = 32
	in, out := []int{8, c, 100, 100}, []int{8, c, 50, 200}
	params := map[string]int{
		"conv-deconv":     2 * (c*c*4 + c),
		"deconv-conv":     2 * (c*c*4 + c),
		"unpool-conv":     c*c*16 + c,
		"upsample-conv":   c*c*16 + c,
		"stretch-nearest": c*c*16 + c,
		"stretch-zeros":   c*c*16 + c,
		"subpixel-conv":   2*c*c*12 + 2*c,
		"subpixel-icnr":   2*c*c*12 + 2*c,
	}
	for name, want := range params {
		m, err := New(name, in, out)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.NumParams(); got != want {
			t.Errorf("%s: %d parameters, want %d", name, got, want)
		}
		if got, want := m.BackwardMACs(), 2*m.MACs(); name != "unpool-conv" && got != want {
			t.Errorf("%s: %d backward multiply-adds, want %d", name, got, want)
		}
	}
}

// TestAxisWork counts the taps of a stretched convolution the slow way,
// by building the stretched and padded axis and reading every window.
func TestAxisWork(t *testing.T) {
	for n := 1; n <= 6; n++ {
		for u := 1; u <= 3; u++ {
			for k := 1; k <= 5; k++ {
				for s := 1; s <= 3; s++ {
					for d := 1; d <= 2; d++ {
						for lo := 0; lo <= 3; lo++ {
							for _, mode := range []aniso.StretchMode{aniso.Nearest, aniso.Zeros} {
								l := u * n
								if mode == aniso.Zeros {
									l = u*(n-1) + 1
								}
								dk := d*(k-1) + 1
								if l+2*lo < dk {
									continue
								}
								out := (l+2*lo-dk)/s + 1
								want := 0
								for o := 0; o < out; o++ {
									seen := map[int]bool{}
									for j := 0; j < k; j++ {
										p := o*s + j*d - lo
										// src is the sample a stretched
										// position holds, unless it is an
										// inserted zero.
										src := int(math.Floor(float64(p) / float64(u)))
										inserted := mode == aniso.Zeros && ((p%u)+u)%u != 0
										if !inserted {
											if !seen[src] {
												want++
											}
											seen[src] = true
										}
									}
								}
								if got := axisWork(out, k, s, d, lo, u, mode); got != want {
									t.Fatalf("%s n=%d u=%d k=%d s=%d d=%d lo=%d: %d taps, want %d", fmt.Sprint(mode), n, u, k, s, d, lo, got, want)
								}
							}
						}
					}
				}
			}
		}
	}
}

func TestGradientFlow(t *testing.T) {
	mp := mapping{[]int{1, 16, 20, 20}, []int{1, 16, 10, 40}}
	for _, name := range Names {
		m := build(t, name, mp, 1)
		r, err := GradientFlow(m, []uint64{1, 2, 3})
		if err != nil {
			t.Fatal(err)
		}
		// He initialisation keeps the gradient's scale: nothing vanishes
		// or explodes by an order of magnitude.
		if r < 0.3 || r > 3 {
			t.Errorf("%s: ‖dx‖/‖dy‖ = %.3g at initialisation", name, r)
		}
	}
}

func TestPhaseSpread(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	for _, mp := range []mapping{seed2D, seed3D, {[]int{1, 4, 12, 10}, []int{1, 4, 4, 30}}} {
		in := slices.Clone(mp.in)
		out := slices.Clone(mp.out)
		in[0], out[0], in[1], out[1] = 1, 1, 8, 8
		for _, name := range allNames() {
			m := build(t, name, mapping{in, out}, 1)
			s, err := PhaseSpread(m, seeds)
			if err != nil {
				t.Fatal(err)
			}
			flat := name == "stretch-nearest" || name == RepeatConv || name == "unpool-conv" || name == "subpixel-icnr"
			if flat && s > 1e-5 {
				t.Errorf("%s %v: phase spread %.3g on a constant input, want 0", name, in, s)
			}
			if !flat && s < 0.1 {
				t.Errorf("%s %v: phase spread %.3g on a constant input, want a checkerboard", name, in, s)
			}
		}
	}
}

// TestCountsMatchPlans checks the closed-form multiply-add count of every
// layer with weights against what the operator's plan reports it computes.
func TestCountsMatchPlans(t *testing.T) {
	for _, mp := range append([]mapping{seed2D, seed3D}, small...) {
		ms, err := All(mp.in, mp.out, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			for i, l := range m.layers {
				var macs int
				switch l.op {
				case opConv, opStretch:
					p, err := aniso.NewStretchConvPlan(l.in, l.w.Shape, l.stretch)
					if err != nil {
						t.Fatal(err)
					}
					macs = p.MACs()
				case opDeconv:
					p, err := aniso.NewDeconvPlan(l.in, l.w.Shape, l.deconv)
					if err != nil {
						t.Fatal(err)
					}
					macs = p.MACs()
				default:
					continue
				}
				if got := l.macs(); got != macs {
					t.Errorf("%s %v, layer %d: counted %d multiply-adds, the plan computes %d", m.Name, mp.in, i, got, macs)
				}
			}
		}
	}
}

// TestSubpixelICNRIsConvThenRepeat checks what ICNR initialisation
// promises: with the same bias for every phase, conv → PixelShuffle is a
// convolution by the shared kernel W₀ followed by a nearest stretch of its
// output, computed here as Conv then UnpoolND with ksize = stride = u. He
// initialisation gives every phase its own kernel and so does not.
func TestSubpixelICNRIsConvThenRepeat(t *testing.T) {
	for _, mp := range append([]mapping{seed2D, seed3D}, small...) {
		for _, name := range []string{"subpixel-icnr", "subpixel-conv"} {
			m := build(t, name, mp, 15)
			conv := m.layers[0]
			u := m.layers[1].unpool.Ksize
			phases := conv.w.Shape[0] / mp.in[1]
			// W₀ and b₀: the first phase's rows, and a bias shared by
			// the phases.
			w0 := aniso.New(append([]int{mp.in[1]}, conv.w.Shape[1:]...)...)
			b0 := Normal(16, mp.in[1])
			rows := len(w0.Data) / mp.in[1]
			for c := range mp.in[1] {
				copy(w0.Data[c*rows:(c+1)*rows], conv.w.Data[c*phases*rows:])
				for p := range phases {
					conv.b.Data[c*phases+p] = b0.Data[c]
				}
			}
			x := Normal(17, mp.in...)
			y, err := m.Forward(x)
			if err != nil {
				t.Fatal(err)
			}
			y0, err := aniso.Conv(x, w0, b0, conv.stretch.ConvOptions)
			if err != nil {
				t.Fatal(err)
			}
			want, err := aniso.UnpoolND(y0, aniso.UnpoolOptions{Ksize: u})
			if err != nil {
				t.Fatal(err)
			}
			d := RelDiff(want, y)
			if name == "subpixel-icnr" && d > 1e-6 {
				t.Errorf("%s %v: differs from conv then repeat by %.3g relative", name, mp.in, d)
			}
			if name == "subpixel-conv" && d < 0.1 {
				t.Errorf("%s %v: He initialisation gives conv then repeat (relative difference %.3g)", name, mp.in, d)
			}
		}
	}
}

// TestSubpixelContainsStretch checks that the sub-pixel convolution can
// compute what either StretchConv computes: a StretchConv's output phase
// i along a grown axis is a convolution of the input with the kernel
// folded (Nearest) or thinned (Zeros) onto the samples d − 1 … d + 1, and
// the sub-pixel convolution gives every phase its own three taps there.
// Tap j of the StretchConv, padded lo before the stretched axis, reads in
// phase i the stretched position u·d + i − lo + j, which is sample
// d + ⌊(i − lo + j)/u⌋, or an inserted zero in Zeros mode unless u
// divides i − lo + j.
func TestSubpixelContainsStretch(t *testing.T) {
	for _, mp := range append([]mapping{seed2D, seed3D}, small...) {
		for _, name := range []string{"stretch-nearest", "stretch-zeros"} {
			s := build(t, name, mp, 18)
			sub := build(t, "subpixel-conv", mp, 19)
			st := s.layers[0]
			w, b := st.w, Normal(20, st.b.Shape...)
			u := st.stretch.Stretch
			nsp := len(u)
			phases := volume(u)
			v, vb := aniso.New(sub.layers[0].w.Shape...), aniso.New(sub.layers[0].b.Shape...)
			kw, kv := w.Shape[2:], v.Shape[2:]
			c := mp.in[1]
			m := make([]int, nsp)
			for o := range c {
				for q := range phases {
					vb.Data[o*phases+q] = b.Data[o]
					// i is phase q's index per axis, last axis fastest.
					i := make([]int, nsp)
					for a, r := nsp-1, q; a >= 0; a-- {
						i[a], r = r%u[a], r/u[a]
					}
					for ci := range c {
						for tap := range volume(kw) {
							j := make([]int, nsp)
							for a, r := nsp-1, tap; a >= 0; a-- {
								j[a], r = r%kw[a], r/kw[a]
							}
							data := true
							for a := range nsp {
								m[a] = j[a]
								if u[a] == 1 {
									continue
								}
								p := i[a] - st.stretch.PadLo[a] + j[a]
								data = data && (st.stretch.Mode == aniso.Nearest || mod(p, u[a]) == 0)
								m[a] = div(p, u[a]) + 1
							}
							if !data {
								continue
							}
							vi := 0
							for a := range nsp {
								vi = vi*kv[a] + m[a]
							}
							v.Data[((o*phases+q)*c+ci)*volume(kv)+vi] += w.Data[(o*c+ci)*volume(kw)+tap]
						}
					}
				}
			}
			if err := s.SetParams([]*aniso.Tensor{w, b}); err != nil {
				t.Fatal(err)
			}
			if err := sub.SetParams([]*aniso.Tensor{v, vb}); err != nil {
				t.Fatal(err)
			}
			x := Normal(21, mp.in...)
			ys, err := s.Forward(x)
			if err != nil {
				t.Fatal(err)
			}
			yv, err := sub.Forward(x)
			if err != nil {
				t.Fatal(err)
			}
			if d := RelDiff(ys, yv); d > 1e-5 {
				t.Errorf("%v: subpixel-conv with %s's folded weights differs by %.3g relative", mp.in, name, d)
			}
		}
	}
}
