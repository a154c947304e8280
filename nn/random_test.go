package nn_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/anisoconv/aniso"
	"github.com/anisoconv/aniso/nn"
)

// randomTensor returns a tensor that may be broken in any way: nil, with
// negative sizes, too few or negative strides, or Data too short.
func randomTensor(rng *rand.Rand) *aniso.Tensor {
	if rng.IntN(20) == 0 {
		return nil
	}
	rank := rng.IntN(6)
	t := &aniso.Tensor{Shape: make([]int, rank)}
	n := 1
	for i := range t.Shape {
		t.Shape[i] = rng.IntN(5)
		if rng.IntN(30) == 0 {
			t.Shape[i] = -1
		}
		n *= max(t.Shape[i], 1)
	}
	if rng.IntN(3) == 0 {
		t.Strides = make([]int, rank+rng.IntN(8)/7)
		for i := range t.Strides {
			t.Strides[i] = rng.IntN(2*n+1) - rng.IntN(10)/9*n
		}
	}
	t.Data = make([]float32, rng.IntN(2*n+1))
	for i := range t.Data {
		t.Data[i] = float32(rng.NormFloat64())
	}
	return t
}

// TestRandomInputs feeds random, often broken, tensors to every layer
// and every function that takes tensors: they must return a result or an
// error, and no error may come from a recovered panic.
func TestRandomInputs(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 15))
	build := func() []nn.Layer {
		c, err := nn.NewConv(rng, 2, 2, []int{2, 2}, aniso.ConvOptions{PadLo: []int{1, 0}}, nn.WeightOptions{})
		if err != nil {
			t.Fatal(err)
		}
		d, err := nn.NewDeconv(rng, 2, 3, []int{3}, aniso.DeconvOptions{ConvOptions: aniso.ConvOptions{Stride: []int{2}}}, nn.WeightOptions{NoBias: true})
		if err != nil {
			t.Fatal(err)
		}
		s, err := nn.NewStretchConv(rng, 2, 1, []int{1, 2, 2}, aniso.StretchOptions{Stretch: []int{1, 2, 3}, Mode: aniso.Zeros}, nn.WeightOptions{NoInputGrad: true})
		if err != nil {
			t.Fatal(err)
		}
		return []nn.Layer{c, d, s, nn.NewUnpool(aniso.UnpoolOptions{Ksize: []int{2, 1}, Stride: []int{1, 1}}),
			nn.NewReLU(), nn.NewLeakyReLU(0.3), nn.NewSigmoid(), nn.NewTanh(), nn.NewSequential(nn.NewTanh(), c)}
	}
	ok := func(what string, err error) {
		t.Helper()
		if errors.Is(err, aniso.ErrInternal) {
			t.Fatalf("%s: %v", what, err)
		}
	}
	layers := build()
	for i := 0; i < 2000; i++ {
		l := layers[i%len(layers)]
		y, err := l.Forward(randomTensor(rng))
		ok("Forward", err)
		gy := randomTensor(rng)
		if y != nil && rng.IntN(2) == 0 {
			gy = randn(rng, y.Shape...)
		}
		_, err = l.Backward(gy)
		ok("Backward", err)
		a, b := randomTensor(rng), randomTensor(rng)
		if a != nil && b != nil && rng.IntN(2) == 0 {
			b.Shape = a.Shape // often a valid pair of shapes, not always valid data
		}
		_, _, err = nn.MSE(a, b)
		ok("MSE", err)
		_, _, err = nn.L1(b, a)
		ok("L1", err)
		p := &nn.Param{Name: "p", Value: randomTensor(rng), Grad: randomTensor(rng)}
		ps := []*nn.Param{p}
		ok("SGD", nn.NewSGD(ps, 0.1).Step())
		ok("Adam", nn.NewAdam(ps, 0.1).Step())
		nn.ZeroGrad(ps)
		nn.ClipGradNorm(ps, 1)
		nn.HeNormal(rng, p.Value, 3)
		nn.GlorotUniform(rng, p.Grad, 3, 2)
		var buf bytes.Buffer
		ok("Save", nn.Save(&buf, ps))
		garbage := buf.Bytes()
		if len(garbage) > 0 && rng.IntN(2) == 0 {
			garbage[rng.IntN(len(garbage))] ^= byte(1 + rng.IntN(255))
		}
		ok("Load", nn.Load(bytes.NewReader(garbage), ps))
	}
}
