package aniso

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// These tests check the reference against data computed elsewhere (the ONNX
// backend cases and values worked out by hand) and against itself through
// identities that tie independently written loops together: the adjoint
// pairs Conv/Deconv and Unpool/its gradient, and finite differences of
// every gradient.

// refTol bounds the error of a float64 identity relative to the sum of the
// magnitudes of its terms. Rounding stays far below it; any wrong term
// shows up far above it.
const refTol = 1e-10

// refVals returns a refArr of the given shape holding vals.
func refVals(shape []int, vals ...float64) *refArr {
	a := newRef(shape...)
	if len(vals) != len(a.Data) {
		panic(fmt.Sprintf("refVals: %d values for shape %v", len(vals), shape))
	}
	copy(a.Data, vals)
	return a
}

// refAbs returns |a| elementwise.
func refAbs(a *refArr) *refArr {
	b := newRef(a.Shape...)
	for i, v := range a.Data {
		b.Data[i] = math.Abs(v)
	}
	return b
}

// refAbsPlus returns |a| + c elementwise.
func refAbsPlus(a *refArr, c float64) *refArr {
	b := refAbs(a)
	for i := range b.Data {
		b.Data[i] += c
	}
	return b
}

// refStep returns a + t·v.
func refStep(a, v *refArr, t float64) *refArr {
	b := newRef(a.Shape...)
	for i := range b.Data {
		b.Data[i] = a.Data[i] + t*v.Data[i]
	}
	return b
}

// refOnes returns a refArr of the given shape filled with ones.
func refOnes(shape ...int) *refArr {
	a := newRef(shape...)
	for i := range a.Data {
		a.Data[i] = 1
	}
	return a
}

// refCrop returns the leading block of a with the given shape.
func refCrop(a *refArr, shape []int) *refArr {
	b := newRef(shape...)
	k := 0
	for idx, ok := refFirst(shape); ok; ok = refNext(idx, shape) {
		off := 0
		for i, v := range idx {
			off = off*a.Shape[i] + v
		}
		b.Data[k] = a.Data[off]
		k++
	}
	return b
}

// refFilled returns n copies of v.
func refFilled(n, v int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// refExpectExact fails unless got equals want exactly, shape and values.
func refExpectExact(t *testing.T, what string, got, want *refArr) {
	t.Helper()
	if !slices.Equal(got.Shape, want.Shape) {
		t.Errorf("%s: shape %v, want %v", what, got.Shape, want.Shape)
		return
	}
	if !slices.Equal(got.Data, want.Data) {
		t.Errorf("%s:\n got %v\nwant %v", what, got.Data, want.Data)
	}
}

// refExpectClose fails unless the normwise relative error of got against
// want is at most refTol.
func refExpectClose(t *testing.T, what string, got, want *refArr) {
	t.Helper()
	if e := refErr(got, want); !(e <= refTol) {
		t.Errorf("%s: relative error %g (shapes %v, %v)", what, e, got.Shape, want.Shape)
	}
}

// refExpectNear fails unless |got − want| ≤ refTol·scale, where scale
// bounds the sum of the magnitudes of the terms behind both numbers.
func refExpectNear(t *testing.T, what string, got, want, scale float64) {
	t.Helper()
	if !(math.Abs(got-want) <= refTol*scale) {
		t.Errorf("%s: %.17g, want %.17g (difference %g, scale %g)", what, got, want, math.Abs(got-want), scale)
	}
}

// refCentral returns the central difference (f(1) − f(−1))/2. Every
// function it is applied to here is affine in its step, so a unit step is
// exact up to rounding.
func refCentral(f func(t float64) float64) float64 {
	return (f(1) - f(-1)) / 2
}

func TestRefUtil(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))

	for _, c := range [][2]int{{-1, 2}, {-2, 2}, {-3, 2}, {3, 2}, {4, 2}, {0, 3}, {-7, 3}} {
		if got, want := refFloorDiv(c[0], c[1]), int(math.Floor(float64(c[0])/float64(c[1]))); got != want {
			t.Errorf("refFloorDiv(%d, %d) = %d, want %d", c[0], c[1], got, want)
		}
	}

	var count int
	for idx, ok := refFirst([]int{2, 3, 4}); ok; ok = refNext(idx, []int{2, 3, 4}) {
		if want := []int{count / 12, count / 4 % 3, count % 4}; !slices.Equal(idx, want) {
			t.Fatalf("odometer step %d at %v, want %v", count, idx, want)
		}
		count++
	}
	if count != 24 {
		t.Errorf("odometer visited %d indices of 2×3×4", count)
	}
	if _, ok := refFirst([]int{2, 0, 3}); ok {
		t.Error("odometer enters a shape with a zero size")
	}

	a := randRef(rng, 3, 4, 5)
	distinct := map[float64]bool{}
	for _, v := range a.Data {
		if v < -1 || v >= 1 || float64(float32(v)) != v {
			t.Fatalf("randRef value %v not in [-1, 1) or not exact in float32", v)
		}
		distinct[v] = true
	}
	if len(distinct) < len(a.Data)/2 {
		t.Errorf("randRef gave only %d distinct values of %d", len(distinct), len(a.Data))
	}

	refExpectExact(t, "tensorFromRef round trip", refFromTensor(tensorFromRef(a)), a)
	plain := tensorFromRef(a)
	plain.Strides = nil
	refExpectExact(t, "nil strides", refFromTensor(plain), a)

	for _, shape := range [][]int{{2, 3, 4}, {1, 1, 5}, {3}, {2, 0, 3}, {2, 1, 3, 1, 2}, {1, 1, 1}, {4, 3, 2, 5}} {
		a := randRef(rng, shape...)
		g := gappy(rng, a)
		if err := checkTensor("test", "gappy", g); err != nil {
			t.Fatalf("gappy %v: %v", shape, err)
		}
		vol := len(a.Data)
		if vol > 1 && g.contiguous() {
			t.Errorf("gappy %v is contiguous: strides %v", shape, g.Strides)
		}
		nan := 0
		for _, v := range g.Data {
			if v != v {
				nan++
			}
		}
		if nan != len(g.Data)-vol || nan == 0 {
			t.Errorf("gappy %v: %d NaN of %d elements, want %d", shape, nan, len(g.Data), len(g.Data)-vol)
		}
		refExpectExact(t, fmt.Sprintf("gappy %v read back", shape), refFromTensor(g), a)
		if e := relErr(g, a); e != 0 {
			t.Errorf("relErr(gappy %v, itself) = %g", shape, e)
		}
		if vol > 0 {
			bad := refVals(a.Shape, a.Data...)
			bad.Data[vol-1] += 0.5
			if e := relErr(g, bad); e == 0 || math.IsInf(e, 0) {
				t.Errorf("relErr misses a perturbation: %g", e)
			}
			shifted := *g
			shifted.Strides = refRowMajor(g.Shape)
			if vol > 1 {
				if e := relErr(&shifted, a); e == 0 {
					t.Errorf("relErr of a misread tensor is %g", e)
				}
			}
		}
	}

	want := refVals([]int{2}, 2, -4)
	if e := relErr(tensorFromRef(refVals([]int{2}, 2, -3)), want); e != 0.25 {
		t.Errorf("relErr = %g, want 0.25", e)
	}
	if e := relErr(tensorFromRef(refVals([]int{2}, 0.5, 0)), newRef(2)); e != 0.5 {
		t.Errorf("relErr against zeros = %g, want 0.5", e)
	}
	nanT := tensorFromRef(want)
	nanT.Data[1] = float32(math.NaN())
	if e := relErr(nanT, want); !math.IsInf(e, 1) {
		t.Errorf("relErr with NaN = %g, want +Inf", e)
	}
	if e := relErr(tensorFromRef(newRef(1, 2)), want); !math.IsInf(e, 1) {
		t.Errorf("relErr with a shape mismatch = %g, want +Inf", e)
	}
	if d := dotRef(refVals([]int{3}, 1, 2, 3), refVals([]int{3}, 4, -5, 6)); d != 12 {
		t.Errorf("dotRef = %g, want 12", d)
	}
}

func TestRefConvHand(t *testing.T) {
	x4 := refVals([]int{1, 1, 4}, 1, 2, 3, 4)
	x5 := refVals([]int{1, 1, 5}, 1, 2, 3, 4, 5)
	w2 := refVals([]int{1, 1, 2}, 1, 10)
	w3 := refVals([]int{1, 1, 3}, 1, 10, 100)
	geom1 := func(s, lo, hi, d int) refGeom {
		return refGeom{Stride: []int{s}, PadLo: []int{lo}, PadHi: []int{hi}, Dilation: []int{d}, Groups: 1}
	}
	grid := refVals([]int{1, 1, 4, 4}, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)

	// Channels 0,1 form group 0 and channels 2,3 group 1; the weight of
	// output o, channel cl, tap j is (o+1)·10^(2cl+j), so every digit of
	// the result names the input sample it came from.
	wg := newRef(4, 2, 1, 2)
	for o := range 4 {
		for cl := range 2 {
			for j := range 2 {
				wg.Data[wg.pos(o, cl, []int{0, j})] = float64(o+1) * math.Pow(10, float64(2*cl+j))
			}
		}
	}

	cases := []struct {
		name string
		got  *refArr
		want *refArr
	}{
		{
			name: "1d batch bias no flip",
			got: refConv(refVals([]int{2, 1, 4}, 1, 2, 3, 4, -1, 0, 2, 5),
				refVals([]int{2, 1, 3}, 1, 10, 100, 0, -1, 2), []float64{0.5, -3}, geom1(1, 0, 0, 1)),
			want: refVals([]int{2, 2, 2}, 321.5, 432.5, 1, 2, 199.5, 520.5, 1, 5),
		},
		{"1d stride pad", refConv(x4, w3, nil, geom1(2, 1, 0, 1)), refVals([]int{1, 1, 2}, 210, 432)},
		{"1d dilation", refConv(x5, w2, nil, geom1(1, 0, 0, 3)), refVals([]int{1, 1, 2}, 41, 52)},
		{"1d negative pads", refConv(x5, w2, nil, geom1(1, -1, -1, 1)), refVals([]int{1, 1, 2}, 32, 43)},
		{"1d crop and pad", refConv(x5, w2, nil, geom1(1, -2, 1, 1)), refVals([]int{1, 1, 3}, 43, 54, 5)},
		{"1d pad beyond kernel", refConv(refVals([]int{1, 1, 2}, 1, 2), w2, nil, geom1(1, 3, 0, 1)), refVals([]int{1, 1, 4}, 0, 0, 10, 21)},
		{"1d stride beyond kernel", refConv(refVals([]int{1, 1, 7}, 1, 2, 3, 4, 5, 6, 7), w2, nil, geom1(3, 0, 0, 1)), refVals([]int{1, 1, 2}, 21, 54)},
		{
			name: "2d groups of two channels",
			got: refConv(refVals([]int{1, 4, 1, 2}, 1, 2, 3, 4, 5, 6, 7, 8), wg, nil,
				refGeom{Stride: []int{1, 1}, PadLo: []int{0, 0}, PadHi: []int{0, 0}, Dilation: []int{1, 1}, Groups: 2}),
			want: refVals([]int{1, 4, 1, 1}, 4321, 8642, 26295, 35060),
		},
		{
			name: "2d dilation and stride",
			got: refConv(grid, refVals([]int{1, 1, 2, 2}, 1, 10, 100, 1000), nil,
				refGeom{Stride: []int{1, 2}, PadLo: []int{0, 0}, PadHi: []int{0, 0}, Dilation: []int{2, 1}, Groups: 1}),
			want: refVals([]int{1, 1, 2, 2}, 10921, 13143, 15365, 17587),
		},
		{
			name: "2d crop one axis pad the other",
			got: refConv(grid, refVals([]int{1, 1, 1, 1}, 2), nil,
				refGeom{Stride: []int{1, 1}, PadLo: []int{-1, 1}, PadHi: []int{-2, 0}, Dilation: []int{1, 1}, Groups: 1}),
			want: refVals([]int{1, 1, 1, 5}, 0, 10, 12, 14, 16),
		},
	}
	for _, c := range cases {
		refExpectExact(t, c.name, c.got, c.want)
	}

	gx, gw, gb := refConvGrads(refVals([]int{1, 1, 3}, 1, 2, 3), w2, refVals([]int{1, 1, 2}, 1, 100), geom1(1, 0, 0, 1))
	refExpectExact(t, "conv gx", gx, refVals([]int{1, 1, 3}, 1, 110, 1000))
	refExpectExact(t, "conv gw", gw, refVals([]int{1, 1, 2}, 201, 302))
	refExpectExact(t, "conv gb", &refArr{Shape: []int{1}, Data: gb}, refVals([]int{1}, 101))

	gx, gw, gb = refConvGrads(x4, w3, refVals([]int{1, 1, 2}, 1, 1000), geom1(2, 1, 0, 1))
	refExpectExact(t, "conv gx stride pad", gx, refVals([]int{1, 1, 4}, 10, 1100, 10000, 100000))
	refExpectExact(t, "conv gw stride pad", gw, refVals([]int{1, 1, 3}, 2000, 3001, 4002))
	refExpectExact(t, "conv gb stride pad", &refArr{Shape: []int{1}, Data: gb}, refVals([]int{1}, 1001))
}

func TestRefDeconvHand(t *testing.T) {
	x2 := refVals([]int{1, 1, 2}, 1, 2)
	w2 := refVals([]int{1, 1, 2}, 1, 10)
	geom1 := func(s, lo, hi, d int) refGeom {
		return refGeom{Stride: []int{s}, PadLo: []int{lo}, PadHi: []int{hi}, Dilation: []int{d}, Groups: 1}
	}

	// Deconv weight C×(O/G)×k with w[c, ol, j] = (ol+1)·10^(2(c mod 2)+j):
	// input channels 0,1 feed outputs 0,1 and channels 2,3 feed 2,3.
	wg := newRef(4, 2, 2)
	for c := range 4 {
		for ol := range 2 {
			for j := range 2 {
				wg.Data[wg.pos(c, ol, []int{j})] = float64(ol+1) * math.Pow(10, float64(2*(c%2)+j))
			}
		}
	}

	cases := []struct {
		name string
		got  *refArr
		want *refArr
	}{
		{"1d no flip", refDeconv(x2, refVals([]int{1, 1, 3}, 1, 10, 100), nil, geom1(1, 0, 0, 1), []int{0}), refVals([]int{1, 1, 4}, 1, 12, 120, 200)},
		{"1d dilation", refDeconv(x2, w2, nil, geom1(1, 0, 0, 3), []int{0}), refVals([]int{1, 1, 5}, 1, 2, 0, 10, 20)},
		{"1d dilation output padding", refDeconv(x2, w2, nil, geom1(1, 0, 0, 3), []int{2}), refVals([]int{1, 1, 7}, 1, 2, 0, 10, 20, 0, 0)},
		{"1d negative pads", refDeconv(x2, w2, nil, geom1(1, -1, -2, 1), []int{0}), refVals([]int{1, 1, 6}, 0, 1, 12, 20, 0, 0)},
		{
			name: "1d batch stride beyond kernel",
			got:  refDeconv(refVals([]int{2, 1, 2}, 1, 2, 3, -1), refVals([]int{1, 1, 1}, 5), nil, geom1(3, 0, 0, 1), []int{0}),
			want: refVals([]int{2, 1, 4}, 5, 0, 0, 10, 15, 0, 0, -5),
		},
		{
			name: "1d groups of two channels with bias",
			got: refDeconv(refVals([]int{1, 4, 1}, 1, 2, 3, 4), wg, []float64{1, 2, 3, 4},
				refGeom{Stride: []int{1}, PadLo: []int{0}, PadHi: []int{0}, Dilation: []int{1}, Groups: 2}, []int{0}),
			want: refVals([]int{1, 4, 2}, 202, 2011, 404, 4022, 406, 4033, 810, 8064),
		},
		{
			name: "2d stride asymmetric pads output padding",
			got: refDeconv(refVals([]int{1, 1, 2, 2}, 1, 2, 3, 4), refVals([]int{1, 1, 2, 2}, 1, 10, 100, 1000), nil,
				refGeom{Stride: []int{2, 2}, PadLo: []int{1, 0}, PadHi: []int{0, 1}, Dilation: []int{1, 1}, Groups: 1}, []int{1, 0}),
			want: refVals([]int{1, 1, 4, 3},
				100, 1000, 200,
				3, 30, 4,
				300, 3000, 400,
				0, 0, 0),
		},
	}
	for _, c := range cases {
		refExpectExact(t, c.name, c.got, c.want)
	}

	gx, gw, gb := refDeconvGrads(x2, w2, refVals([]int{1, 1, 3}, 1, 100, 10000), geom1(1, 0, 0, 1), []int{0})
	refExpectExact(t, "deconv gx", gx, refVals([]int{1, 1, 2}, 1001, 100100))
	refExpectExact(t, "deconv gw", gw, refVals([]int{1, 1, 2}, 201, 20100))
	refExpectExact(t, "deconv gb", &refArr{Shape: []int{1}, Data: gb}, refVals([]int{1}, 10101))
}

func TestRefUnpoolStretchHand(t *testing.T) {
	x3 := refVals([]int{1, 1, 3}, 1, 2, 3)
	sq := refVals([]int{1, 1, 2, 2}, 1, 2, 3, 4)
	one := []int{1}
	two := []int{2}
	cases := []struct {
		name string
		got  *refArr
		want *refArr
	}{
		{"unpool k2", refUnpool(x3, two, two, []int{0}, false, nil), refVals([]int{1, 1, 6}, 1, 1, 2, 2, 3, 3)},
		{"unpool k2 cover all", refUnpool(x3, two, two, []int{0}, true, nil), refVals([]int{1, 1, 5}, 1, 1, 2, 2, 3)},
		{"unpool k3 s2 p1", refUnpool(x3, []int{3}, two, one, false, nil), refVals([]int{1, 1, 5}, 1, 3, 2, 5, 3)},
		{"unpool k3 s2 p1 cover all", refUnpool(x3, []int{3}, two, one, true, nil), refVals([]int{1, 1, 4}, 1, 3, 2, 5)},
		{"unpool k3 s2 p1 larger size", refUnpool(x3, []int{3}, two, one, false, []int{7}), refVals([]int{1, 1, 7}, 1, 3, 2, 5, 3, 3, 0)},
		{"unpool overlapping", refUnpool(x3, []int{3}, one, []int{0}, false, nil), refVals([]int{1, 1, 5}, 1, 3, 6, 5, 3)},
		{"unpool 2d cover all", refUnpool(sq, []int{1, 2}, []int{1, 2}, []int{0, 0}, true, nil), refVals([]int{1, 1, 2, 3}, 1, 1, 2, 3, 3, 4)},
		{
			name: "unpool gradient",
			got:  refUnpoolGrad(x3.Shape, refVals([]int{1, 1, 5}, 1, 10, 100, 1000, 10000), []int{3}, two, one, false, nil),
			want: refVals([]int{1, 1, 3}, 11, 1110, 11000),
		},
		{"stretch nearest", refStretch(x3, two, Nearest), refVals([]int{1, 1, 6}, 1, 1, 2, 2, 3, 3)},
		{"stretch zeros", refStretch(x3, two, Zeros), refVals([]int{1, 1, 5}, 1, 0, 2, 0, 3)},
		{"stretch 2d nearest", refStretch(sq, []int{1, 2}, Nearest), refVals([]int{1, 1, 2, 4}, 1, 1, 2, 2, 3, 3, 4, 4)},
		{"stretch 2d zeros", refStretch(sq, []int{2, 1}, Zeros), refVals([]int{1, 1, 3, 2}, 1, 2, 0, 0, 3, 4)},
		{"stretch adjoint nearest", refStretchAdjoint(refVals([]int{1, 1, 6}, 1, 2, 3, 4, 5, 6), x3.Shape, two, Nearest), refVals([]int{1, 1, 3}, 3, 7, 11)},
		{"stretch adjoint zeros", refStretchAdjoint(refVals([]int{1, 1, 5}, 1, 2, 3, 4, 5), x3.Shape, two, Zeros), refVals([]int{1, 1, 3}, 1, 3, 5)},
		{
			name: "stretch conv zeros",
			got: refStretchConv(x3, refVals([]int{1, 1, 3}, 1, 10, 100), nil,
				refGeom{Stride: one, PadLo: one, PadHi: one, Dilation: one, Groups: 1}, two, Zeros),
			want: refVals([]int{1, 1, 5}, 10, 201, 20, 302, 30),
		},
		{
			name: "stretch conv nearest",
			got: refStretchConv(x3, refVals([]int{1, 1, 3}, 1, 10, 100), nil,
				refGeom{Stride: one, PadLo: one, PadHi: one, Dilation: one, Groups: 1}, two, Nearest),
			want: refVals([]int{1, 1, 6}, 110, 211, 221, 322, 332, 33),
		},
	}
	for _, c := range cases {
		refExpectExact(t, c.name, c.got, c.want)
	}
}

// refRandAxis draws one axis of a convolution: input size, kernel size,
// stride, dilation and pads in [−2, dk+1], such that the Conv output is
// non-empty and neither pad crops the whole input.
func refRandAxis(rng *rand.Rand, inMax, kMax, dMax int) (in, k, s, d, lo, hi int) {
	for {
		in, k = 1+rng.IntN(inMax), 1+rng.IntN(kMax)
		s, d = 1+rng.IntN(3), 1+rng.IntN(dMax)
		dk := d*(k-1) + 1
		lo, hi = rng.IntN(dk+4)-2, rng.IntN(dk+4)-2
		if in+lo+hi >= dk && lo > -in && hi > -in {
			return in, k, s, d, lo, hi
		}
	}
}

// refRandLimits returns the largest input, kernel and dilation drawn for n
// axes, keeping 3-D and 4-D cases small.
func refRandLimits(n int) (inMax, kMax, dMax int) {
	switch {
	case n <= 2:
		return 6, 3, 3
	case n == 3:
		return 4, 3, 2
	default:
		return 3, 2, 2
	}
}

// refRandChannels draws groups, batch and the channel counts per group.
func refRandChannels(rng *rand.Rand) (groups, batch, perIn, perOut int) {
	return 1 + rng.IntN(3), 1 + rng.IntN(2), 1 + rng.IntN(2), 1 + rng.IntN(2)
}

func TestRefConvAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 1; n <= 4; n++ {
		for trial := range 12 {
			inMax, kMax, dMax := refRandLimits(n)
			groups, batch, cg, og := refRandChannels(rng)
			chans, outChans := groups*cg, groups*og
			g := refGeom{Groups: groups}
			var in, k []int
			for range n {
				i, kk, s, d, lo, hi := refRandAxis(rng, inMax, kMax, dMax)
				in, k = append(in, i), append(k, kk)
				g.Stride, g.Dilation = append(g.Stride, s), append(g.Dilation, d)
				g.PadLo, g.PadHi = append(g.PadLo, lo), append(g.PadHi, hi)
			}
			name := fmt.Sprintf("n=%d/trial=%d/N=%d/C=%d/O=%d/in=%v/k=%v/%+v", n, trial, batch, chans, outChans, in, k, g)
			t.Run(name, func(t *testing.T) {
				x := randRef(rng, append([]int{batch, chans}, in...)...)
				w := randRef(rng, append([]int{outChans, cg}, k...)...)
				b := randRef(rng, outChans).Data
				y := refConv(x, w, nil, g)
				gy := randRef(rng, y.Shape...)

				// The output padding that makes Deconv of the output land
				// on the input size: the remainder of the Conv's floor.
				outPad := make([]int, n)
				natural := refDeconvSize(y.Shape[2:], k, g, make([]int, n))
				for a := range n {
					outPad[a] = in[a] - natural[a]
					if outPad[a] < 0 || outPad[a] >= max(g.Stride[a], g.Dilation[a]) {
						t.Fatalf("axis %d: output padding %d out of range", a, outPad[a])
					}
				}
				xt := refDeconv(gy, w, nil, g, outPad)
				if !slices.Equal(xt.Shape, x.Shape) {
					t.Fatalf("deconv of conv output has shape %v, want %v", xt.Shape, x.Shape)
				}

				bAbs := refAbsPlus(&refArr{Shape: []int{outChans}, Data: b}, 1).Data
				scale := dotRef(refConv(refAbsPlus(x, 1), refAbsPlus(w, 1), bAbs, g), refAbs(gy))
				refExpectNear(t, "<Conv x, y> = <x, Deconv y>", dotRef(y, gy), dotRef(x, xt), scale)

				gx, gw, gb := refConvGrads(x, w, gy, g)
				refExpectClose(t, "conv gx against deconv", gx, xt)

				loss := func(x, w *refArr, b []float64) float64 { return dotRef(refConv(x, w, b, g), gy) }
				dx := randRef(rng, x.Shape...)
				dw := randRef(rng, w.Shape...)
				db := randRef(rng, outChans)
				refExpectNear(t, "gx finite difference", dotRef(gx, dx),
					refCentral(func(s float64) float64 { return loss(refStep(x, dx, s), w, b) }), scale)
				refExpectNear(t, "gw finite difference", dotRef(gw, dw),
					refCentral(func(s float64) float64 { return loss(x, refStep(w, dw, s), b) }), scale)
				bArr := &refArr{Shape: []int{outChans}, Data: b}
				refExpectNear(t, "gb finite difference", dotRef(&refArr{Shape: []int{outChans}, Data: gb}, db),
					refCentral(func(s float64) float64 { return loss(x, w, refStep(bArr, db, s).Data) }), scale)
				for o := range outChans {
					e := newRef(outChans)
					e.Data[o] = 1
					refExpectNear(t, fmt.Sprintf("gb[%d] finite difference", o), gb[o],
						refCentral(func(s float64) float64 { return loss(x, w, refStep(bArr, e, s).Data) }), scale)
				}
			})
		}
	}
}

func TestRefDeconvAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := 1; n <= 4; n++ {
		for trial := range 12 {
			inMax, kMax, dMax := refRandLimits(n)
			groups, batch, cg, og := refRandChannels(rng)
			chans, outChans := groups*cg, groups*og
			g := refGeom{Groups: groups}
			var in, k, outPad []int
			for range n {
				for {
					i, kk := 1+rng.IntN(inMax), 1+rng.IntN(kMax)
					s, d := 1+rng.IntN(3), 1+rng.IntN(dMax)
					dk := d*(kk-1) + 1
					lo, hi := rng.IntN(dk+4)-2, rng.IntN(dk+4)-2
					a := rng.IntN(max(s, d))
					if s*(i-1)+dk-lo-hi+a < 1 {
						continue
					}
					in, k, outPad = append(in, i), append(k, kk), append(outPad, a)
					g.Stride, g.Dilation = append(g.Stride, s), append(g.Dilation, d)
					g.PadLo, g.PadHi = append(g.PadLo, lo), append(g.PadHi, hi)
					break
				}
			}
			name := fmt.Sprintf("n=%d/trial=%d/N=%d/C=%d/O=%d/in=%v/k=%v/a=%v/%+v", n, trial, batch, chans, outChans, in, k, outPad, g)
			t.Run(name, func(t *testing.T) {
				x := randRef(rng, append([]int{batch, chans}, in...)...)
				w := randRef(rng, append([]int{chans, og}, k...)...)
				b := randRef(rng, outChans).Data
				y := refDeconv(x, w, nil, g, outPad)
				gy := randRef(rng, y.Shape...)

				// Conv of the output gradient with the same geometry covers
				// the input and, when the output padding reaches a stride,
				// ⌊a/s⌋ positions more per axis.
				c := refConv(gy, w, nil, g)
				for a := range n {
					if c.Shape[2+a] != in[a]+outPad[a]/g.Stride[a] {
						t.Fatalf("axis %d: conv of deconv output has size %d, want %d", a, c.Shape[2+a], in[a]+outPad[a]/g.Stride[a])
					}
				}
				c = refCrop(c, x.Shape)

				bAbs := refAbsPlus(&refArr{Shape: []int{outChans}, Data: b}, 1).Data
				scale := dotRef(refDeconv(refAbsPlus(x, 1), refAbsPlus(w, 1), bAbs, g, outPad), refAbs(gy))
				refExpectNear(t, "<Deconv x, y> = <x, Conv y>", dotRef(y, gy), dotRef(x, c), scale)

				gx, gw, gb := refDeconvGrads(x, w, gy, g, outPad)
				refExpectClose(t, "deconv gx against conv", gx, c)

				loss := func(x, w *refArr, b []float64) float64 { return dotRef(refDeconv(x, w, b, g, outPad), gy) }
				dx := randRef(rng, x.Shape...)
				dw := randRef(rng, w.Shape...)
				db := randRef(rng, outChans)
				refExpectNear(t, "gx finite difference", dotRef(gx, dx),
					refCentral(func(s float64) float64 { return loss(refStep(x, dx, s), w, b) }), scale)
				refExpectNear(t, "gw finite difference", dotRef(gw, dw),
					refCentral(func(s float64) float64 { return loss(x, refStep(w, dw, s), b) }), scale)
				bArr := &refArr{Shape: []int{outChans}, Data: b}
				refExpectNear(t, "gb finite difference", dotRef(&refArr{Shape: []int{outChans}, Data: gb}, db),
					refCentral(func(s float64) float64 { return loss(x, w, refStep(bArr, db, s).Data) }), scale)
			})
		}
	}
}

func TestRefUnpoolAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := 1; n <= 3; n++ {
		for trial := range 12 {
			batch, chans := 1+rng.IntN(2), 1+rng.IntN(3)
			var in, ksize, stride, pad []int
			for range n {
				k := 1 + rng.IntN(3)
				s := k
				if rng.IntN(2) == 0 {
					s = 1 + rng.IntN(3)
				}
				in, ksize, stride = append(in, 1+rng.IntN(4)), append(ksize, k), append(stride, s)
				pad = append(pad, rng.IntN(k+1))
			}
			x := randRef(rng, append([]int{batch, chans}, in...)...)
			for variant := range 3 {
				coverAll := variant == 1
				var outSize []int
				if variant == 2 {
					for a := range n {
						natural := stride[a]*(in[a]-1) + ksize[a] - 2*pad[a]
						outSize = append(outSize, 1+rng.IntN(max(natural, 1)+3))
					}
				}
				out := slices.Clone(outSize)
				if out == nil {
					for a := range n {
						if coverAll {
							out = append(out, stride[a]*(in[a]-1)+ksize[a]-stride[a]+1-2*pad[a])
						} else {
							out = append(out, stride[a]*(in[a]-1)+ksize[a]-2*pad[a])
						}
					}
				}
				if slices.Min(out) < 1 {
					continue
				}
				name := fmt.Sprintf("n=%d/trial=%d/in=%v/k=%v/s=%v/p=%v/cover=%v/out=%v", n, trial, in, ksize, stride, pad, coverAll, out)
				t.Run(name, func(t *testing.T) {
					y := refUnpool(x, ksize, stride, pad, coverAll, outSize)
					if !slices.Equal(y.Shape[2:], out) {
						t.Fatalf("unpool output %v, want %v", y.Shape[2:], out)
					}

					// A depthwise Deconv with an all-ones kernel, cropped at
					// the high end to the unpooling's output size.
					ones := refOnes(append([]int{chans, 1}, ksize...)...)
					g := refGeom{Stride: stride, PadLo: pad, Dilation: refFilled(n, 1), Groups: chans}
					for a := range n {
						g.PadHi = append(g.PadHi, stride[a]*(in[a]-1)+ksize[a]-pad[a]-out[a])
					}
					refExpectExact(t, "unpool against all-ones deconv", y, refDeconv(x, ones, nil, g, make([]int, n)))

					gy := randRef(rng, y.Shape...)
					gx := refUnpoolGrad(x.Shape, gy, ksize, stride, pad, coverAll, outSize)
					refExpectClose(t, "unpool gradient against all-ones conv", gx, refConv(gy, ones, nil, g))
					scale := dotRef(refUnpool(refAbs(x), ksize, stride, pad, coverAll, outSize), refAbs(gy))
					refExpectNear(t, "<Unpool x, y> = <x, Unpoolᵀ y>", dotRef(y, gy), dotRef(x, gx), scale)
				})
			}
		}
	}
}

func TestRefStretchConvGrads(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for n := 1; n <= 3; n++ {
		for trial := range 10 {
			mode := StretchMode(trial % 2)
			inMax, kMax, dMax := refRandLimits(n + 1)
			groups, batch, cg, og := refRandChannels(rng)
			chans, outChans := groups*cg, groups*og
			g := refGeom{Groups: groups}
			var in, k, u []int
			for range n {
				for {
					i, f := 1+rng.IntN(inMax), 1+rng.IntN(3)
					sz := refStretchSize([]int{i}, []int{f}, mode)[0]
					kk, s, d := 1+rng.IntN(kMax), 1+rng.IntN(3), 1+rng.IntN(dMax)
					dk := d*(kk-1) + 1
					lo, hi := rng.IntN(dk+4)-2, rng.IntN(dk+4)-2
					if sz+lo+hi < dk || lo <= -sz || hi <= -sz {
						continue
					}
					in, u, k = append(in, i), append(u, f), append(k, kk)
					g.Stride, g.Dilation = append(g.Stride, s), append(g.Dilation, d)
					g.PadLo, g.PadHi = append(g.PadLo, lo), append(g.PadHi, hi)
					break
				}
			}
			name := fmt.Sprintf("n=%d/trial=%d/mode=%d/u=%v/in=%v/k=%v/%+v", n, trial, mode, u, in, k, g)
			t.Run(name, func(t *testing.T) {
				x := randRef(rng, append([]int{batch, chans}, in...)...)
				w := randRef(rng, append([]int{outChans, cg}, k...)...)
				b := randRef(rng, outChans).Data

				xs := refStretch(x, u, mode)
				z := randRef(rng, xs.Shape...)
				refExpectNear(t, "<stretch x, z> = <x, stretchᵀ z>", dotRef(xs, z),
					dotRef(x, refStretchAdjoint(z, x.Shape, u, mode)), dotRef(refStretch(refAbs(x), u, mode), refAbs(z)))

				y := refStretchConv(x, w, b, g, u, mode)
				gy := randRef(rng, y.Shape...)
				gx, gw, gb := refStretchConvGrads(x, w, gy, g, u, mode)

				bAbs := refAbsPlus(&refArr{Shape: []int{outChans}, Data: b}, 1).Data
				scale := dotRef(refStretchConv(refAbsPlus(x, 1), refAbsPlus(w, 1), bAbs, g, u, mode), refAbs(gy))
				loss := func(x, w *refArr, b []float64) float64 { return dotRef(refStretchConv(x, w, b, g, u, mode), gy) }
				for e := range x.Data {
					dx := newRef(x.Shape...)
					dx.Data[e] = 1
					refExpectNear(t, fmt.Sprintf("gx[%d] finite difference", e), gx.Data[e],
						refCentral(func(s float64) float64 { return loss(refStep(x, dx, s), w, b) }), scale)
				}
				dw := randRef(rng, w.Shape...)
				db := randRef(rng, outChans)
				refExpectNear(t, "gw finite difference", dotRef(gw, dw),
					refCentral(func(s float64) float64 { return loss(x, refStep(w, dw, s), b) }), scale)
				bArr := &refArr{Shape: []int{outChans}, Data: b}
				refExpectNear(t, "gb finite difference", dotRef(&refArr{Shape: []int{outChans}, Data: gb}, db),
					refCentral(func(s float64) float64 { return loss(x, w, refStep(bArr, db, s).Data) }), scale)
			})
		}
	}
}

// TestRefStretchEquivalences ties the stretch to the other operators:
// Nearest is unpooling with k = s = u, and Zeros is a depthwise Deconv with
// a single unit tap and stride u.
func TestRefStretchEquivalences(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for n := 1; n <= 3; n++ {
		for range 6 {
			batch, chans := 1+rng.IntN(2), 1+rng.IntN(3)
			var in, u []int
			for range n {
				in, u = append(in, 1+rng.IntN(4)), append(u, 1+rng.IntN(3))
			}
			x := randRef(rng, append([]int{batch, chans}, in...)...)
			refExpectExact(t, fmt.Sprintf("nearest %v by %v against unpool", in, u),
				refStretch(x, u, Nearest), refUnpool(x, u, u, make([]int, n), false, nil))
			unit := refOnes(append([]int{chans, 1}, refFilled(n, 1)...)...)
			g := refGeom{Stride: u, PadLo: make([]int, n), PadHi: make([]int, n), Dilation: refFilled(n, 1), Groups: chans}
			refExpectExact(t, fmt.Sprintf("zeros %v by %v against deconv", in, u),
				refStretch(x, u, Zeros), refDeconv(x, unit, nil, g, make([]int, n)))
		}
	}
}

// TestRefSeedPipelines checks the shapes of the four two-step methods that
// map (1,1,100,100) to (1,1,50,200), their one-operator equivalents, and
// that upsample → conv equals StretchConv with Zeros.
func TestRefSeedPipelines(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	x := randRef(rng, 1, 1, 100, 100)
	geom2 := func(s, lo, hi []int) refGeom {
		return refGeom{Stride: s, PadLo: lo, PadHi: hi, Dilation: []int{1, 1}, Groups: 1}
	}
	want := []int{1, 1, 50, 200}
	expectShape := func(what string, got *refArr, want []int) {
		t.Helper()
		if !slices.Equal(got.Shape, want) {
			t.Errorf("%s: shape %v, want %v", what, got.Shape, want)
		}
	}

	wH := randRef(rng, 1, 1, 4, 1)
	wW := randRef(rng, 1, 1, 1, 4)
	w44 := randRef(rng, 1, 1, 4, 4)

	h := refConv(x, wH, nil, geom2([]int{2, 1}, []int{1, 0}, []int{1, 0}))
	expectShape("conv step", h, []int{1, 1, 50, 100})
	expectShape("conv → deconv", refDeconv(h, wW, nil, geom2([]int{1, 2}, []int{0, 1}, []int{0, 1}), []int{0, 0}), want)

	h = refDeconv(x, wW, nil, geom2([]int{1, 2}, []int{0, 1}, []int{0, 1}), []int{0, 0})
	expectShape("deconv step", h, []int{1, 1, 100, 200})
	expectShape("deconv → conv", refConv(h, wH, nil, geom2([]int{2, 1}, []int{1, 0}, []int{1, 0})), want)

	h = refUnpool(x, []int{1, 2}, []int{1, 2}, []int{0, 0}, true, nil)
	expectShape("unpool step", h, []int{1, 1, 100, 199})
	expectShape("unpool → conv", refConv(h, w44, nil, geom2([]int{2, 1}, []int{1, 2}, []int{1, 2})), want)

	h = refDeconv(x, refVals([]int{1, 1, 1, 3}, 0, 1, 0), nil, geom2([]int{1, 2}, []int{0, 0}, []int{0, 0}), []int{0, 0})
	expectShape("upsample step", h, []int{1, 1, 100, 201})
	two := refConv(h, w44, nil, geom2([]int{2, 1}, []int{1, 1}, []int{1, 1}))
	expectShape("upsample → conv", two, want)
	one := refStretchConv(x, w44, nil, geom2([]int{2, 1}, []int{1, 2}, []int{1, 2}), []int{1, 2}, Zeros)
	expectShape("stretch conv zeros", one, want)
	refExpectClose(t, "upsample → conv against stretch conv zeros", one, two)

	expectShape("stretch conv nearest",
		refStretchConv(x, w44, nil, geom2([]int{2, 1}, []int{1, 1}, []int{1, 2}), []int{1, 2}, Nearest), want)

	x3 := randRef(rng, 1, 1, 16, 16, 16)
	g3 := refGeom{Stride: []int{2, 1, 1}, PadLo: []int{1, 1, 1}, PadHi: []int{1, 2, 1}, Dilation: []int{1, 1, 1}, Groups: 1}
	expectShape("3-d stretch conv", refStretchConv(x3, randRef(rng, 1, 1, 4, 4, 3), nil, g3, []int{1, 2, 1}, Nearest), []int{1, 1, 8, 32, 16})
}

// refOnnxTensor is one tensor of an ONNX backend case.
type refOnnxTensor struct {
	Name  string    `json:"name"`
	Shape []int     `json:"shape"`
	Dtype string    `json:"dtype"`
	Data  []float64 `json:"data"`
}

// refOnnxCase is one ONNX backend node test case in its JSON form.
type refOnnxCase struct {
	Name       string                     `json:"name"`
	Op         string                     `json:"op"`
	Attributes map[string]json.RawMessage `json:"attributes"`
	NodeInputs []string                   `json:"node_inputs"`
	Inputs     []refOnnxTensor            `json:"inputs"`
	Outputs    []refOnnxTensor            `json:"outputs"`
}

// refOnnxRequired lists the Conv and ConvTranspose cases that must be
// present.
var refOnnxRequired = []string{
	"test_basic_conv_with_padding",
	"test_basic_conv_without_padding",
	"test_conv_with_autopad_same",
	"test_conv_with_strides_and_asymmetric_padding",
	"test_conv_with_strides_no_padding",
	"test_conv_with_strides_padding",
	"test_convtranspose",
	"test_convtranspose_1d",
	"test_convtranspose_3d",
	"test_convtranspose_autopad_same",
	"test_convtranspose_dilations",
	"test_convtranspose_group_2",
	"test_convtranspose_group_2_image_3",
	"test_convtranspose_kernel_shape",
	"test_convtranspose_output_shape",
	"test_convtranspose_pad",
	"test_convtranspose_pads",
}

// refOnnxNearest lists the nearest-neighbour upsampling cases whose integer
// scales make them a Nearest stretch.
var refOnnxNearest = []string{"test_upsample_nearest", "test_resize_upsample_scales_nearest"}

// refOnnxInput returns the tensor in the node's input slot, or nil if the
// slot is absent or left empty.
func refOnnxInput(c *refOnnxCase, slot int) *refOnnxTensor {
	if slot >= len(c.NodeInputs) || c.NodeInputs[slot] == "" {
		return nil
	}
	for i := range c.Inputs {
		if c.Inputs[i].Name == c.NodeInputs[slot] {
			return &c.Inputs[i]
		}
	}
	return nil
}

// refOnnxArr converts an ONNX tensor to a refArr.
func refOnnxArr(v *refOnnxTensor) *refArr {
	return refVals(v.Shape, v.Data...)
}

// refOnnxAttrs decodes node attributes, failing the test on a malformed
// one.
type refOnnxAttrs struct {
	t   *testing.T
	raw map[string]json.RawMessage
}

// refOnnxAttrsOf returns the attributes of c, failing the test if one is not
// in known, so that an unhandled attribute cannot pass unnoticed.
func refOnnxAttrsOf(t *testing.T, c *refOnnxCase, known ...string) refOnnxAttrs {
	t.Helper()
	for name := range c.Attributes {
		if !slices.Contains(known, name) {
			t.Fatalf("%s: attribute %q not handled", c.Name, name)
		}
	}
	return refOnnxAttrs{t: t, raw: c.Attributes}
}

// ints returns the integer list attribute name, or def if it is not set.
func (a refOnnxAttrs) ints(name string, def []int) ([]int, bool) {
	raw, ok := a.raw[name]
	if !ok {
		return def, false
	}
	var v []int
	if err := json.Unmarshal(raw, &v); err != nil {
		a.t.Fatalf("attribute %s: %v", name, err)
	}
	return v, true
}

// scalar returns the integer attribute name, or def if it is not set.
func (a refOnnxAttrs) scalar(name string, def int) int {
	raw, ok := a.raw[name]
	if !ok {
		return def
	}
	var v int
	if err := json.Unmarshal(raw, &v); err != nil {
		a.t.Fatalf("attribute %s: %v", name, err)
	}
	return v
}

// str returns the string attribute name, or def if it is not set.
func (a refOnnxAttrs) str(name, def string) string {
	raw, ok := a.raw[name]
	if !ok {
		return def
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		a.t.Fatalf("attribute %s: %v", name, err)
	}
	return v
}

// refOnnxCommon reads the attributes Conv and ConvTranspose share and checks
// kernel_shape against the weight.
func refOnnxCommon(t *testing.T, c *refOnnxCase, at refOnnxAttrs, k []int) (g refGeom, pads []int, autoPad string) {
	t.Helper()
	n := len(k)
	if ks, ok := at.ints("kernel_shape", nil); ok && !slices.Equal(ks, k) {
		t.Fatalf("%s: kernel_shape %v, weight kernel %v", c.Name, ks, k)
	}
	g.Stride, _ = at.ints("strides", refFilled(n, 1))
	g.Dilation, _ = at.ints("dilations", refFilled(n, 1))
	g.Groups = at.scalar("group", 1)
	pads, _ = at.ints("pads", refFilled(2*n, 0))
	autoPad = at.str("auto_pad", "NOTSET")
	if len(g.Stride) != n || len(g.Dilation) != n || len(pads) != 2*n {
		t.Fatalf("%s: attribute lengths do not fit %d axes", c.Name, n)
	}
	return g, pads, autoPad
}

// refOnnxConvGeom translates Conv attributes into a refGeom. pads are laid
// out [begins…, ends…]; SAME_* pads to an output of ⌈n/s⌉ with total
// max(0, (out−1)s + dk − n), the odd extra at the end for SAME_UPPER and at
// the beginning for SAME_LOWER.
func refOnnxConvGeom(t *testing.T, c *refOnnxCase, in, k []int) refGeom {
	t.Helper()
	at := refOnnxAttrsOf(t, c, "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides")
	g, pads, autoPad := refOnnxCommon(t, c, at, k)
	n := len(k)
	g.PadLo, g.PadHi = make([]int, n), make([]int, n)
	for a := range n {
		switch autoPad {
		case "NOTSET":
			g.PadLo[a], g.PadHi[a] = pads[a], pads[n+a]
		case "VALID":
		case "SAME_UPPER", "SAME_LOWER":
			s := g.Stride[a]
			out := (in[a] + s - 1) / s
			dk := g.Dilation[a]*(k[a]-1) + 1
			total := max(0, (out-1)*s+dk-in[a])
			small, big := total/2, total-total/2
			if autoPad == "SAME_UPPER" {
				g.PadLo[a], g.PadHi[a] = small, big
			} else {
				g.PadLo[a], g.PadHi[a] = big, small
			}
		default:
			t.Fatalf("%s: auto_pad %q not handled", c.Name, autoPad)
		}
	}
	return g
}

// refOnnxDeconvGeom translates ConvTranspose attributes into a refGeom and
// output padding. With output_shape, or with auto_pad SAME_* (target n·s),
// the pads come from total = s(n−1) + a + dk − out: SAME_UPPER puts
// ⌊total/2⌋ at the beginning, otherwise ⌊total/2⌋ goes at the end. The
// division floors, since total may be negative.
func refOnnxDeconvGeom(t *testing.T, c *refOnnxCase, in, k []int) (refGeom, []int) {
	t.Helper()
	at := refOnnxAttrsOf(t, c, "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides", "output_padding", "output_shape")
	g, pads, autoPad := refOnnxCommon(t, c, at, k)
	n := len(k)
	outPad, _ := at.ints("output_padding", refFilled(n, 0))
	outShape, hasShape := at.ints("output_shape", nil)
	if hasShape && len(outShape) == n+2 {
		outShape = outShape[2:]
	}
	if len(outPad) != n || (hasShape && len(outShape) != n) {
		t.Fatalf("%s: attribute lengths do not fit %d axes", c.Name, n)
	}
	g.PadLo, g.PadHi = make([]int, n), make([]int, n)
	for a := range n {
		switch {
		case hasShape || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER":
			target := in[a] * g.Stride[a]
			if hasShape {
				target = outShape[a]
			}
			dk := g.Dilation[a]*(k[a]-1) + 1
			total := g.Stride[a]*(in[a]-1) + outPad[a] + dk - target
			half := refFloorDiv(total, 2)
			if autoPad == "SAME_UPPER" {
				g.PadLo[a], g.PadHi[a] = half, total-half
			} else {
				g.PadLo[a], g.PadHi[a] = total-half, half
			}
		case autoPad == "NOTSET":
			g.PadLo[a], g.PadHi[a] = pads[a], pads[n+a]
		case autoPad == "VALID":
		default:
			t.Fatalf("%s: auto_pad %q not handled", c.Name, autoPad)
		}
	}
	return g, outPad
}

// refOnnxRun evaluates one case with the reference and compares exactly.
func refOnnxRun(t *testing.T, c *refOnnxCase) {
	if len(c.Outputs) != 1 {
		t.Fatalf("%d outputs", len(c.Outputs))
	}
	want := refOnnxArr(&c.Outputs[0])
	xt := refOnnxInput(c, 0)
	if xt == nil {
		t.Fatal("no input X")
	}
	x := refOnnxArr(xt)
	var got *refArr
	switch c.Op {
	case "Conv", "ConvTranspose":
		wt := refOnnxInput(c, 1)
		if wt == nil {
			t.Fatal("no input W")
		}
		w := refOnnxArr(wt)
		var b []float64
		if bt := refOnnxInput(c, 2); bt != nil {
			b = bt.Data
		}
		if c.Op == "Conv" {
			got = refConv(x, w, b, refOnnxConvGeom(t, c, x.Shape[2:], w.Shape[2:]))
		} else {
			g, outPad := refOnnxDeconvGeom(t, c, x.Shape[2:], w.Shape[2:])
			got = refDeconv(x, w, b, g, outPad)
		}
	case "Upsample", "Resize":
		// For an integer scale u, half_pixel with round_prefer_floor maps
		// output o = q·u + r to q + (r + ½)/u − ½, strictly within ½ of q,
		// so both reduce to repeating each sample u times.
		at := refOnnxAttrsOf(t, c, "mode", "coordinate_transformation_mode", "nearest_mode")
		if at.str("mode", "") != "nearest" ||
			at.str("coordinate_transformation_mode", "half_pixel") != "half_pixel" ||
			at.str("nearest_mode", "round_prefer_floor") != "round_prefer_floor" {
			t.Fatalf("attributes %v not handled", c.Attributes)
		}
		slot := 1
		if c.Op == "Resize" {
			slot = 2
		}
		st := refOnnxInput(c, slot)
		if st == nil || len(st.Data) != len(x.Shape) || st.Data[0] != 1 || st.Data[1] != 1 {
			t.Fatal("scales missing or not 1 on batch and channels")
		}
		var u []int
		for _, s := range st.Data[2:] {
			if s != math.Trunc(s) || s < 1 {
				t.Fatalf("scale %v is not a whole number", s)
			}
			u = append(u, int(s))
		}
		got = refStretch(x, u, Nearest)
	default:
		t.Fatalf("op %s not handled", c.Op)
	}
	refExpectExact(t, c.Name, got, want)
}

func TestRefONNX(t *testing.T) {
	dir := onnxDir
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		buf, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := new(refOnnxCase)
		if err := json.Unmarshal(buf, c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if c.Op != "Conv" && c.Op != "ConvTranspose" && !slices.Contains(refOnnxNearest, c.Name) {
			continue
		}
		if name := strings.TrimSuffix(filepath.Base(f), ".json"); name != c.Name {
			t.Errorf("%s holds case %s", f, c.Name)
		}
		seen[c.Name] = true
		t.Run(c.Name, func(t *testing.T) { refOnnxRun(t, c) })
	}
	for _, name := range append(slices.Clone(refOnnxRequired), refOnnxNearest...) {
		if !seen[name] {
			t.Errorf("case %s missing from %s", name, dir)
		}
	}
}
