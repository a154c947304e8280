package aniso

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// fuzzBytes hands out small integers from fuzz input, zero once it runs
// out.
type fuzzBytes []byte

func (f *fuzzBytes) next(lo, n int) int {
	if len(*f) == 0 {
		return lo
	}
	v := int((*f)[0])
	*f = (*f)[1:]
	return lo + v%n
}

// fuzzGeom decodes a bounded geometry: 1 to 3 spatial axes, up to 3
// groups, sizes that may or may not fit together.
type fuzzGeom struct {
	convCase
	outPad []int
	u      []int
	mode   StretchMode
}

func decodeGeom(data []byte) fuzzGeom {
	f := fuzzBytes(data)
	n := f.next(1, 3)
	groups := f.next(1, 3)
	c := fuzzGeom{convCase: convCase{
		x: []int{f.next(1, 2), groups * f.next(1, 2)},
		w: []int{groups * f.next(1, 2), f.next(1, 2)},
		g: refGeom{Groups: groups},
	}, mode: StretchMode(f.next(0, 2))}
	for range n {
		c.x = append(c.x, f.next(1, 7))
		c.w = append(c.w, f.next(1, 4))
		c.g.Stride = append(c.g.Stride, f.next(1, 4))
		c.g.Dilation = append(c.g.Dilation, f.next(1, 3))
		c.g.PadLo = append(c.g.PadLo, f.next(-3, 8))
		c.g.PadHi = append(c.g.PadHi, f.next(-3, 8))
		c.outPad = append(c.outPad, f.next(0, 3))
		c.u = append(c.u, f.next(1, 4))
	}
	return c
}

// expectBounded checks got against want with the error measured against
// bound, the same computation on absolute values: float32 sums cancel, so
// the rounding error of a result is relative to the sum of the magnitudes
// of its terms, not to the result.
func expectBounded(t *testing.T, what string, got *Tensor, want, bound *refArr) {
	t.Helper()
	g := refFromTensor(got)
	if len(g.Data) != len(want.Data) {
		t.Fatalf("%s: shape %v, want %v", what, g.Shape, want.Shape)
	}
	var diff, scale float64
	for i, w := range want.Data {
		diff = max(diff, math.Abs(g.Data[i]-w))
		scale = max(scale, math.Abs(bound.Data[i]))
	}
	if !(diff <= randomTol*max(scale, 1)) {
		t.Fatalf("%s: error %.3g against a magnitude of %.3g", what, diff, scale)
	}
}

// fuzzCheck fails on an unclassified error and reports whether the call
// succeeded.
func fuzzCheck(t *testing.T, err error) bool {
	t.Helper()
	if err == nil {
		return true
	}
	if !classified(err) || errors.Is(err, ErrInternal) {
		t.Fatalf("unexpected error: %v", err)
	}
	return false
}

var fuzzSeeds = [][]byte{
	{0, 0, 0, 0, 0, 0, 4, 2, 1, 0, 3, 3, 0, 1},
	{1, 1, 1, 1, 1, 1, 1, 5, 2, 2, 1, 2, 4, 1, 2, 6, 3, 0, 0, 1, 3, 2, 2},
	{2, 2, 0, 1, 0, 1, 1, 3, 1, 3, 2, 0, 7, 2, 1, 4, 2, 1, 1, 9, 0, 1, 1, 2, 3, 2, 2, 1, 5, 1, 0},
	{1, 0, 1, 0, 1, 0, 0, 6, 3, 1, 0, 2, 2, 1, 3, 2, 3, 3, 1, 1, 0, 2, 3},
}

// FuzzConv decodes a geometry and, when Conv accepts it, compares the
// result and the gradients with the reference.
func FuzzConv(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := decodeGeom(data)
		rng := rand.New(rand.NewPCG(uint64(len(data)), 1))
		x, w := randRef(rng, c.x...), randRef(rng, c.w...)
		y, err := Conv(tensorFromRef(x), tensorFromRef(w), nil, c.options())
		if !fuzzCheck(t, err) {
			return
		}
		expectBounded(t, c.String(), y, refConv(x, w, nil, c.g), refConv(refAbs(x), refAbs(w), nil, c.g))
		gy := randRef(rng, y.Shape...)
		gx, gw, _, err := ConvBackward(gappy(rng, x), gappy(rng, w), gappy(rng, gy), c.options())
		if !fuzzCheck(t, err) {
			t.Fatalf("%v: forward accepted, backward failed", c)
		}
		wx, ww, _ := refConvGrads(x, w, gy, c.g)
		bx, bw, _ := refConvGrads(refAbs(x), refAbs(w), refAbs(gy), c.g)
		expectBounded(t, c.String()+": gx", gx, wx, bx)
		expectBounded(t, c.String()+": gw", gw, ww, bw)
	})
}

// FuzzDeconv is FuzzConv for the transposed convolution, with output
// padding.
func FuzzDeconv(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := decodeGeom(data)
		c.w[0], c.w[1] = c.x[1], c.w[0]/c.g.Groups
		rng := rand.New(rand.NewPCG(uint64(len(data)), 2))
		x, w := randRef(rng, c.x...), randRef(rng, c.w...)
		o := deconvCase{convCase: c.convCase, outPad: c.outPad}
		y, err := Deconv(gappy(rng, x), tensorFromRef(w), nil, o.options())
		if !fuzzCheck(t, err) {
			return
		}
		expectBounded(t, c.String(), y, refDeconv(x, w, nil, c.g, c.outPad), refDeconv(refAbs(x), refAbs(w), nil, c.g, c.outPad))
		gy := randRef(rng, y.Shape...)
		gx, gw, _, err := DeconvBackward(tensorFromRef(x), gappy(rng, w), tensorFromRef(gy), o.options())
		if !fuzzCheck(t, err) {
			t.Fatalf("%v: forward accepted, backward failed", c)
		}
		wx, ww, _ := refDeconvGrads(x, w, gy, c.g, c.outPad)
		bx, bw, _ := refDeconvGrads(refAbs(x), refAbs(w), refAbs(gy), c.g, c.outPad)
		expectBounded(t, c.String()+": gx", gx, wx, bx)
		expectBounded(t, c.String()+": gw", gw, ww, bw)
	})
}

// FuzzStretchConv is FuzzConv with a stretch on every axis.
func FuzzStretchConv(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := decodeGeom(data)
		rng := rand.New(rand.NewPCG(uint64(len(data)), 3))
		x, w := randRef(rng, c.x...), randRef(rng, c.w...)
		o := stretchCase{convCase: c.convCase, u: c.u, mode: c.mode}
		y, err := StretchConv(gappy(rng, x), tensorFromRef(w), nil, o.options())
		if !fuzzCheck(t, err) {
			return
		}
		expectBounded(t, c.String(), y, refStretchConv(x, w, nil, c.g, c.u, c.mode), refStretchConv(refAbs(x), refAbs(w), nil, c.g, c.u, c.mode))
		gy := randRef(rng, y.Shape...)
		gx, gw, _, err := StretchConvBackward(tensorFromRef(x), gappy(rng, w), gappy(rng, gy), o.options())
		if !fuzzCheck(t, err) {
			t.Fatalf("%v: forward accepted, backward failed", c)
		}
		wx, ww, _ := refStretchConvGrads(x, w, gy, c.g, c.u, c.mode)
		bx, bw, _ := refStretchConvGrads(refAbs(x), refAbs(w), refAbs(gy), c.g, c.u, c.mode)
		expectBounded(t, c.String()+": gx", gx, wx, bx)
		expectBounded(t, c.String()+": gw", gw, ww, bw)
	})
}

// FuzzUnpool decodes an unpooling geometry, sometimes with an explicit
// output size, and compares with the reference.
func FuzzUnpool(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b := fuzzBytes(data)
		n := b.next(1, 3)
		shape := []int{b.next(1, 2), b.next(1, 3)}
		var k, s, p, out []int
		cover, explicit := b.next(0, 2) == 1, b.next(0, 3) == 0
		for range n {
			shape = append(shape, b.next(1, 6))
			k = append(k, b.next(1, 4))
			s = append(s, b.next(1, 4))
			p = append(p, b.next(0, 3))
			out = append(out, b.next(1, 12))
		}
		if !explicit {
			out = nil
		}
		rng := rand.New(rand.NewPCG(uint64(len(data)), 4))
		x := randRef(rng, shape...)
		o := UnpoolOptions{Ksize: k, Stride: s, Pad: p, CoverAll: cover, OutSize: out}
		y, err := UnpoolND(gappy(rng, x), o)
		if !fuzzCheck(t, err) {
			return
		}
		expectBounded(t, "unpool", y, refUnpool(x, k, s, p, cover, out), refUnpool(refAbs(x), k, s, p, cover, out))
		gy := randRef(rng, y.Shape...)
		gx, err := UnpoolNDBackward(tensorFromRef(x), gappy(rng, gy), o)
		if !fuzzCheck(t, err) {
			t.Fatal("forward accepted, backward failed")
		}
		expectBounded(t, "unpool gx", gx, refUnpoolGrad(shape, gy, k, s, p, cover, out), refUnpoolGrad(shape, refAbs(gy), k, s, p, cover, out))
	})
}
