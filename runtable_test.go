package aniso

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestManyTiles checks geometries deep enough (many input channels and
// taps) that each phase splits into several im2col tiles, whose runs the
// run tables index by phase, tile and tap, against the reference, in
// 1-D, 2-D and 3-D, for Conv, StretchConv and Deconv, with contiguous and
// gappy inputs. The second call of each reads the tables the first built.
func TestManyTiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(91, 1))
	cases := []struct {
		x, w []int
		g    refGeom
		u    []int
		mode StretchMode
	}{
		{[]int{2, 64, 300}, []int{3, 64, 65}, refGeom{Stride: []int{1}, PadLo: []int{32}, PadHi: []int{32}, Dilation: []int{1}, Groups: 1}, []int{1}, Nearest},
		{[]int{1, 48, 24, 24}, []int{3, 48, 7, 7}, refGeom{Stride: []int{1, 1}, PadLo: []int{3, 3}, PadHi: []int{3, 2}, Dilation: []int{1, 1}, Groups: 1}, []int{1, 1}, Nearest},
		{[]int{1, 256, 40, 11}, []int{2, 256, 4, 4}, refGeom{Stride: []int{2, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 2}, Dilation: []int{1, 1}, Groups: 1}, []int{1, 2}, Nearest},
		{[]int{1, 256, 80, 11}, []int{2, 256, 4, 3}, refGeom{Stride: []int{1, 2}, PadLo: []int{1, 1}, PadHi: []int{2, 1}, Dilation: []int{1, 1}, Groups: 1}, []int{1, 3}, Zeros},
		{[]int{1, 64, 6, 8, 9}, []int{2, 64, 3, 3, 3}, refGeom{Stride: []int{1, 1, 1}, PadLo: []int{1, 1, 1}, PadHi: []int{1, 1, 1}, Dilation: []int{1, 1, 1}, Groups: 1}, []int{1, 1, 1}, Nearest},
	}
	for _, c := range cases {
		o := StretchOptions{ConvOptions: ConvOptions{Stride: c.g.Stride, PadLo: c.g.PadLo, PadHi: c.g.PadHi, Dilation: c.g.Dilation}, Stretch: c.u, Mode: c.mode}
		p, err := NewStretchConvPlan(c.x, c.w, o)
		require.NoError(t, err)
		require.GreaterOrEqual(t, p.p.e.tiles, 2, "%v: too few tiles", c.x)
		x, w := randRef(rng, c.x...), randRef(rng, c.w...)
		b := randRef(rng, c.w[0]).Data
		want := refStretchConv(x, w, b, c.g, c.u, c.mode)
		gy := randRef(rng, want.Shape...)
		gx, gw, gb := refStretchConvGrads(x, w, gy, c.g, c.u, c.mode)
		for range 2 {
			checkWeighted(t, rng, fmt.Sprintf("%v %v stretch %v %v", c.x, c.w, c.u, c.mode), x, w, b, gy, want, gx, gw, gb,
				func(x, w, b *Tensor) (*Tensor, error) { return StretchConv(x, w, b, o) },
				func(x, w, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) { return StretchConvBackward(x, w, gy, o) })
		}
		if volume1(c.u) != 1 {
			continue
		}
		// The transposed convolution of the same geometry.
		do := DeconvOptions{ConvOptions: o.ConvOptions}
		dx := randRef(rng, want.Shape...)
		dw := randRef(rng, c.w...)
		db := randRef(rng, c.w[1]).Data
		pad := make([]int, len(c.u))
		dwant := refDeconv(dx, dw, db, c.g, pad)
		dgy := randRef(rng, dwant.Shape...)
		dgx, dgw, dgb := refDeconvGrads(dx, dw, dgy, c.g, pad)
		for range 2 {
			checkWeighted(t, rng, fmt.Sprintf("deconv %v %v", c.x, c.w), dx, dw, db, dgy, dwant, dgx, dgw, dgb,
				func(x, w, b *Tensor) (*Tensor, error) { return Deconv(x, w, b, do) },
				func(x, w, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) { return DeconvBackward(x, w, gy, do) })
		}
	}
}
