package nn_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/anisoconv/aniso"
	"github.com/anisoconv/aniso/nn"
)

func TestPixelShuffleLayer(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 21))
	r := []int{1, 2}
	// Two shapes in turn, each with its own plan, and a strided input.
	checkFreeLayer(t, rng, nn.NewPixelShuffle(r),
		[]*aniso.Tensor{randn(rng, 1, 4, 3, 5), randn(rng, 3, 6, 2, 2), gappy(randn(rng, 1, 4, 3, 5))},
		func(x *aniso.Tensor) (*aniso.Tensor, error) { return aniso.PixelShuffle(x, r) },
		func(_, gy *aniso.Tensor) (*aniso.Tensor, error) { return aniso.PixelUnshuffle(gy, r) })
}

// checkFreeLayer checks a parameter-free layer against the operator it
// wraps: it has no parameters; Forward and Backward on each input in turn
// give exactly what fwd and bwd give; and, once the shape of the last
// input is known, they allocate nothing.
func checkFreeLayer(t *testing.T, rng *rand.Rand, l nn.Layer, xs []*aniso.Tensor, fwd func(x *aniso.Tensor) (*aniso.Tensor, error), bwd func(x, gy *aniso.Tensor) (*aniso.Tensor, error)) {
	t.Helper()
	if l.Params() != nil {
		t.Fatal("the layer has parameters")
	}
	var gy *aniso.Tensor
	for _, x := range xs {
		y, err := l.Forward(x)
		if err != nil {
			t.Fatal(err)
		}
		want, err := fwd(x)
		if err != nil {
			t.Fatal(err)
		}
		near(t, "y", y, want, 0)
		gy = randn(rng, y.Shape...)
		gx, err := l.Backward(gy)
		if err != nil {
			t.Fatal(err)
		}
		wantx, err := bwd(x, gy)
		if err != nil {
			t.Fatal(err)
		}
		near(t, "gx", gx, wantx, 0)
	}
	x := xs[len(xs)-1]
	if allocs := testing.AllocsPerRun(5, func() {
		if _, err := l.Forward(x); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Backward(gy); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("Forward and Backward allocate %v times once the shape is known", allocs)
	}
}

func TestPixelShuffleLayerErrors(t *testing.T) {
	l := nn.NewPixelShuffle([]int{2, 2})
	if _, err := l.Backward(aniso.New(1, 1, 4, 4)); !errors.Is(err, nn.ErrNoForward) {
		t.Errorf("Backward before Forward: %v, want ErrNoForward", err)
	}
	for _, c := range []struct {
		x    *aniso.Tensor
		kind error
	}{
		{nil, aniso.ErrNilTensor},
		{aniso.New(1, 6, 2, 2), aniso.ErrShape},
		{aniso.New(1, 4, 2), aniso.ErrOption},
		{&aniso.Tensor{Data: make([]float32, 3), Shape: []int{1, 4, 2, 2}}, aniso.ErrData},
	} {
		if _, err := l.Forward(c.x); !errors.Is(err, c.kind) {
			t.Errorf("Forward of %v: %v, want %v", c.x, err, c.kind)
		}
	}
	if _, err := l.Forward(aniso.New(1, 4, 2, 2)); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Backward(aniso.New(1, 1, 4, 3)); !errors.Is(err, aniso.ErrShape) {
		t.Errorf("Backward of a wrong shape: %v, want ErrShape", err)
	}
}

// TestSubpixelGradient checks Conv → PixelShuffle end to end against
// central differences.
func TestSubpixelGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 22))
	c, err := nn.NewConv(rng, 2, 6, []int{3, 3}, aniso.ConvOptions{PadLo: []int{1, 1}}, nn.WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.B.Value.Data {
		c.B.Value.Data[i] = float32(0.1 * rng.NormFloat64())
	}
	net := nn.NewSequential(c, nn.NewPixelShuffle([]int{3, 1}))
	checkLayer(t, net, randn(rng, 2, 2, 4, 5), aniso.GradCheckOptions{Trials: 3, Seed: 3})
}

func ExamplePixelShuffle() {
	// A sub-pixel convolution (100, 100) → (50, 200): a convolution from 8
	// to 16 channels that halves the first axis, then a pixel shuffle
	// that doubles the second.
	rng := rand.New(rand.NewPCG(1, 2))
	conv, err := nn.NewConv(rng, 8, 16, []int{4, 3}, aniso.ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}}, nn.WeightOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	net := nn.NewSequential(conv, nn.NewPixelShuffle([]int{1, 2}))
	y, err := net.Forward(aniso.New(4, 8, 100, 100))
	if err != nil {
		fmt.Println(err)
		return
	}
	gx, err := net.Backward(y)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y.Shape, gx.Shape)
	// Output:
	// [4 8 50 200] [4 8 100 100]
}

// TestSubpixelRandomInputs feeds random, often broken, tensors and
// factors to the PixelShuffle layer and to ICNR: they must return a result
// or an error, and no error may come from a recovered panic.
func TestSubpixelRandomInputs(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 23))
	for range 1000 {
		r := make([]int, rng.IntN(4))
		for a := range r {
			r[a] = rng.IntN(4) - rng.IntN(10)/9
		}
		l := nn.NewPixelShuffle(r)
		y, err := l.Forward(randomTensor(rng))
		if errors.Is(err, aniso.ErrInternal) {
			t.Fatalf("Forward: %v", err)
		}
		gy := randomTensor(rng)
		if y != nil && rng.IntN(2) == 0 {
			gy = randn(rng, y.Shape...)
		}
		if _, err := l.Backward(gy); errors.Is(err, aniso.ErrInternal) {
			t.Fatalf("Backward: %v", err)
		}
		if err := nn.ICNR(rng, randomTensor(rng), r, rng.IntN(4)); errors.Is(err, aniso.ErrInternal) {
			t.Fatalf("ICNR: %v", err)
		}
	}
}
