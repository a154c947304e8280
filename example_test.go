package aniso_test

import (
	"fmt"
	"slices"

	"github.com/anisoconv/aniso"
)

func ExampleConv() {
	// A 1×1×4×4 input and a 2×2 kernel that adds each sample to its right
	// neighbour, at stride 2 along the first spatial axis.
	x := aniso.New(1, 1, 4, 4)
	for i := range x.Data {
		x.Data[i] = float32(i)
	}
	w := aniso.New(1, 1, 2, 2)
	copy(w.Data, []float32{1, 1, 0, 0})
	b := aniso.New(1)
	b.Data[0] = 100
	y, err := aniso.Conv(x, w, b, aniso.ConvOptions{Stride: []int{2, 1}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y.Shape, y.Data)
	// Output:
	// [1 1 2 3] [101 103 105 117 119 121]
}

func ExampleDeconv() {
	// Each input sample lands at stride 2 and spreads over a 3-tap
	// kernel; PadLo 1 crops one output from each end.
	x := aniso.New(1, 1, 3)
	copy(x.Data, []float32{1, 2, 3})
	w := aniso.New(1, 1, 3)
	copy(w.Data, []float32{1, 10, 100})
	y, err := aniso.Deconv(x, w, nil, aniso.DeconvOptions{
		ConvOptions: aniso.ConvOptions{Stride: []int{2}, PadLo: []int{1}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y.Shape, y.Data)
	// Output:
	// [1 1 5] [10 102 20 203 30]
}

func ExampleStretchConv() {
	// The seed problem: (100,100) → (50,200) in one operator. The first
	// axis is shrunk by stride 2, the second grown by a nearest stretch of
	// 2, both under one 4×4 kernel.
	x := aniso.New(1, 1, 100, 100)
	for i := range x.Data {
		x.Data[i] = 1
	}
	w := aniso.New(1, 1, 4, 4)
	for i := range w.Data {
		w.Data[i] = 1.0 / 16
	}
	y, err := aniso.StretchConv(x, w, nil, aniso.StretchOptions{
		ConvOptions: aniso.ConvOptions{
			Stride: []int{2, 1},
			PadLo:  []int{1, 1},
			PadHi:  []int{1, 2},
		},
		Stretch: []int{1, 2},
		Mode:    aniso.Nearest,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y.Shape)
	// Away from the borders a constant input stays constant; the first row
	// and column see the zero padding.
	fmt.Println(y.Data[0], y.Data[1], y.Data[2*200+5])
	// Output:
	// [1 1 50 200]
	// 0.5625 0.75 1
}

func ExampleUnpoolND() {
	x := aniso.New(1, 1, 3)
	copy(x.Data, []float32{1, 2, 3})
	for _, cover := range []bool{false, true} {
		// Chainer's unpooling_nd(ksize=2): with cover_all the last copy
		// is dropped.
		y, err := aniso.UnpoolND(x, aniso.UnpoolOptions{Ksize: []int{2}, CoverAll: cover})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("cover_all=%t: %v\n", cover, y.Data)
	}
	// Overlapping windows (k > s) add up.
	y, err := aniso.UnpoolND(x, aniso.UnpoolOptions{Ksize: []int{3}, Stride: []int{2}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("k=3, s=2: %v\n", y.Data)
	// Output:
	// cover_all=false: [1 1 2 2 3 3]
	// cover_all=true: [1 1 2 2 3]
	// k=3, s=2: [1 1 3 2 5 3 3]
}

func ExampleSolveStretch() {
	for _, c := range []struct{ in, out, kernel []int }{
		{[]int{100, 100}, []int{50, 200}, []int{4, 4}},
		{[]int{16, 16, 16}, []int{8, 32, 16}, []int{3, 3, 3}},
	} {
		o, err := aniso.SolveStretch(c.in, c.out, c.kernel, aniso.Nearest)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%v → %v, kernel %v:\n", c.in, c.out, c.kernel)
		for i := range c.in {
			fmt.Printf("  axis %d: stretch %d, stride %d, pad %d/%d\n",
				i, o.Stretch[i], o.Stride[i], o.PadLo[i], o.PadHi[i])
		}
	}
	// Output:
	// [100 100] → [50 200], kernel [4 4]:
	//   axis 0: stretch 1, stride 2, pad 1/1
	//   axis 1: stretch 2, stride 1, pad 1/2
	// [16 16 16] → [8 32 16], kernel [3 3 3]:
	//   axis 0: stretch 1, stride 2, pad 0/1
	//   axis 1: stretch 2, stride 1, pad 1/1
	//   axis 2: stretch 1, stride 1, pad 1/1
}

func ExampleStretchOptions_outSize() {
	// Options solved for a 4×4 kernel carry the output size they were
	// solved for, so a 3×3 kernel is an error rather than a 50×201 output.
	o, err := aniso.SolveStretch([]int{100, 100}, []int{50, 200}, []int{4, 4}, aniso.Nearest)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("OutSize", o.OutSize)
	_, err = aniso.NewStretchConvPlan([]int{8, 1, 100, 100}, []int{1, 1, 3, 3}, o)
	fmt.Println(err)
	// Output:
	// OutSize [50 200]
	// aniso: stretchconv: axis 1: input 100, stretch 2, kernel 3, stride 1 and pad 1+2 give output size 201, but OutSize is 200
}

func ExampleCheckGradient() {
	x := aniso.New(1, 2, 5, 5)
	w := aniso.New(3, 2, 3, 3)
	for i := range x.Data {
		x.Data[i] = float32(i%7) - 3
	}
	for i := range w.Data {
		w.Data[i] = float32(i%5) - 2
	}
	o := aniso.ConvOptions{PadLo: []int{1, 1}}
	rep, err := aniso.CheckGradient(
		func(xs []*aniso.Tensor) (*aniso.Tensor, error) { return aniso.Conv(xs[0], xs[1], nil, o) },
		func(xs []*aniso.Tensor, gy *aniso.Tensor) ([]*aniso.Tensor, error) {
			gx, gw, _, err := aniso.ConvBackward(xs[0], xs[1], gy, o)
			return []*aniso.Tensor{gx, gw}, err
		},
		[]*aniso.Tensor{x, w}, aniso.GradCheckOptions{Seed: 1})
	fmt.Println(err, len(rep.Results))
	// Output:
	// <nil> 4
}

func ExampleStretchConvPlan() {
	// A plan validates the geometry once and owns its scratch; in a
	// training loop Forward and Backward then allocate nothing.
	o := aniso.StretchOptions{
		ConvOptions: aniso.ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 2}},
		Stretch:     []int{1, 2},
	}
	plan, err := aniso.NewStretchConvPlan([]int{4, 8, 100, 100}, []int{8, 8, 4, 4}, o)
	if err != nil {
		fmt.Println(err)
		return
	}
	x, w, b := aniso.New(4, 8, 100, 100), aniso.New(8, 8, 4, 4), aniso.New(8)
	y := aniso.New(plan.OutShape()...)
	gx, gw, gb := aniso.New(x.Shape...), aniso.New(w.Shape...), aniso.New(8)
	for step := 0; step < 3; step++ {
		if err := plan.Forward(y, x, w, b); err != nil {
			fmt.Println(err)
			return
		}
		// y doubles as the output gradient here.
		if err := plan.Backward(gx, gw, gb, x, w, y); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println(plan.OutShape())
	// The last, short batch of an epoch runs on the same plan.
	xs := aniso.New(2, 8, 100, 100)
	ys := aniso.New(2, 8, 50, 200)
	fmt.Println(plan.Forward(ys, xs, w, b))
	// Output:
	// [4 8 50 200]
	// <nil>
}

func ExampleONNXConvTranspose() {
	// An ONNX ConvTranspose node with strides [3, 2] and output_shape
	// [10, 8] on a 3×3 input: the total padding is negative (−1 on both
	// axes), which extends the output by one at the end.
	attrs := aniso.ONNXAttrs{Strides: []int{3, 2}, OutputShape: []int{10, 8}}
	o, err := aniso.ONNXConvTranspose(attrs, []int{3, 3}, []int{3, 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("pads", o.PadLo, o.PadHi)
	y, err := aniso.Deconv(aniso.New(1, 1, 3, 3), aniso.New(1, 2, 3, 3), nil, o)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y.Shape)
	// Output:
	// pads [0 0] [-1 -1]
	// [1 2 10 8]
}

func ExamplePixelShuffle() {
	// PyTorch's pixel_shuffle with upscale factor 2: the four channels of
	// a 2×2 map become the four phases of one 4×4 map, channel 2i + j
	// landing at rows i mod 2 and columns j mod 2.
	x := aniso.New(1, 4, 2, 2)
	for i := range x.Data {
		x.Data[i] = float32(i)
	}
	y, err := aniso.PixelShuffle(x, []int{2, 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y.Shape)
	for r := 0; r < 4; r++ {
		fmt.Println(y.Data[4*r : 4*r+4])
	}
	// Per axis: factors (1, 2) interleave channel pairs along the second
	// axis only, (100, 100) → (100, 200).
	y, err = aniso.PixelShuffle(aniso.New(8, 64, 100, 100), []int{1, 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y.Shape)
	// Output:
	// [1 1 4 4]
	// [0 4 1 5]
	// [8 12 9 13]
	// [2 6 3 7]
	// [10 14 11 15]
	// [8 32 100 200]
}

func ExamplePixelUnshuffle() {
	// The inverse: a 1×6 row becomes three channels of 1×2, channel q
	// taking the samples at positions q mod 3.
	x := aniso.New(1, 1, 1, 6)
	copy(x.Data, []float32{0, 1, 2, 3, 4, 5})
	y, err := aniso.PixelUnshuffle(x, []int{1, 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y.Shape, y.Data)
	back, err := aniso.PixelShuffle(y, []int{1, 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(back.Data)
	// Output:
	// [1 3 1 2] [0 3 1 4 2 5]
	// [0 1 2 3 4 5]
}

func ExamplePixelShufflePlan() {
	// A plan for a 3-D shuffle by (2, 1, 2); Backward, the gradient, is
	// the unshuffle. Neither allocates.
	plan, err := aniso.NewPixelShufflePlan([]int{2, 8, 4, 4, 4}, []int{2, 1, 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	x := aniso.New(2, 8, 4, 4, 4)
	for i := range x.Data {
		x.Data[i] = float32(i)
	}
	y, gx := aniso.New(plan.OutShape()...), aniso.New(x.Shape...)
	if err := plan.Forward(y, x); err != nil {
		fmt.Println(err)
		return
	}
	// With y as the output gradient the backward pass gives x back.
	if err := plan.Backward(gx, y); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(plan.OutShape(), slices.Equal(gx.Data, x.Data))
	// Output:
	// [2 2 8 4 8] true
}

func ExamplePixelUnshufflePlan() {
	plan, err := aniso.NewPixelUnshufflePlan([]int{1, 1, 4, 6}, []int{2, 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(plan.OutShape())
	// Output:
	// [1 6 2 2]
}

func ExampleSetMaxThreads() {
	// A server that runs several requests at once keeps each call to two
	// goroutines; the results do not depend on the bound.
	previous := aniso.SetMaxThreads(2)
	defer aniso.SetMaxThreads(previous)
	x, w := aniso.New(1, 1, 4), aniso.New(1, 1, 2)
	copy(x.Data, []float32{1, 2, 3, 4})
	copy(w.Data, []float32{1, 1})
	y, err := aniso.Conv(x, w, nil, aniso.ConvOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y.Data)
	// Output:
	// [3 5 7]
}

func ExampleConvPlan_SetThreads() {
	plan, err := aniso.NewConvPlan([]int{8, 16, 64, 64}, []int{16, 16, 3, 3}, aniso.ConvOptions{PadLo: []int{1, 1}})
	if err != nil {
		fmt.Println(err)
		return
	}
	// This plan's calls run on the calling goroutine alone.
	plan.SetThreads(1)
	x, w := aniso.New(8, 16, 64, 64), aniso.New(16, 16, 3, 3)
	y := aniso.New(plan.OutShape()...)
	fmt.Println(plan.Forward(y, x, w, nil), y.Shape)
	// Output:
	// <nil> [8 16 64 64]
}

func ExampleConvPlan_BackwardAdd() {
	// Two samples, each on its own, accumulate the same weight gradient as
	// one batch of both.
	plan, err := aniso.NewConvPlan([]int{2, 1, 4}, []int{1, 1, 2}, aniso.ConvOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	x, w := aniso.New(2, 1, 4), aniso.New(1, 1, 2)
	copy(x.Data, []float32{1, 2, 3, 4, 5, 6, 7, 8})
	gy := aniso.New(2, 1, 3)
	for i := range gy.Data {
		gy.Data[i] = 1
	}
	gw, gb := aniso.New(1, 1, 2), aniso.New(1)
	if err := plan.Backward(nil, gw, gb, x, w, gy); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("batch:  ", gw.Data, gb.Data)

	acc, accb := aniso.New(1, 1, 2), aniso.New(1)
	for n := 0; n < 2; n++ {
		xn := &aniso.Tensor{Data: x.Data[4*n : 4*n+4], Shape: []int{1, 1, 4}}
		gyn := &aniso.Tensor{Data: gy.Data[3*n : 3*n+3], Shape: []int{1, 1, 3}}
		if err := plan.BackwardAdd(nil, acc, accb, xn, w, gyn); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println("summed: ", acc.Data, accb.Data)
	// Output:
	// batch:   [24 30] [6]
	// summed:  [24 30] [6]
}

func ExampleTensor_Permute() {
	// Channels-last (N×H×W×C) data in and out, without a copy: Permute
	// gives the N×C×H×W views the operators take, and the plan writes its
	// result straight into the channels-last buffer.
	const n, h, wd, c = 1, 2, 3, 2
	xNHWC := aniso.New(n, h, wd, c)
	for i := range xNHWC.Data {
		xNHWC.Data[i] = float32(i)
	}
	x := xNHWC.Permute(0, 3, 1, 2)
	fmt.Println("x view:", x.Shape, x.Strides)

	// A 1×1 convolution that swaps the two channels and adds 100 to the
	// second.
	w := aniso.New(2, 2, 1, 1)
	copy(w.Data, []float32{0, 1, 1, 0})
	b := aniso.New(2)
	b.Data[1] = 100
	plan, err := aniso.NewConvPlan(x.Shape, w.Shape, aniso.ConvOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	yNHWC := aniso.New(n, h, wd, 2)
	if err := plan.Forward(yNHWC.Permute(0, 3, 1, 2), x, w, b); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("x NHWC:", xNHWC.Data)
	fmt.Println("y NHWC:", yNHWC.Data)
	fmt.Println("not a permutation:", xNHWC.Permute(0, 1, 1, 2) == nil)
	// Output:
	// x view: [1 2 2 3] [12 1 6 2]
	// x NHWC: [0 1 2 3 4 5 6 7 8 9 10 11]
	// y NHWC: [1 100 3 102 5 104 7 106 9 108 11 110]
	// not a permutation: true
}

func ExampleCheckGradient_relu() {
	// A convolution followed by a ReLU is linear only piece by piece: the
	// differences along most random directions cross a kink. CheckGradient
	// notices those directions (Retries) and checks others, sparser and
	// with shorter steps, instead.
	x, w := aniso.New(2, 3, 12, 12), aniso.New(4, 3, 3, 3)
	for i := range x.Data {
		x.Data[i] = float32((i*37)%23)/11 - 1
	}
	for i := range w.Data {
		w.Data[i] = float32((i*13)%17)/8 - 1
	}
	relu := func(z *aniso.Tensor) {
		for i, v := range z.Data {
			z.Data[i] = max(v, 0)
		}
	}
	f := func(xs []*aniso.Tensor) (*aniso.Tensor, error) {
		z, err := aniso.Conv(xs[0], xs[1], nil, aniso.ConvOptions{})
		if err != nil {
			return nil, err
		}
		relu(z)
		return z, nil
	}
	grad := func(xs []*aniso.Tensor, gy *aniso.Tensor) ([]*aniso.Tensor, error) {
		z, err := aniso.Conv(xs[0], xs[1], nil, aniso.ConvOptions{})
		if err != nil {
			return nil, err
		}
		gz := aniso.New(gy.Shape...)
		for i, v := range z.Data {
			if v > 0 {
				gz.Data[i] = gy.Data[i]
			}
		}
		gx, gw, _, err := aniso.ConvBackward(xs[0], xs[1], gz, aniso.ConvOptions{})
		return []*aniso.Tensor{gx, gw}, err
	}
	rep, err := aniso.CheckGradient(f, grad, []*aniso.Tensor{x, w}, aniso.GradCheckOptions{Seed: 1})
	retries := 0
	for _, r := range rep.Results {
		retries += r.Retries
	}
	fmt.Println(err, len(rep.Results), retries > 0)
	// Output:
	// <nil> 4 true
}

func ExampleUnpoolPlan_SetThreads() {
	plan, err := aniso.NewUnpoolPlan([]int{1, 1, 3}, aniso.UnpoolOptions{Ksize: []int{3}, Stride: []int{2}})
	if err != nil {
		fmt.Println(err)
		return
	}
	plan.SetThreads(1)
	x := aniso.New(1, 1, 3)
	copy(x.Data, []float32{1, 2, 3})
	y := aniso.New(plan.OutShape()...)
	fmt.Println(plan.Forward(y, x), y.Data)
	// Output:
	// <nil> [1 1 3 2 5 3 3]
}

func ExampleDeconvOptions_outSize() {
	// A Conv with kernel 3, stride 2 and pad 1 maps inputs of length 7
	// and 8 both to length 4, so the Deconv back gives 7 by default;
	// OutSize asks for 8 (output padding 1), or 6 (one output cropped).
	g := aniso.ConvOptions{Stride: []int{2}, PadLo: []int{1}}
	y, w := aniso.New(1, 1, 4), aniso.New(1, 1, 3)
	for _, size := range [][]int{nil, {8}, {6}, {9}} {
		x, err := aniso.Deconv(y, w, nil, aniso.DeconvOptions{ConvOptions: g, OutSize: size})
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(x.Shape)
	}
	// Output:
	// [1 1 7]
	// [1 1 8]
	// [1 1 6]
	// aniso: deconv: axis 0: output size 9 is outside [6, 8], the default 7 less up to stride 2 − 1 or plus up to max(stride, dilation 1) − 1
}
