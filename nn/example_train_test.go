package nn_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/anisoconv/aniso"
	"github.com/anisoconv/aniso/nn"
)

// A StretchConv network learns to map 16×16 images to 8×32: the mean of
// each pair of rows, with every column repeated. The target is a fixed
// linear function the network has to find from examples.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	stretch := aniso.StretchOptions{ // 16×16 → 8×32, the seed's geometry
		ConvOptions: aniso.ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 2}},
		Stretch:     []int{1, 2},
	}
	first, err := nn.NewStretchConv(rng, 1, 8, []int{4, 4}, stretch, nn.WeightOptions{NoInputGrad: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	last, err := nn.NewConv(rng, 8, 1, []int{3, 3}, aniso.ConvOptions{PadLo: []int{1, 1}}, nn.WeightOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	net := nn.NewSequential(first, nn.NewReLU(), last)
	opt := nn.NewAdam(net.Params(), 0.01)

	// The task: average pairs of rows, repeat every column.
	x := aniso.New(16, 1, 16, 16)
	for i := range x.Data {
		x.Data[i] = float32(rng.NormFloat64())
	}
	target := aniso.New(16, 1, 8, 32)
	for n := 0; n < 16; n++ {
		for r := 0; r < 8; r++ {
			for c := 0; c < 32; c++ {
				a := x.Data[n*256+2*r*16+c/2]
				b := x.Data[n*256+(2*r+1)*16+c/2]
				target.Data[n*256+r*32+c] = (a + b) / 2
			}
		}
	}

	var initial float64
	for step := 0; step < 200; step++ {
		y, err := net.Forward(x)
		if err != nil {
			fmt.Println(err)
			return
		}
		loss, gy, err := nn.MSE(y, target)
		if err != nil {
			fmt.Println(err)
			return
		}
		if step == 0 {
			initial = loss
			fmt.Printf("initial loss %.2f\n", loss)
		}
		if loss < initial/100 {
			fmt.Println("loss fell 100× within 200 steps")
			break
		}
		nn.ZeroGrad(net.Params())
		if _, err := net.Backward(gy); err != nil {
			fmt.Println(err)
			return
		}
		if err := opt.Step(); err != nil {
			fmt.Println(err)
			return
		}
	}
	// Output:
	// initial loss 1.25
	// loss fell 100× within 200 steps
}
