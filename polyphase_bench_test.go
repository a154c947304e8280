package aniso

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkPolyphase times forward and backward passes, strided and
// stretched (with one unit-stride case beside them), with the input in
// polyphase layout and in its own, side by side.
func BenchmarkPolyphase(b *testing.B) {
	type plan interface {
		OutShape() []int
		Forward(y, x, w, b *Tensor) error
		Backward(gx, gw, gb, x, w, gy *Tensor) error
	}
	geoms := []struct {
		name string
		x, w []int
		o    ConvOptions
		s    *StretchOptions
	}{
		{"3x3s2-c32-100", []int{8, 32, 100, 100}, []int{64, 32, 3, 3}, ConvOptions{Stride: []int{2, 2}, PadLo: []int{1, 1}}, nil},
		{"3x3s2-c32-100-n1", []int{1, 32, 100, 100}, []int{64, 32, 3, 3}, ConvOptions{Stride: []int{2, 2}, PadLo: []int{1, 1}}, nil},
		{"3x3s1-c32-50", []int{8, 32, 50, 50}, []int{64, 32, 3, 3}, ConvOptions{PadLo: []int{1, 1}}, nil},
		{"5x5s2-c64-60", []int{4, 64, 60, 60}, []int{64, 64, 5, 5}, ConvOptions{Stride: []int{2, 2}, PadLo: []int{2, 2}}, nil},
		{"3x3s2-c8-100", []int{8, 8, 100, 100}, []int{16, 8, 3, 3}, ConvOptions{Stride: []int{2, 2}, PadLo: []int{1, 1}}, nil},
		{"3x3s2-c128-28", []int{8, 128, 28, 28}, []int{128, 128, 3, 3}, ConvOptions{Stride: []int{2, 2}, PadLo: []int{1, 1}}, nil},
		{"4x4s2-c32-64", []int{8, 32, 64, 64}, []int{32, 32, 4, 4}, ConvOptions{Stride: []int{2, 2}, PadLo: []int{1, 1}}, nil},
		{"3d-s2-c16-16", []int{2, 16, 16, 16, 16}, []int{16, 16, 3, 3, 3}, ConvOptions{Stride: []int{2, 2, 2}, PadLo: []int{1, 1, 1}}, nil},
		{"3x3s21-c32-100", []int{8, 32, 100, 100}, []int{32, 32, 3, 3}, ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}}, nil},
		{"3x3s3-c16-99", []int{8, 16, 99, 99}, []int{32, 16, 3, 3}, ConvOptions{Stride: []int{3, 3}}, nil},
		{"stretchN-3/2", []int{8, 32, 60, 60}, []int{32, 32, 6, 6}, ConvOptions{}, &StretchOptions{ConvOptions: ConvOptions{Stride: []int{3, 2}, PadLo: []int{1, 2}, PadHi: []int{2, 2}}, Stretch: []int{2, 3}, Mode: Nearest}},
		{"stretchZ-3/2", []int{8, 32, 60, 60}, []int{32, 32, 6, 6}, ConvOptions{}, &StretchOptions{ConvOptions: ConvOptions{Stride: []int{3, 2}, PadLo: []int{2, 3}, PadHi: []int{2, 3}}, Stretch: []int{2, 3}, Mode: Zeros}},
	}
	rng := rand.New(rand.NewPCG(3, 3))
	for _, g := range geoms {
		x, w := randTensor(rng, g.x...), randTensor(rng, g.w...)
		var p plan
		var err error
		if g.s != nil {
			p, err = NewStretchConvPlan(g.x, g.w, *g.s)
		} else {
			p, err = NewConvPlan(g.x, g.w, g.o)
		}
		if err != nil {
			b.Fatal(err)
		}
		y := New(p.OutShape()...)
		gy, gx, gw := randTensor(rng, y.Shape...), New(g.x...), New(g.w...)
		for _, off := range []bool{true, false} {
			b.Run(fmt.Sprintf("%s/fwd/off=%v", g.name, off), func(b *testing.B) {
				polyOff = off
				defer func() { polyOff = false }()
				t0 := cpuTime()
				for i := 0; i < b.N; i++ {
					if err := p.Forward(y, x, w, nil); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(cpuTime()-t0)/float64(b.N), "cpu-ns/op")
			})
		}
		for _, off := range []bool{true, false} {
			b.Run(fmt.Sprintf("%s/bwd/off=%v", g.name, off), func(b *testing.B) {
				polyOff = off
				defer func() { polyOff = false }()
				t0 := cpuTime()
				for i := 0; i < b.N; i++ {
					if err := p.Backward(gx, gw, nil, x, w, gy); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(cpuTime()-t0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}
