package nn_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/anisoconv/aniso"
	"github.com/anisoconv/aniso/nn"
)

// BenchmarkStep times one training step (Forward, MSE, ZeroGrad, Backward
// and an Adam step) of a StretchConv → ReLU → Conv network, and of the
// StretchConv alone, with the first layer computing its input gradient or
// not (NoInputGrad).
func BenchmarkStep(b *testing.B) {
	stretch := aniso.StretchOptions{
		ConvOptions: aniso.ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 2}},
		Stretch:     []int{1, 2},
	}
	for _, shape := range [][3]int{{4, 16, 64}, {8, 32, 100}} {
		n, c, h := shape[0], shape[1], shape[2]
		for _, net := range []string{"stretch", "stretch-relu-conv"} {
			for _, first := range []string{"inputgrad", "noinputgrad"} {
				b.Run(fmt.Sprintf("net=%s/shape=%dx%dx%dx%d/first=%s", net, n, c, h, h, first), func(b *testing.B) {
					rng := rand.New(rand.NewPCG(1, 1))
					l0, err := nn.NewStretchConv(rng, c, c, []int{4, 4}, stretch, nn.WeightOptions{NoInputGrad: first == "noinputgrad"})
					if err != nil {
						b.Fatal(err)
					}
					layers := []nn.Layer{l0}
					if net != "stretch" {
						l2, err := nn.NewConv(rng, c, c, []int{3, 3}, aniso.ConvOptions{PadLo: []int{1, 1}}, nn.WeightOptions{})
						if err != nil {
							b.Fatal(err)
						}
						layers = append(layers, nn.NewReLU(), l2)
					}
					m := nn.NewSequential(layers...)
					x := randn(rng, n, c, h, h)
					target := randn(rng, n, c, h/2, 2*h)
					params := m.Params()
					opt := nn.NewAdam(params, 1e-3)
					step := func() {
						y, err := m.Forward(x)
						if err != nil {
							b.Fatal(err)
						}
						_, gy, err := nn.MSE(y, target)
						if err != nil {
							b.Fatal(err)
						}
						nn.ZeroGrad(params)
						if _, err := m.Backward(gy); err != nil {
							b.Fatal(err)
						}
						if err := opt.Step(); err != nil {
							b.Fatal(err)
						}
					}
					step()
					b.ReportAllocs()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						step()
					}
				})
			}
		}
	}
}
