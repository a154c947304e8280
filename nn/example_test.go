package nn_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/anisoconv/aniso"
	"github.com/anisoconv/aniso/nn"
)

func ExampleConv() {
	rng := rand.New(rand.NewPCG(1, 1))
	// 3 → 8 channels, 3×3 kernel, padded to keep the size.
	conv, err := nn.NewConv(rng, 3, 8, []int{3, 3}, aniso.ConvOptions{PadLo: []int{1, 1}}, nn.WeightOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(conv.W.Name, conv.W.Value.Shape, conv.B.Name, conv.B.Value.Shape)
	for _, batch := range []int{4, 1} { // any batch size: one plan per shape
		y, err := conv.Forward(aniso.New(batch, 3, 32, 32))
		if err != nil {
			fmt.Println(err)
			return
		}
		gx, err := conv.Backward(y) // y stands in for the output gradient
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(y.Shape, gx.Shape)
	}
	// Output:
	// weight [8 3 3 3] bias [8]
	// [4 8 32 32] [4 3 32 32]
	// [1 8 32 32] [1 3 32 32]
}

func ExampleDeconv() {
	rng := rand.New(rand.NewPCG(1, 1))
	// A stride-2 transposed convolution doubles 16×16 to 32×32; its
	// weights are in×out×k… as in PyTorch.
	o := aniso.DeconvOptions{ConvOptions: aniso.ConvOptions{Stride: []int{2, 2}, PadLo: []int{1, 1}}}
	d, err := nn.NewDeconv(rng, 8, 4, []int{4, 4}, o, nn.WeightOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	y, err := d.Forward(aniso.New(2, 8, 16, 16))
	if err != nil {
		fmt.Println(err)
		return
	}
	fanIn, _ := nn.Fans(d.W.Value.Shape)
	fmt.Println(d.W.Value.Shape, fanIn, y.Shape)
	// Output:
	// [8 4 4 4] 64 [2 4 32 32]
}

func ExampleStretchConv() {
	rng := rand.New(rand.NewPCG(1, 1))
	// The seed problem as a first layer: (100, 100) → (50, 200), shrinking
	// one axis and growing the other. As the first layer it needs no
	// input gradient.
	o, err := aniso.SolveStretch([]int{100, 100}, []int{50, 200}, []int{4, 4}, aniso.Nearest)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := nn.NewStretchConv(rng, 1, 16, []int{4, 4}, o, nn.WeightOptions{NoInputGrad: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	y, err := s.Forward(aniso.New(8, 1, 100, 100))
	if err != nil {
		fmt.Println(err)
		return
	}
	gx, err := s.Backward(y)
	fmt.Println(y.Shape, gx == nil, err, s.W.Grad.Shape)
	// Output:
	// [8 16 50 200] true <nil> [16 1 4 4]
}

func ExampleWeightOptions() {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, wo := range []nn.WeightOptions{
		{},
		{NoBias: true},
		{NoInputGrad: true},
		{Frozen: true}, // a fixed layer: gradients flow through, weights stay
	} {
		c, err := nn.NewConv(rng, 2, 2, []int{3}, aniso.ConvOptions{}, wo)
		if err != nil {
			fmt.Println(err)
			return
		}
		y, err := c.Forward(aniso.New(1, 2, 5))
		if err != nil {
			fmt.Println(err)
			return
		}
		gx, err := c.Backward(y)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%+v: %d params, input gradient %t\n", wo, len(c.Params()), gx != nil)
	}
	// Output:
	// {NoInputGrad:false Frozen:false NoBias:false}: 2 params, input gradient true
	// {NoInputGrad:false Frozen:false NoBias:true}: 1 params, input gradient true
	// {NoInputGrad:true Frozen:false NoBias:false}: 2 params, input gradient false
	// {NoInputGrad:false Frozen:true NoBias:false}: 0 params, input gradient true
}

func ExampleUnpool() {
	u := nn.NewUnpool(aniso.UnpoolOptions{Ksize: []int{2}})
	x := aniso.New(1, 1, 3)
	copy(x.Data, []float32{1, 2, 3})
	y, err := u.Forward(x)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y.Data)
	gy := aniso.New(1, 1, 6)
	copy(gy.Data, []float32{1, 10, 100, 1000, 1, 1})
	gx, err := u.Backward(gy)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(gx.Data)
	// Output:
	// [1 1 2 2 3 3]
	// [11 1100 2]
}

// activate runs l forward on (−2, −0.5, 0, 1) and backward on ones.
func activate(l nn.Layer) {
	x := aniso.New(4)
	copy(x.Data, []float32{-2, -0.5, 0, 1})
	y, err := l.Forward(x)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("y  %.3f\n", y.Data)
	gy := aniso.New(4)
	for i := range gy.Data {
		gy.Data[i] = 1
	}
	gx, err := l.Backward(gy)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("gx %.3f\n", gx.Data)
}

func ExampleReLU() {
	activate(nn.NewReLU())
	// Output:
	// y  [0.000 0.000 0.000 1.000]
	// gx [0.000 0.000 0.000 1.000]
}

func ExampleLeakyReLU() {
	activate(nn.NewLeakyReLU(0.1))
	// Output:
	// y  [-0.200 -0.050 0.000 1.000]
	// gx [0.100 0.100 0.100 1.000]
}

func ExampleSigmoid() {
	activate(nn.NewSigmoid())
	// Output:
	// y  [0.119 0.378 0.500 0.731]
	// gx [0.105 0.235 0.250 0.197]
}

func ExampleTanh() {
	activate(nn.NewTanh())
	// Output:
	// y  [-0.964 -0.462 0.000 0.762]
	// gx [0.071 0.786 1.000 0.420]
}

func ExampleSequential() {
	rng := rand.New(rand.NewPCG(1, 1))
	c1, err := nn.NewConv(rng, 1, 4, []int{3, 3}, aniso.ConvOptions{PadLo: []int{1, 1}}, nn.WeightOptions{NoInputGrad: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	c2, err := nn.NewConv(rng, 4, 1, []int{1, 1}, aniso.ConvOptions{}, nn.WeightOptions{NoBias: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	net := nn.NewSequential(c1, nn.NewTanh(), c2)
	for _, p := range net.Params() {
		fmt.Println(p.Name, p.Value.Shape)
	}
	y, err := net.Forward(aniso.New(2, 1, 8, 8))
	if err != nil {
		fmt.Println(err)
		return
	}
	gx, err := net.Backward(y)
	fmt.Println(y.Shape, gx == nil, err)
	// Output:
	// 0.weight [4 1 3 3]
	// 0.bias [4]
	// 2.weight [1 4 1 1]
	// [2 1 8 8] true <nil>
}

func ExampleMSE() {
	y, target := aniso.New(4), aniso.New(4)
	copy(y.Data, []float32{1, 2, 3, 4})
	copy(target.Data, []float32{0, 2, 5, 4})
	loss, grad, err := nn.MSE(y, target)
	fmt.Println(loss, grad.Data, err)
	// Output:
	// 1.25 [0.5 0 -1 0] <nil>
}

func ExampleL1() {
	y, target := aniso.New(4), aniso.New(4)
	copy(y.Data, []float32{1, 2, 3, 4})
	copy(target.Data, []float32{0, 2, 5, 4})
	loss, grad, err := nn.L1(y, target)
	fmt.Println(loss, grad.Data, err)
	// Output:
	// 0.75 [0.25 0 -0.25 0] <nil>
}

// quadratic returns a parameter θ = (1, −2) and sets its gradient to that
// of ½‖θ‖², θ itself.
func quadratic() (*nn.Param, func()) {
	p := &nn.Param{Name: "θ", Value: aniso.New(2), Grad: aniso.New(2)}
	copy(p.Value.Data, []float32{1, -2})
	return p, func() { copy(p.Grad.Data, p.Value.Data) }
}

func ExampleSGD() {
	p, grad := quadratic()
	opt := nn.NewSGD([]*nn.Param{p}, 0.1)
	opt.Momentum = 0.9
	for step := 1; step <= 3; step++ {
		grad()
		if err := opt.Step(); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("step %d: θ = %.4f\n", step, p.Value.Data)
	}
	// Output:
	// step 1: θ = [0.9000 -1.8000]
	// step 2: θ = [0.7200 -1.4400]
	// step 3: θ = [0.4860 -0.9720]
}

func ExampleAdam() {
	p, grad := quadratic()
	opt := nn.NewAdam([]*nn.Param{p}, 0.1)
	opt.WeightDecay, opt.Decoupled = 0.01, true // AdamW
	for step := 1; step <= 3; step++ {
		grad()
		if err := opt.Step(); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("step %d: θ = %.4f\n", step, p.Value.Data)
	}
	// Output:
	// step 1: θ = [0.8990 -1.8980]
	// step 2: θ = [0.7985 -1.7963]
	// step 3: θ = [0.6989 -1.6949]
}

func ExampleZeroGrad() {
	p, grad := quadratic()
	grad()
	nn.ZeroGrad([]*nn.Param{p})
	fmt.Println(p.Grad.Data)
	// Output:
	// [0 0]
}

func ExampleClipGradNorm() {
	a := &nn.Param{Name: "a", Value: aniso.New(2), Grad: aniso.New(2)}
	b := &nn.Param{Name: "b", Value: aniso.New(1), Grad: aniso.New(1)}
	copy(a.Grad.Data, []float32{3, 4})
	b.Grad.Data[0] = 12
	norm := nn.ClipGradNorm([]*nn.Param{a, b}, 6.5)
	fmt.Printf("norm %g, clipped to %.3f %.3f\n", norm, a.Grad.Data, b.Grad.Data)
	// Output:
	// norm 13, clipped to [1.500 2.000] [6.000]
}

// spread prints the standard deviation and largest magnitude of t.
func spread(name string, t *aniso.Tensor) {
	var s, m float64
	for _, v := range t.Data {
		s += float64(v) * float64(v)
		m = math.Max(m, math.Abs(float64(v)))
	}
	fmt.Printf("%s: sd %.2f, max %.2f\n", name, math.Sqrt(s/float64(len(t.Data))), m)
}

func ExampleHeNormal() {
	rng := rand.New(rand.NewPCG(1, 1))
	w := aniso.New(64, 32, 3, 3) // a Conv weight: out×in×k×k
	fanIn, _ := nn.Fans(w.Shape)
	nn.HeNormal(rng, w, fanIn)
	fmt.Printf("fan-in %d, √(2/fan-in) = %.3f\n", fanIn, math.Sqrt(2/float64(fanIn)))
	spread("HeNormal", w)
	// Output:
	// fan-in 288, √(2/fan-in) = 0.083
	// HeNormal: sd 0.08, max 0.37
}

func ExampleHeUniform() {
	rng := rand.New(rand.NewPCG(1, 1))
	w := aniso.New(64, 32, 3, 3)
	nn.HeUniform(rng, w, 288) // uniform on ±√(6/288) = ±0.144
	spread("HeUniform", w)
	// Output:
	// HeUniform: sd 0.08, max 0.14
}

func ExampleGlorotNormal() {
	rng := rand.New(rand.NewPCG(1, 1))
	w := aniso.New(64, 32, 3, 3)
	fanIn, fanOut := nn.Fans(w.Shape)
	nn.GlorotNormal(rng, w, fanIn, fanOut) // sd √(2/(288 + 576)) = 0.048
	spread("GlorotNormal", w)
	// Output:
	// GlorotNormal: sd 0.05, max 0.21
}

func ExampleGlorotUniform() {
	rng := rand.New(rand.NewPCG(1, 1))
	w := aniso.New(64, 32, 3, 3)
	fanIn, fanOut := nn.Fans(w.Shape)
	nn.GlorotUniform(rng, w, fanIn, fanOut) // uniform on ±√(6/864) = ±0.083
	spread("GlorotUniform", w)
	// Output:
	// GlorotUniform: sd 0.05, max 0.08
}

func ExampleFans() {
	for _, shape := range [][]int{
		{64, 32, 3, 3}, // Conv 32 → 64
		{32, 64, 3, 3}, // Deconv 32 → 64: in×out×k×k
		{10, 20},       // a matrix out×in
	} {
		in, out := nn.Fans(shape)
		fmt.Println(shape, in, out)
	}
	// Output:
	// [64 32 3 3] 288 576
	// [32 64 3 3] 576 288
	// [10 20] 20 10
}

func ExampleSave() {
	rng := rand.New(rand.NewPCG(1, 1))
	newNet := func() *nn.Sequential {
		c, err := nn.NewConv(rng, 1, 2, []int{3}, aniso.ConvOptions{}, nn.WeightOptions{})
		if err != nil {
			panic(err)
		}
		return nn.NewSequential(c, nn.NewReLU())
	}
	a, b := newNet(), newNet()
	var file bytes.Buffer
	if err := nn.Save(&file, a.Params()); err != nil {
		fmt.Println(err)
		return
	}
	// 16 bytes of header; "0.weight" 2×1×3: 4 + 8 + 4 + 3·8 + 6·4 = 64;
	// "0.bias" 2: 4 + 6 + 4 + 8 + 2·4 = 30.
	fmt.Println(file.Len(), "bytes")
	if err := nn.Load(&file, b.Params()); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Params()[0].Value.Data[0] == b.Params()[0].Value.Data[0])
	// Output:
	// 110 bytes
	// true
}

func ExampleLoad() {
	rng := rand.New(rand.NewPCG(1, 1))
	small, err := nn.NewConv(rng, 1, 2, []int{3}, aniso.ConvOptions{}, nn.WeightOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	large, err := nn.NewConv(rng, 1, 4, []int{3}, aniso.ConvOptions{}, nn.WeightOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	var file bytes.Buffer
	if err := nn.Save(&file, small.Params()); err != nil {
		fmt.Println(err)
		return
	}
	err = nn.Load(&file, large.Params())
	fmt.Println(errors.Is(err, nn.ErrFormat))
	fmt.Println(err)
	// Output:
	// true
	// nn: load: param "weight": dimension 0 has size 2 in the file, want 4 (shape [4 1 3])
}

// Scale is a layer of one's own: y = a·x with a learned scalar a.
type Scale struct {
	A *nn.Param
	x *aniso.Tensor
	y *aniso.Tensor
}

func (s *Scale) Forward(x *aniso.Tensor) (*aniso.Tensor, error) {
	s.x, s.y = x, aniso.New(x.Shape...)
	for i, v := range x.Data {
		s.y.Data[i] = s.A.Value.Data[0] * v
	}
	return s.y, nil
}

func (s *Scale) Backward(gy *aniso.Tensor) (*aniso.Tensor, error) {
	if s.x == nil {
		return nil, nn.ErrNoForward
	}
	gx := aniso.New(gy.Shape...)
	for i, g := range gy.Data {
		s.A.Grad.Data[0] += g * s.x.Data[i] // parameter gradients add up
		gx.Data[i] = g * s.A.Value.Data[0]
	}
	return gx, nil
}

func (s *Scale) Params() []*nn.Param { return []*nn.Param{s.A} }

func ExampleLayer() {
	s := &Scale{A: &nn.Param{Name: "a", Value: aniso.New(1), Grad: aniso.New(1)}}
	s.A.Value.Data[0] = 3
	var l nn.Layer = s
	x := aniso.New(2)
	copy(x.Data, []float32{1, 2})
	y, _ := l.Forward(x)
	gx, _ := l.Backward(y)
	fmt.Println(y.Data, gx.Data, s.A.Grad.Data)
	// Output:
	// [3 6] [9 18] [15]
}

func ExampleParam() {
	// A Param pairs a value with the gradient accumulated for it; the
	// optimisers update any such pair.
	p := &nn.Param{Name: "bias", Value: aniso.New(3), Grad: aniso.New(3)}
	copy(p.Grad.Data, []float32{1, -1, 0.5})
	if err := nn.NewSGD([]*nn.Param{p}, 0.5).Step(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Name, p.Value.Data)
	// Output:
	// bias [-0.5 0.5 -0.25]
}

func ExampleNewSequential() {
	rng := rand.New(rand.NewPCG(1, 1))
	conv, err := nn.NewConv(rng, 1, 1, []int{3}, aniso.ConvOptions{}, nn.WeightOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Backward before Forward is an error, not a panic.
	net := nn.NewSequential(conv, nn.NewReLU())
	_, err = net.Backward(aniso.New(1, 1, 3))
	fmt.Println(errors.Is(err, nn.ErrNoForward))
	fmt.Println(err)
	// Output:
	// true
	// nn: sequential: Backward called without a successful Forward
}
