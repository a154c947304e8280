package nn_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/anisoconv/aniso"
	"github.com/anisoconv/aniso/nn"
)

// seedProblem returns the network and data of the package example: a
// StretchConv → ReLU → Conv network and a batch of 16×16 images whose
// targets are 8×32, the mean of each pair of rows with every column
// repeated.
func seedProblem(t testing.TB, wo nn.WeightOptions) (*nn.Sequential, *aniso.Tensor, *aniso.Tensor) {
	rng := rand.New(rand.NewPCG(1, 2))
	stretch := aniso.StretchOptions{
		ConvOptions: aniso.ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 2}},
		Stretch:     []int{1, 2},
	}
	first, err := nn.NewStretchConv(rng, 1, 8, []int{4, 4}, stretch, wo)
	if err != nil {
		t.Fatal(err)
	}
	last, err := nn.NewConv(rng, 8, 1, []int{3, 3}, aniso.ConvOptions{PadLo: []int{1, 1}}, nn.WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	x := randn(rng, 16, 1, 16, 16)
	target := aniso.New(16, 1, 8, 32)
	for n := 0; n < 16; n++ {
		for r := 0; r < 8; r++ {
			for c := 0; c < 32; c++ {
				a, b := x.Data[n*256+2*r*16+c/2], x.Data[n*256+(2*r+1)*16+c/2]
				target.Data[n*256+r*32+c] = (a + b) / 2
			}
		}
	}
	return nn.NewSequential(first, nn.NewReLU(), last), x, target
}

// TestTrainingLossFalls trains the example's network with Adam and
// requires the loss to fall 100× within 200 steps.
func TestTrainingLossFalls(t *testing.T) {
	net, x, target := seedProblem(t, nn.WeightOptions{NoInputGrad: true})
	opt := nn.NewAdam(net.Params(), 0.01)
	var initial, loss float64
	step := 0
	for ; step < 200; step++ {
		y, err := net.Forward(x)
		if err != nil {
			t.Fatal(err)
		}
		var gy *aniso.Tensor
		if loss, gy, err = nn.MSE(y, target); err != nil {
			t.Fatal(err)
		}
		if step == 0 {
			initial = loss
		}
		if loss < initial/100 {
			break
		}
		nn.ZeroGrad(net.Params())
		if _, err := net.Backward(gy); err != nil {
			t.Fatal(err)
		}
		if err := opt.Step(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("loss %.4g → %.4g (%.0f×) in %d steps", initial, loss, initial/loss, step)
	if !(initial/loss >= 100) {
		t.Fatalf("loss fell from %g to %g in %d steps, less than 100×", initial, loss, step)
	}
}

// TestStepAllocs checks that a training step, Forward and Backward of a
// small network, ZeroGrad and an optimiser step, allocates nothing once
// every input shape has been seen, also when batch sizes alternate.
func TestStepAllocs(t *testing.T) {
	net, x, _ := seedProblem(t, nn.WeightOptions{})
	net.Layers = append(net.Layers, nn.NewSigmoid())
	x3 := randn(rand.New(rand.NewPCG(3, 3)), 3, 1, 16, 16)
	params := net.Params()
	adam, sgd := nn.NewAdam(params, 1e-3), nn.NewSGD(params, 1e-3)
	sgd.Momentum = 0.9
	gys := map[*aniso.Tensor]*aniso.Tensor{}
	step := func() {
		for _, in := range []*aniso.Tensor{x, x3} {
			y, err := net.Forward(in)
			if err != nil {
				t.Fatal(err)
			}
			gy := gys[in]
			if gy == nil {
				gy = aniso.New(y.Shape...)
				for i := range gy.Data {
					gy.Data[i] = float32(i%7) - 3
				}
				gys[in] = gy
			}
			nn.ZeroGrad(params)
			if _, err := net.Backward(gy); err != nil {
				t.Fatal(err)
			}
			nn.ClipGradNorm(params, 1)
			if err := adam.Step(); err != nil {
				t.Fatal(err)
			}
			if err := sgd.Step(); err != nil {
				t.Fatal(err)
			}
		}
	}
	step()
	if a := testing.AllocsPerRun(5, step); a != 0 {
		t.Fatalf("%v allocations per step, want 0", a)
	}
}

// TestSGD checks steps of SGD against values computed by hand, for
// θ = (1, −2) and the gradient g = (0.5, 1) at every step.
func TestSGD(t *testing.T) {
	cases := []struct {
		name         string
		mu, wd       float64
		nesterov     bool
		step1, step2 [2]float64
	}{
		// θ₁ = θ − 0.1g = (0.95, −2.1); θ₂ = θ₁ − 0.1g = (0.9, −2.2).
		{"plain", 0, 0, false, [2]float64{0.95, -2.1}, [2]float64{0.9, -2.2}},
		// Step 1: d = g + 0.01θ = (0.51, 0.98), b = d, θ₁ = θ − 0.1b
		// = (0.949, −2.098).
		// Step 2: d = g + 0.01θ₁ = (0.50949, 0.97902),
		// b = 0.9·(0.51, 0.98) + d = (0.96849, 1.86102),
		// θ₂ = θ₁ − 0.1b = (0.852151, −2.284102).
		{"momentum", 0.9, 0.01, false, [2]float64{0.949, -2.098}, [2]float64{0.852151, -2.284102}},
		// Step 1: d = (0.51, 0.98), b = d, d + 0.9b = (0.969, 1.862),
		// θ₁ = (0.9031, −2.1862).
		// Step 2: d = g + 0.01θ₁ = (0.509031, 0.978138),
		// b = 0.9·(0.51, 0.98) + d = (0.968031, 1.860138),
		// d + 0.9b = (1.3802589, 2.6522622), θ₂ = (0.76507411, −2.45142622).
		{"nesterov", 0.9, 0.01, true, [2]float64{0.9031, -2.1862}, [2]float64{0.76507411, -2.45142622}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &nn.Param{Name: "p", Value: aniso.New(2), Grad: aniso.New(2)}
			copy(p.Value.Data, []float32{1, -2})
			o := nn.NewSGD([]*nn.Param{p}, 0.1)
			o.Momentum, o.WeightDecay, o.Nesterov = c.mu, c.wd, c.nesterov
			for i, want := range [][2]float64{c.step1, c.step2} {
				copy(p.Grad.Data, []float32{0.5, 1})
				if err := o.Step(); err != nil {
					t.Fatal(err)
				}
				for j := range want {
					if d := math.Abs(float64(p.Value.Data[j]) - want[j]); d > 1e-6 {
						t.Fatalf("step %d: θ[%d] = %.8f, want %.8f", i+1, j, p.Value.Data[j], want[j])
					}
				}
			}
		})
	}
}

// TestAdam checks two steps of Adam, Adam with L2 weight decay and AdamW
// against values computed by hand, for θ = (1, −2) and the gradients
// g₁ = (0.5, 1), g₂ = (−0.25, 2), LR 0.1 and the default betas and ε.
func TestAdam(t *testing.T) {
	cases := []struct {
		name         string
		wd           float64
		decoupled    bool
		step1, step2 [2]float64
	}{
		// Step 1 of Adam moves every element by LR against the sign of
		// its gradient: m̂ = g, v̂ = g². θ₁ = (0.9, −2.1).
		// Step 2, element 0: m = 0.9·0.05 + 0.1·(−0.25) = 0.02,
		// v = 0.999·0.00025 + 0.001·0.0625 = 0.00031225,
		// m̂ = 0.02/0.19 = 0.1052632, v̂ = 0.00031225/0.001999 = 0.1562031,
		// θ₂ = 0.9 − 0.1·0.1052632/√0.1562031 = 0.8733663.
		// Element 1: m = 0.09 + 0.2 = 0.29, v = 0.000999 + 0.004 = 0.004999,
		// m̂ = 1.5263158, v̂ = 2.5007504, θ₂ = −2.1 − 0.1·1.5263158/1.5813761
		// = −2.1965182.
		{"adam", 0, false, [2]float64{0.9, -2.1}, [2]float64{0.8733663, -2.1965182}},
		// L2: d = g + 0.1θ. Step 1: d = (0.6, 0.8), θ₁ = (0.9, −2.1).
		// Step 2, element 0: d = −0.25 + 0.09 = −0.16,
		// m = 0.9·0.06 − 0.016 = 0.038, v = 0.999·0.00036 + 0.001·0.0256
		// = 0.00038524, m̂ = 0.2, v̂ = 0.1927164, θ₂ = 0.9 − 0.02/0.4389948
		// = 0.8544414.
		// Element 1: d = 2 − 0.21 = 1.79, m = 0.072 + 0.179 = 0.251,
		// v = 0.00063936 + 0.0032041 = 0.00384346, m̂ = 1.3210526,
		// v̂ = 1.9226914, θ₂ = −2.1 − 0.13210526/1.3866115 = −2.1952720.
		{"adam-l2", 0.1, false, [2]float64{0.9, -2.1}, [2]float64{0.8544414, -2.1952720}},
		// AdamW: θ ← θ(1 − 0.1·0.1) first, then Adam's step.
		// θ₁ = (0.99 − 0.1, −1.98 − 0.1) = (0.89, −2.08);
		// θ₂ = (0.8811 − 0.0266337, −2.0592 − 0.0965182) = (0.8544663, −2.1557182).
		{"adamw", 0.1, true, [2]float64{0.89, -2.08}, [2]float64{0.8544663, -2.1557182}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &nn.Param{Name: "p", Value: aniso.New(2), Grad: aniso.New(2)}
			copy(p.Value.Data, []float32{1, -2})
			o := nn.NewAdam([]*nn.Param{p}, 0.1)
			o.WeightDecay, o.Decoupled = c.wd, c.decoupled
			for i, g := range [][]float32{{0.5, 1}, {-0.25, 2}} {
				copy(p.Grad.Data, g)
				if err := o.Step(); err != nil {
					t.Fatal(err)
				}
				want := c.step1
				if i == 1 {
					want = c.step2
				}
				for j := range want {
					if d := math.Abs(float64(p.Value.Data[j]) - want[j]); d > 1e-6 {
						t.Fatalf("step %d: θ[%d] = %.8f, want %.8f", i+1, j, p.Value.Data[j], want[j])
					}
				}
			}
		})
	}
}

// TestOptimiserErrors checks that bad options and parameters are errors
// and leave the parameters alone.
func TestOptimiserErrors(t *testing.T) {
	mk := func() *nn.Param {
		p := &nn.Param{Name: "p", Value: aniso.New(2), Grad: aniso.New(2)}
		copy(p.Value.Data, []float32{1, 2})
		copy(p.Grad.Data, []float32{1, 1})
		return p
	}
	good := mk()
	for _, c := range []struct {
		name string
		err  error
		step func() error
	}{
		{"negative lr", aniso.ErrOption, func() error { return nn.NewSGD([]*nn.Param{good}, -1).Step() }},
		{"nan lr", aniso.ErrOption, func() error { return nn.NewAdam([]*nn.Param{good}, math.NaN()).Step() }},
		{"nesterov without momentum", aniso.ErrOption, func() error {
			o := nn.NewSGD([]*nn.Param{good}, 0.1)
			o.Nesterov = true
			return o.Step()
		}},
		{"beta 1", aniso.ErrOption, func() error {
			o := nn.NewAdam([]*nn.Param{good}, 0.1)
			o.Beta2 = 1
			return o.Step()
		}},
		{"nil param", aniso.ErrNilTensor, func() error { return nn.NewAdam([]*nn.Param{good, nil}, 0.1).Step() }},
		{"nil grad", aniso.ErrNilTensor, func() error {
			return nn.NewSGD([]*nn.Param{good, {Name: "q", Value: aniso.New(2)}}, 0.1).Step()
		}},
		{"grad shape", aniso.ErrShape, func() error {
			return nn.NewSGD([]*nn.Param{good, {Name: "q", Value: aniso.New(2), Grad: aniso.New(3)}}, 0.1).Step()
		}},
		{"strided value", aniso.ErrData, func() error {
			v := &aniso.Tensor{Data: make([]float32, 4), Shape: []int{2}, Strides: []int{2}}
			return nn.NewAdam([]*nn.Param{good, {Name: "q", Value: v, Grad: aniso.New(2)}}, 0.1).Step()
		}},
	} {
		if err := c.step(); !errors.Is(err, c.err) {
			t.Errorf("%s: %v, want %v", c.name, err, c.err)
		}
		if good.Value.Data[0] != 1 || good.Value.Data[1] != 2 {
			t.Fatalf("%s: a failed step changed the parameters", c.name)
		}
	}
	// A parameter whose size changes after the first step.
	p := mk()
	o := nn.NewAdam([]*nn.Param{p}, 0.1)
	if err := o.Step(); err != nil {
		t.Fatal(err)
	}
	p.Value, p.Grad = aniso.New(3), aniso.New(3)
	if err := o.Step(); !errors.Is(err, aniso.ErrShape) {
		t.Errorf("resized parameter: %v", err)
	}
}

// TestZeroGradClip checks ZeroGrad and ClipGradNorm by hand: gradients
// (3, 4) and (12) have the global norm 13.
func TestZeroGradClip(t *testing.T) {
	a := &nn.Param{Value: aniso.New(2), Grad: aniso.New(2)}
	b := &nn.Param{Value: aniso.New(1), Grad: aniso.New(1)}
	set := func() {
		copy(a.Grad.Data, []float32{3, 4})
		b.Grad.Data[0] = 12
	}
	ps := []*nn.Param{a, nil, {Name: "no grad"}, b}
	set()
	if n := nn.ClipGradNorm(ps, 20); n != 13 || a.Grad.Data[1] != 4 {
		t.Fatalf("norm %v, grad %v: want 13 and no change", n, a.Grad.Data)
	}
	// factor 6.5/(13 + 10⁻⁶) ≈ 0.5
	if n := nn.ClipGradNorm(ps, 6.5); n != 13 {
		t.Fatalf("norm %v, want 13", n)
	}
	for i, w := range []float64{1.5, 2, 6} {
		g := append(append([]float32(nil), a.Grad.Data...), b.Grad.Data...)[i]
		if math.Abs(float64(g)-w) > 1e-6 {
			t.Fatalf("clipped gradient %d is %v, want %v", i, g, w)
		}
	}
	set()
	for _, m := range []float64{0, -1, math.NaN()} {
		if n := nn.ClipGradNorm(ps, m); n != 13 || a.Grad.Data[0] != 3 {
			t.Fatalf("maxNorm %v: norm %v, grad %v; want 13 and no change", m, n, a.Grad.Data)
		}
	}
	nn.ZeroGrad(ps)
	if a.Grad.Data[0] != 0 || a.Grad.Data[1] != 0 || b.Grad.Data[0] != 0 {
		t.Fatal("ZeroGrad left a gradient")
	}
}

// TestLosses checks MSE and L1 by hand on y = (1, 2, 3, 4) and
// target = (0, 2, 5, 4): differences (1, 0, −2, 0).
func TestLosses(t *testing.T) {
	y := aniso.New(2, 2)
	copy(y.Data, []float32{1, 2, 3, 4})
	target := aniso.New(2, 2)
	copy(target.Data, []float32{0, 2, 5, 4})
	for _, c := range []struct {
		name string
		f    func(y, t *aniso.Tensor) (float64, *aniso.Tensor, error)
		loss float64
		grad []float32
	}{
		{"mse", nn.MSE, 1.25, []float32{0.5, 0, -1, 0}},   // (1 + 4)/4; 2d/4
		{"l1", nn.L1, 0.75, []float32{0.25, 0, -0.25, 0}}, // 3/4; sign(d)/4
	} {
		for _, in := range [][2]*aniso.Tensor{{y, target}, {gappy(y), gappy(target)}} {
			loss, g, err := c.f(in[0], in[1])
			if err != nil {
				t.Fatal(err)
			}
			if loss != c.loss {
				t.Errorf("%s: loss %v, want %v", c.name, loss, c.loss)
			}
			for i, w := range c.grad {
				if g.Data[i] != w {
					t.Errorf("%s: grad %v, want %v", c.name, g.Data, c.grad)
					break
				}
			}
		}
		if _, _, err := c.f(y, aniso.New(4)); !errors.Is(err, aniso.ErrShape) {
			t.Errorf("%s: shapes differ: %v", c.name, err)
		}
		if _, _, err := c.f(aniso.New(0, 2), aniso.New(0, 2)); !errors.Is(err, aniso.ErrShape) {
			t.Errorf("%s: empty: %v", c.name, err)
		}
		if _, _, err := c.f(nil, y); !errors.Is(err, aniso.ErrNilTensor) {
			t.Errorf("%s: nil: %v", c.name, err)
		}
	}
}

// TestInitialisers checks the spread of the initialisers, that they write
// only inside a strided tensor's shape, and Fans.
func TestInitialisers(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 14))
	moments := func(t *aniso.Tensor) (mean, sd, absMax float64) {
		for _, v := range t.Data {
			mean += float64(v)
			absMax = math.Max(absMax, math.Abs(float64(v)))
		}
		mean /= float64(len(t.Data))
		for _, v := range t.Data {
			sd += (float64(v) - mean) * (float64(v) - mean)
		}
		return mean, math.Sqrt(sd / float64(len(t.Data))), absMax
	}
	const fanIn, fanOut = 50, 150
	he, glorot := math.Sqrt(2.0/fanIn), math.Sqrt(2.0/(fanIn+fanOut))
	for _, c := range []struct {
		name  string
		fill  func(t *aniso.Tensor)
		sd    float64
		bound float64 // 0 for the normal distributions
	}{
		{"HeNormal", func(t *aniso.Tensor) { nn.HeNormal(rng, t, fanIn) }, he, 0},
		{"HeUniform", func(t *aniso.Tensor) { nn.HeUniform(rng, t, fanIn) }, he, math.Sqrt(6.0 / fanIn)},
		{"GlorotNormal", func(t *aniso.Tensor) { nn.GlorotNormal(rng, t, fanIn, fanOut) }, glorot, 0},
		{"GlorotUniform", func(t *aniso.Tensor) { nn.GlorotUniform(rng, t, fanIn, fanOut) }, glorot, math.Sqrt(6.0 / (fanIn + fanOut))},
	} {
		w := aniso.New(100, 200)
		c.fill(w)
		mean, sd, absMax := moments(w)
		if math.Abs(mean) > 0.05*c.sd || math.Abs(sd/c.sd-1) > 0.02 {
			t.Errorf("%s: mean %.4f, sd %.4f, want 0 and %.4f", c.name, mean, sd, c.sd)
		}
		if c.bound > 0 && absMax > c.bound {
			t.Errorf("%s: |value| %.4f beyond the bound %.4f", c.name, absMax, c.bound)
		}
		g := gappy(aniso.New(3, 4))
		c.fill(g)
		for i, v := range g.Data {
			if isGap := i%2 == 1 || i/8%2 == 1; isGap != math.IsNaN(float64(v)) {
				t.Fatalf("%s: element %d of a strided tensor is %v", c.name, i, v)
			}
		}
	}
	// Invalid arguments write nothing and do not panic.
	w := aniso.New(4)
	nn.HeNormal(rng, w, 0)
	nn.HeUniform(nil, w, 3)
	nn.GlorotNormal(rng, w, -1, 3)
	nn.GlorotUniform(rng, &aniso.Tensor{Shape: []int{4}}, 3, 3)
	nn.HeNormal(rng, nil, 3)
	for _, v := range w.Data {
		if v != 0 {
			t.Fatal("an initialiser with invalid arguments wrote")
		}
	}
	for _, c := range []struct {
		shape   []int
		in, out int
	}{{[]int{8, 3, 3, 5}, 45, 120}, {[]int{6}, 6, 6}, {nil, 1, 1}, {[]int{4, 2}, 2, 4}} {
		if in, out := nn.Fans(c.shape); in != c.in || out != c.out {
			t.Errorf("Fans(%v) = %d, %d; want %d, %d", c.shape, in, out, c.in, c.out)
		}
	}
}

// TestREADMETraining checks that the README's training program is the
// package example, so that the code and output it shows are tested.
func TestREADMETraining(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Skip(err)
	}
	example, err := os.ReadFile("example_train_test.go")
	if err != nil {
		t.Fatal(err)
	}
	body := func(src, start, end string) string {
		i := strings.Index(src, start)
		if i < 0 {
			t.Fatalf("%q not found", start)
		}
		src = src[i+len(start):]
		j := strings.Index(src, end)
		if j < 0 {
			t.Fatalf("%q not found after %q", end, start)
		}
		return src[:j]
	}
	r := body(string(readme), "## Training a model", "\n```\n")
	r = body(r, "func main() {\n", "\n}")
	e := body(string(example), "func Example() {\n", "\t// Output:")
	if strings.TrimSpace(r) != strings.TrimSpace(e) {
		t.Fatalf("the README's program differs from Example:\n%s\n---\n%s", r, e)
	}
	out := body(string(readme), "## Training a model", "\nin well under")
	out = out[strings.LastIndex(out, "prints\n\n")+len("prints\n\n"):]
	want := body(string(example), "\t// Output:\n", "}")
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if w := strings.Split(strings.TrimSpace(want), "\n"); i >= len(w) || strings.TrimSpace(line) != strings.TrimPrefix(strings.TrimSpace(w[i]), "// ") {
			t.Fatalf("README output line %d %q differs from the example's output", i, line)
		}
	}
}
