package nn_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/anisoconv/aniso"
	"github.com/anisoconv/aniso/nn"
)

// TestICNRIsConvThenRepeat checks what ICNR promises: with biases equal
// across each block, Conv → PixelShuffle equals the convolution by the
// shared kernel W₀ followed by a nearest stretch of its output (UnpoolND
// with ksize = stride = the factors), in 1-D to 3-D, with factors of 1 and
// a stride. A He-initialised weight does not.
func TestICNRIsConvThenRepeat(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 31))
	for _, c := range []struct {
		x, k, r []int
		o       aniso.ConvOptions
	}{
		{[]int{2, 3, 7}, []int{3}, []int{3}, aniso.ConvOptions{PadLo: []int{1}}},
		{[]int{2, 3, 10, 8}, []int{4, 3}, []int{1, 2}, aniso.ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}}},
		{[]int{1, 2, 4, 5, 3}, []int{3, 3, 1}, []int{2, 1, 2}, aniso.ConvOptions{PadLo: []int{1, 1, 0}}},
	} {
		R := 1
		for _, v := range c.r {
			R *= v
		}
		cin, cout := c.x[1], 2
		for _, icnr := range []bool{true, false} {
			conv, err := nn.NewConv(rng, cin, cout*R, c.k, c.o, nn.WeightOptions{})
			if err != nil {
				t.Fatal(err)
			}
			fanIn, _ := nn.Fans(conv.W.Value.Shape)
			if icnr {
				if err := nn.ICNR(rng, conv.W.Value, c.r, fanIn); err != nil {
					t.Fatal(err)
				}
			}
			w0 := aniso.New(append([]int{cout}, conv.W.Value.Shape[1:]...)...)
			row := len(w0.Data) / cout
			b0 := randn(rng, cout)
			for o := range cout {
				copy(w0.Data[o*row:(o+1)*row], conv.W.Value.Data[o*R*row:])
				for q := range R {
					conv.B.Value.Data[o*R+q] = b0.Data[o]
				}
			}
			x := randn(rng, c.x...)
			y, err := nn.NewSequential(conv, nn.NewPixelShuffle(c.r)).Forward(x)
			if err != nil {
				t.Fatal(err)
			}
			y0, err := aniso.Conv(x, w0, b0, c.o)
			if err != nil {
				t.Fatal(err)
			}
			want, err := aniso.UnpoolND(y0, aniso.UnpoolOptions{Ksize: c.r})
			if err != nil {
				t.Fatal(err)
			}
			if icnr {
				near(t, fmt.Sprintf("ICNR %v by %v", c.x, c.r), y, want, 1e-6)
				continue
			}
			var d, s float64
			for i, v := range want.Data {
				d = math.Max(d, math.Abs(float64(v-y.Data[i])))
				s = math.Max(s, math.Abs(float64(v)))
			}
			if d < 0.1*s {
				t.Errorf("He %v by %v: conv → shuffle is conv then repeat (difference %.3g of %.3g)", c.x, c.r, d, s)
			}
		}
	}
}

// TestICNRWeights checks the layout and the scale of the weights, that a
// strided weight gets the same values with its gaps untouched, and that
// the draws are those of HeNormal on W₀.
func TestICNRWeights(t *testing.T) {
	r := []int{2, 3}
	w := aniso.New(24, 16, 3, 3)
	fanIn, _ := nn.Fans(w.Shape)
	if err := nn.ICNR(rand.New(rand.NewPCG(32, 1)), w, r, fanIn); err != nil {
		t.Fatal(err)
	}
	row := 16 * 9
	for o := range 24 {
		if !slices.Equal(w.Data[o*row:(o+1)*row], w.Data[o/6*6*row:(o/6*6+1)*row]) {
			t.Fatalf("output channel %d differs from the first of its block", o)
		}
	}
	w0 := aniso.New(4, 16, 3, 3)
	nn.HeNormal(rand.New(rand.NewPCG(32, 1)), w0, fanIn)
	for c := range 4 {
		if !slices.Equal(w.Data[c*6*row:(c*6+1)*row], w0.Data[c*row:(c+1)*row]) {
			t.Fatalf("block %d is not W₀[%d] as HeNormal draws it", c, c)
		}
	}
	var ss float64
	for _, v := range w0.Data {
		ss += float64(v) * float64(v)
	}
	if sd, want := math.Sqrt(ss/float64(len(w0.Data))), math.Sqrt(2/float64(fanIn)); math.Abs(sd/want-1) > 0.05 {
		t.Errorf("W₀ has sd %.4f, want %.4f", sd, want)
	}

	g := gappy(aniso.New(w.Shape...))
	if err := nn.ICNR(rand.New(rand.NewPCG(32, 1)), g, r, fanIn); err != nil {
		t.Fatal(err)
	}
	nan := 0
	for _, v := range g.Data {
		if math.IsNaN(float64(v)) {
			nan++
		}
	}
	if nan != len(g.Data)-len(w.Data) {
		t.Errorf("strided weight: %d NaN gaps left of %d", nan, len(g.Data)-len(w.Data))
	}
	got, err := aniso.PixelShuffle(g, []int{1, 1}) // a contiguous copy
	if err != nil {
		t.Fatal(err)
	}
	near(t, "strided ICNR", got, w, 0)
}

func TestICNRErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 1))
	w := aniso.New(8, 2, 3, 3)
	for _, c := range []struct {
		name    string
		rng     *rand.Rand
		w       *aniso.Tensor
		factors []int
		fanIn   int
		kind    error
	}{
		{"nil rng", nil, w, []int{2, 2}, 18, aniso.ErrOption},
		{"nil w", rng, nil, []int{2, 2}, 18, aniso.ErrNilTensor},
		{"short w", rng, &aniso.Tensor{Data: make([]float32, 5), Shape: w.Shape}, []int{2, 2}, 18, aniso.ErrData},
		{"rank", rng, aniso.New(8, 2), nil, 18, aniso.ErrShape},
		{"factors length", rng, w, []int{2}, 18, aniso.ErrOption},
		{"zero factor", rng, w, []int{2, 0}, 18, aniso.ErrOption},
		{"channels", rng, w, []int{3, 1}, 18, aniso.ErrShape},
		{"huge factors", rng, w, []int{1 << 40, 1 << 40}, 18, aniso.ErrShape},
		{"fanIn", rng, w, []int{2, 2}, 0, aniso.ErrOption},
	} {
		if err := nn.ICNR(c.rng, c.w, c.factors, c.fanIn); !errors.Is(err, c.kind) {
			t.Errorf("%s: %v, want %v", c.name, err, c.kind)
		}
	}
	for _, v := range w.Data {
		if v != 0 {
			t.Fatal("a failed ICNR wrote to w")
		}
	}
}

func ExampleICNR() {
	// A sub-pixel convolution that doubles both axes: 4 → 4·2·2 channels,
	// then PixelShuffle (2, 2). ICNR gives the four phases of every output
	// channel the same kernel, so a constant input gives a flat output: no
	// checkerboard at initialisation.
	rng := rand.New(rand.NewPCG(1, 2))
	conv, err := nn.NewConv(rng, 4, 16, []int{3, 3}, aniso.ConvOptions{PadLo: []int{1, 1}}, nn.WeightOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fanIn, _ := nn.Fans(conv.W.Value.Shape)
	if err := nn.ICNR(rng, conv.W.Value, []int{2, 2}, fanIn); err != nil {
		fmt.Println(err)
		return
	}
	x := aniso.New(1, 4, 6, 6)
	for i := range x.Data {
		x.Data[i] = 1
	}
	y, err := nn.NewSequential(conv, nn.NewPixelShuffle([]int{2, 2})).Forward(x)
	if err != nil {
		fmt.Println(err)
		return
	}
	// A 2×2 block of channel 0 away from the padded border, the four
	// phases of one input position: they agree.
	fmt.Println(y.Shape)
	fmt.Printf("%.4f %.4f\n%.4f %.4f\n", y.Data[4*12+4], y.Data[4*12+5], y.Data[5*12+4], y.Data[5*12+5])
	// Output:
	// [1 4 12 12]
	// -1.3384 -1.3384
	// -1.3384 -1.3384
}
