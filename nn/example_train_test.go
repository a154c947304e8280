package nn_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/anisoconv/aniso"
	"github.com/anisoconv/aniso/nn"
)

// A StretchConv network learns to map 16×16 images to 8×32: the mean of
// each pair of rows, with every column repeated, a fixed linear function
// it has to find from examples. Its loss falls 240× in 200 steps. The
// README's "Training a model" shows the same code.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	// 16×16 → 8×32 in one layer, then a 3×3 convolution.
	o, err := aniso.SolveStretch([]int{16, 16}, []int{8, 32}, []int{4, 4}, aniso.Nearest)
	if err != nil {
		log.Fatal(err)
	}
	first, err := nn.NewStretchConv(rng, 1, 8, []int{4, 4}, o, nn.WeightOptions{NoInputGrad: true})
	if err != nil {
		log.Fatal(err)
	}
	last, err := nn.NewConv(rng, 8, 1, []int{3, 3}, aniso.ConvOptions{PadLo: []int{1, 1}}, nn.WeightOptions{})
	if err != nil {
		log.Fatal(err)
	}
	net := nn.NewSequential(first, nn.NewReLU(), last)
	params := net.Params()
	opt := nn.NewAdam(params, 0.01)

	// The target: each pair of rows averaged, each column repeated.
	x, target := aniso.New(16, 1, 16, 16), aniso.New(16, 1, 8, 32)
	for i := range x.Data {
		x.Data[i] = float32(rng.NormFloat64())
	}
	for i := range target.Data {
		n, r, c := i/256, i/32%8, i%32
		target.Data[i] = (x.Data[n*256+2*r*16+c/2] + x.Data[n*256+(2*r+1)*16+c/2]) / 2
	}

	for step := 0; step <= 200; step++ {
		y, err := net.Forward(x)
		if err != nil {
			log.Fatal(err)
		}
		loss, gy, err := nn.MSE(y, target)
		if err != nil {
			log.Fatal(err)
		}
		if step%40 == 0 {
			fmt.Printf("step %3d  loss %.5f\n", step, loss)
		}
		nn.ZeroGrad(params)
		if _, err := net.Backward(gy); err != nil {
			log.Fatal(err)
		}
		if err := opt.Step(); err != nil {
			log.Fatal(err)
		}
	}
	// Output:
	// step   0  loss 1.25241
	// step  40  loss 0.04717
	// step  80  loss 0.01797
	// step 120  loss 0.01039
	// step 160  loss 0.00699
	// step 200  loss 0.00516
}
