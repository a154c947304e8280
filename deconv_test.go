package aniso

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDeconvOutSizeHand checks OutSize on 1-D cases worked out by hand on
// both sides of the default size.
func TestDeconvOutSizeHand(t *testing.T) {
	conv := func(s, d, lo, hi int) ConvOptions {
		return ConvOptions{Stride: []int{s}, Dilation: []int{d}, PadLo: []int{lo}, PadHi: []int{hi}}
	}
	x3, w3 := []float32{1, 2, 3}, []float32{1, 10, 100}
	x2, w2 := []float32{1, 2}, []float32{1, 10}
	for _, c := range []struct {
		name string
		x, w []float32
		o    ConvOptions
		size int
		want []float32
	}{
		// Stride 2: the full output is [1 10 102 20 203 30 300], 7 long.
		{"default", x3, w3, conv(2, 1, 0, 0), 7, []float32{1, 10, 102, 20, 203, 30, 300}},
		{"one more", x3, w3, conv(2, 1, 0, 0), 8, []float32{1, 10, 102, 20, 203, 30, 300, 0}},
		{"one less", x3, w3, conv(2, 1, 0, 0), 6, []float32{1, 10, 102, 20, 203, 30}},
		// Pad 1 at both ends: the default is [10 102 20 203 30]; one more
		// output brings back the 300 the high pad cropped.
		{"padded, one less", x3, w3, conv(2, 1, 1, 1), 4, []float32{10, 102, 20, 203}},
		{"padded, one more", x3, w3, conv(2, 1, 1, 1), 6, []float32{10, 102, 20, 203, 30, 300}},
		// Stride 2, dilation 3: the full output is [1 0 2 10 0 20]; up to
		// max(2, 3) − 1 = 2 more, at most 1 less.
		{"dilated, two more", x2, w2, conv(2, 3, 0, 0), 8, []float32{1, 0, 2, 10, 0, 20, 0, 0}},
		{"dilated, one less", x2, w2, conv(2, 3, 0, 0), 5, []float32{1, 0, 2, 10, 0}},
		// Stride 3: the full output is [1 10 0 2 20]; up to 2 either way.
		{"stride 3, two less", x2, w2, conv(3, 1, 0, 0), 3, []float32{1, 10, 0}},
		{"stride 3, two more", x2, w2, conv(3, 1, 0, 0), 7, []float32{1, 10, 0, 2, 20, 0, 0}},
	} {
		x, w := New(1, 1, len(c.x)), New(1, 1, len(c.w))
		copy(x.Data, c.x)
		copy(w.Data, c.w)
		y, err := Deconv(x, w, nil, DeconvOptions{ConvOptions: c.o, OutSize: []int{c.size}})
		require.NoError(t, err, c.name)
		require.Equal(t, []int{1, 1, len(c.want)}, y.Shape, c.name)
		require.Equal(t, c.want, y.Data, c.name)
	}
}

// outSizeCase is a Deconv geometry whose OutSize the tests walk over
// every valid size.
type outSizeCase struct {
	x, w []int
	g    refGeom
}

// equivalent returns, for wanted sizes size, the output padding and the
// high padding of a Deconv without OutSize that gives the same result:
// output padding above the default, more PadHi below it.
func (c outSizeCase) equivalent(size []int) (refGeom, []int) {
	g := c.g
	g.PadHi = slices.Clone(c.g.PadHi)
	outPad := make([]int, len(size))
	def := refDeconvSize(c.x[2:], c.w[2:], c.g, outPad)
	for a, v := range size {
		if v >= def[a] {
			outPad[a] = v - def[a]
		} else {
			g.PadHi[a] += def[a] - v
		}
	}
	return g, outPad
}

// sizes returns every combination of the valid sizes per axis, from
// default − (s − 1) (but at least 1) to default + max(s, d) − 1.
func (c outSizeCase) sizes() [][]int {
	def := refDeconvSize(c.x[2:], c.w[2:], c.g, make([]int, len(c.x)-2))
	lo, span := make([]int, len(def)), make([]int, len(def))
	for a, v := range def {
		lo[a] = max(1, v-(c.g.Stride[a]-1))
		span[a] = v + max(c.g.Stride[a], c.g.Dilation[a]) - lo[a]
	}
	var all [][]int
	for idx, ok := refFirst(span); ok; ok = refNext(idx, span) {
		size := make([]int, len(idx))
		for a, v := range idx {
			size[a] = lo[a] + v
		}
		all = append(all, size)
	}
	return all
}

var outSizeCases = []outSizeCase{
	{x: []int{2, 3, 5}, w: []int{3, 2, 4}, g: refGeom{Stride: []int{3}, Dilation: []int{1}, PadLo: []int{1}, PadHi: []int{0}, Groups: 1}},
	{x: []int{1, 2, 4, 3}, w: []int{2, 2, 3, 2}, g: refGeom{Stride: []int{2, 1}, Dilation: []int{1, 2}, PadLo: []int{0, 1}, PadHi: []int{1, -1}, Groups: 1}},
	{x: []int{2, 2, 3, 2, 3}, w: []int{2, 1, 2, 3, 2}, g: refGeom{Stride: []int{2, 3, 1}, Dilation: []int{2, 1, 1}, PadLo: []int{0, 1, 0}, PadHi: []int{1, 0, 0}, Groups: 2}},
}

// TestDeconvOutSize compares Deconv, DeconvBackward and a DeconvPlan with
// OutSize against the reference Deconv with the equivalent output padding
// or high padding, for every valid size in 1-D to 3-D, with contiguous and
// gappy inputs.
func TestDeconvOutSize(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 1))
	cov := coverage{}
	for _, c := range outSizeCases {
		def := refDeconvSize(c.x[2:], c.w[2:], c.g, make([]int, len(c.x)-2))
		for _, size := range c.sizes() {
			for a, v := range size {
				cov.note(v < def[a], fmt.Sprintf("%d-D below", len(size)))
				cov.note(v > def[a], fmt.Sprintf("%d-D above", len(size)))
			}
			g, outPad := c.equivalent(size)
			o := DeconvOptions{
				ConvOptions: ConvOptions{Stride: c.g.Stride, Dilation: c.g.Dilation, PadLo: c.g.PadLo, PadHi: c.g.PadHi, Groups: c.g.Groups},
				OutSize:     size,
			}
			x, w := randRef(rng, c.x...), randRef(rng, c.w...)
			b := randRef(rng, c.w[1]*c.g.Groups).Data
			want := refDeconv(x, w, b, g, outPad)
			require.Equal(t, size, want.Shape[2:])
			gy := randRef(rng, want.Shape...)
			gx, gw, gb := refDeconvGrads(x, w, gy, g, outPad)
			what := fmt.Sprintf("x %v w %v OutSize %v (default %v)", c.x, c.w, size, def)
			checkWeighted(t, rng, what, x, w, b, gy, want, gx, gw, gb,
				func(x, w, b *Tensor) (*Tensor, error) { return Deconv(x, w, b, o) },
				func(x, w, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) { return DeconvBackward(x, w, gy, o) })

			p, err := NewDeconvPlan(c.x, c.w, o)
			require.NoError(t, err, what)
			require.Equal(t, want.Shape, p.OutShape(), what)
			y := New(p.OutShape()...)
			require.NoError(t, p.Forward(y, tensorFromRef(x), tensorFromRef(w), tensorFromRef(biasRef(b))), what)
			expectClose(t, what+": plan y", y, want)
			px, pw, pb := New(c.x...), New(c.w...), New(len(b))
			require.NoError(t, p.Backward(px, pw, pb, tensorFromRef(x), tensorFromRef(w), tensorFromRef(gy)), what)
			expectClose(t, what+": plan gx", px, gx)
			expectClose(t, what+": plan gw", pw, gw)
			expectClose(t, what+": plan gb", pb, biasRef(gb))
		}
	}
	cov.require(t, "1-D below", "1-D above", "2-D below", "2-D above", "3-D below", "3-D above")
}

// TestDeconvOutSizeInvertsConvShape checks the use OutSize exists for:
// given the input size of a Conv, Deconv with that OutSize maps the Conv's
// output back to it, whichever of the input sizes that share one Conv
// output size it was, and is Conv's adjoint.
func TestDeconvOutSizeInvertsConvShape(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 1))
	o := DeconvOptions{ConvOptions: ConvOptions{Stride: []int{3, 2}, Dilation: []int{1, 2}, PadLo: []int{1, 0}, PadHi: []int{0, 1}}}
	for n0 := 5; n0 <= 8; n0++ {
		for n1 := 6; n1 <= 8; n1++ {
			o.OutSize = []int{n0, n1}
			requireAdjoint(t, rng, []int{2, 3, n0, n1}, []int{2, 3, 3, 2}, o)
		}
	}
}

func TestDeconvOutSizeErrors(t *testing.T) {
	x, w := New(1, 2, 3, 4), New(2, 1, 3, 2)
	// Stride 2×1, dilation 1×3: the default is 7×7; axis 0 takes 6 to 8,
	// axis 1 takes 7 to 9.
	geom := ConvOptions{Stride: []int{2, 1}, Dilation: []int{1, 3}}
	for _, c := range []struct {
		name  string
		o     DeconvOptions
		kind  error
		words []string
	}{
		{"below", DeconvOptions{ConvOptions: geom, OutSize: []int{5, 7}}, ErrOption, []string{"axis 0", "output size 5", "[6, 8]", "default 7"}},
		{"above", DeconvOptions{ConvOptions: geom, OutSize: []int{7, 10}}, ErrOption, []string{"axis 1", "output size 10", "[7, 9]", "default 7"}},
		{"zero", DeconvOptions{ConvOptions: geom, OutSize: []int{7, 0}}, ErrOption, []string{"axis 1", "output size 0"}},
		{"length", DeconvOptions{ConvOptions: geom, OutSize: []int{7}}, ErrOption, []string{"OutSize has 1 values for 2 spatial axes"}},
		{"disagree", DeconvOptions{ConvOptions: geom, OutSize: []int{8, 7}, OutputPadding: []int{0, 0}}, ErrOption, []string{"axis 0", "OutSize 8 and OutputPadding 0 disagree", "is 7"}},
		{"disagree below", DeconvOptions{ConvOptions: geom, OutSize: []int{6, 7}, OutputPadding: []int{1, 0}}, ErrOption, []string{"axis 0", "OutSize 6 and OutputPadding 1 disagree", "is 8"}},
		{"cropped away", DeconvOptions{ConvOptions: ConvOptions{PadLo: []int{5, 0}}, OutSize: []int{1, 6}}, ErrGeometry, []string{"axis 0", "crops the full output 5 to nothing"}},
	} {
		_, err := Deconv(x, w, nil, c.o)
		require.Error(t, err, c.name)
		require.True(t, errors.Is(err, c.kind), "%s: %v does not wrap %v", c.name, err, c.kind)
		for _, word := range c.words {
			require.True(t, strings.Contains(err.Error(), word), "%s: %q lacks %q", c.name, err, word)
		}
		_, err = NewDeconvPlan(x.Shape, w.Shape, c.o)
		require.True(t, errors.Is(err, c.kind), "%s: plan: %v", c.name, err)
		_, _, _, err = DeconvBackward(x, w, New(1, 1, 7, 7), c.o)
		require.True(t, errors.Is(err, c.kind), "%s: backward: %v", c.name, err)
	}

	// Agreeing OutSize and OutputPadding, and an empty OutSize, are fine.
	for _, o := range []DeconvOptions{
		{ConvOptions: geom, OutSize: []int{8, 9}, OutputPadding: []int{1, 2}},
		{ConvOptions: geom, OutSize: []int{}, OutputPadding: []int{1, 2}},
	} {
		y, err := Deconv(x, w, nil, o)
		require.NoError(t, err)
		require.Equal(t, []int{1, 1, 8, 9}, y.Shape)
	}
}

// TestDeconvOutSizeNoPanic throws wild geometries with wild OutSize at
// Deconv, DeconvBackward and NewDeconvPlan: each returns a result or an
// error of a known class, and never panics.
func TestDeconvOutSizeNoPanic(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 1))
	for i := range 2000 {
		nsp := 1 + rng.IntN(3)
		x, w, b, gy := wildTensor(rng, nsp+2), wildTensor(rng, nsp+2), wildTensor(rng, 1), wildTensor(rng, nsp+2)
		o := DeconvOptions{
			ConvOptions:   ConvOptions{Stride: wildInts(rng, nsp), PadLo: wildInts(rng, nsp), PadHi: wildInts(rng, nsp), Dilation: wildInts(rng, nsp)},
			OutputPadding: wildInts(rng, nsp),
			OutSize:       wildInts(rng, nsp),
		}
		calls := []func() error{
			func() error { _, err := Deconv(x, w, b, o); return err },
			func() error { _, _, _, err := DeconvBackward(x, w, gy, o); return err },
			func() error {
				if x == nil || w == nil {
					return nil
				}
				_, err := NewDeconvPlan(x.Shape, w.Shape, o)
				return err
			},
		}
		for j, call := range calls {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("case %d call %d panicked: %v", i, j, r)
					}
				}()
				if err := call(); err != nil && !classified(err) {
					t.Fatalf("case %d call %d: unclassified error %v", i, j, err)
				}
			}()
		}
	}
}
