package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/anisoconv/aniso"
	"github.com/anisoconv/aniso/nn"
)

// randn returns a contiguous tensor of standard normal values.
func randn(rng *rand.Rand, shape ...int) *aniso.Tensor {
	t := aniso.New(shape...)
	for i := range t.Data {
		t.Data[i] = float32(rng.NormFloat64())
	}
	return t
}

// clone returns a contiguous copy of the contiguous tensor t, or nil.
func clone(t *aniso.Tensor) *aniso.Tensor {
	if t == nil {
		return nil
	}
	c := aniso.New(t.Shape...)
	copy(c.Data, t.Data)
	return c
}

// gappy returns t's values in a strided tensor whose every other element
// along each axis is a NaN gap, so that a read of a wrong element shows.
func gappy(t *aniso.Tensor) *aniso.Tensor {
	st := make([]int, len(t.Shape))
	s := 1
	for i := len(t.Shape) - 1; i >= 0; i-- {
		st[i] = 2 * s
		s *= 2 * t.Shape[i]
	}
	g := &aniso.Tensor{Data: make([]float32, s), Shape: append([]int(nil), t.Shape...), Strides: st}
	for i := range g.Data {
		g.Data[i] = float32(math.NaN())
	}
	idx := make([]int, len(t.Shape))
	for _, v := range t.Data {
		off := 0
		for a := range idx {
			off += idx[a] * st[a]
		}
		g.Data[off] = v
		for a := len(idx) - 1; a >= 0; a-- {
			if idx[a]++; idx[a] < t.Shape[a] {
				break
			}
			idx[a] = 0
		}
	}
	return g
}

// near fails t when got and want differ in shape or by more than tol
// relative to the largest magnitude of want.
func near(t *testing.T, what string, got, want *aniso.Tensor, tol float64) {
	t.Helper()
	if got == nil || want == nil {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
	if len(got.Shape) != len(want.Shape) {
		t.Fatalf("%s: shape %v, want %v", what, got.Shape, want.Shape)
	}
	for i := range got.Shape {
		if got.Shape[i] != want.Shape[i] {
			t.Fatalf("%s: shape %v, want %v", what, got.Shape, want.Shape)
		}
	}
	scale := 1e-30
	for _, v := range want.Data {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	for i := range want.Data {
		if d := math.Abs(float64(got.Data[i]) - float64(want.Data[i])); !(d <= tol*scale) {
			t.Fatalf("%s: element %d is %g, want %g (scale %g)", what, i, got.Data[i], want.Data[i], scale)
		}
	}
}

// scaled returns a copy of t times f.
func scaled(t *aniso.Tensor, f float32) *aniso.Tensor {
	c := clone(t)
	for i := range c.Data {
		c.Data[i] *= f
	}
	return c
}

// paramValues returns the values of params.
func paramValues(ps []*nn.Param) []*aniso.Tensor {
	v := make([]*aniso.Tensor, len(ps))
	for i, p := range ps {
		v[i] = p.Value
	}
	return v
}

// checkLayer runs aniso.CheckGradient on l as a function of its input and
// its parameters (all when withParams).
func checkLayer(t *testing.T, l nn.Layer, x *aniso.Tensor, o aniso.GradCheckOptions) {
	t.Helper()
	ps := l.Params()
	set := func(xs []*aniso.Tensor) {
		for i, p := range ps {
			p.Value = xs[1+i]
		}
	}
	f := func(xs []*aniso.Tensor) (*aniso.Tensor, error) {
		set(xs)
		y, err := l.Forward(xs[0])
		return clone(y), err
	}
	grad := func(xs []*aniso.Tensor, gy *aniso.Tensor) ([]*aniso.Tensor, error) {
		set(xs)
		if _, err := l.Forward(xs[0]); err != nil {
			return nil, err
		}
		nn.ZeroGrad(ps)
		gx, err := l.Backward(gy)
		if err != nil {
			return nil, err
		}
		gs := []*aniso.Tensor{clone(gx)}
		for _, p := range ps {
			gs = append(gs, clone(p.Grad))
		}
		return gs, nil
	}
	orig := paramValues(ps)
	defer set(append([]*aniso.Tensor{nil}, orig...))
	rep, err := aniso.CheckGradient(f, grad, append([]*aniso.Tensor{x}, orig...), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) == 0 {
		t.Fatal("nothing checked")
	}
}
