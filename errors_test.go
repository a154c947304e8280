package aniso

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// badCase is one bad input: the call, the sentinel it must wrap and words
// its message must hold.
type badCase struct {
	name  string
	call  func() error
	kind  error
	words []string
}

func conv2(x, w, b *Tensor, o ConvOptions) func() error {
	return func() error { _, err := Conv(x, w, b, o); return err }
}

func deconv2(x, w, b *Tensor, o DeconvOptions) func() error {
	return func() error { _, err := Deconv(x, w, b, o); return err }
}

func stretch2(x, w, b *Tensor, o StretchOptions) func() error {
	return func() error { _, err := StretchConv(x, w, b, o); return err }
}

func unpool2(x *Tensor, o UnpoolOptions) func() error {
	return func() error { _, err := UnpoolND(x, o); return err }
}

func TestBadInput(t *testing.T) {
	x := New(2, 4, 5, 6)
	w := New(6, 4, 3, 3)
	wd := New(4, 3, 3, 3)
	huge := math.MaxInt / 2
	short := &Tensor{Data: make([]float32, 10), Shape: []int{1, 1, 4, 4}}
	gapped := &Tensor{Data: make([]float32, 40), Shape: []int{1, 1, 4, 4}, Strides: []int{40, 40, 12, 2}}
	broadcast := &Tensor{Data: make([]float32, 1), Shape: []int{1, 1, 1 << 20, 1 << 20}, Strides: []int{0, 0, 0, 0}}
	cases := []badCase{
		{"nil x", conv2(nil, w, nil, ConvOptions{}), ErrNilTensor, []string{"conv", "x is nil"}},
		{"nil w", conv2(x, nil, nil, ConvOptions{}), ErrNilTensor, []string{"conv", "w is nil"}},
		{"rank 2 x", conv2(New(2, 4), w, nil, ConvOptions{}), ErrShape, []string{"rank 2"}},
		{"rank mismatch", conv2(x, New(6, 2, 3), nil, ConvOptions{}), ErrShape, []string{"w has rank 3, want 4"}},
		{"channels", conv2(x, New(6, 3, 3, 3), nil, ConvOptions{}), ErrShape, []string{"3 input channels", "want 4"}},
		{"groups divide x", conv2(x, w, nil, ConvOptions{Groups: 3}), ErrShape, []string{"4 channels", "3 groups"}},
		{"groups divide w", conv2(x, New(5, 2, 3, 3), nil, ConvOptions{Groups: 2}), ErrShape, []string{"5 output channels", "2 groups"}},
		{"negative groups", conv2(x, w, nil, ConvOptions{Groups: -1}), ErrOption, []string{"Groups -1"}},
		{"bias length", conv2(x, w, New(5), ConvOptions{}), ErrShape, []string{"5 elements", "6 output channels"}},
		{"bias rank", conv2(x, w, New(6, 1), ConvOptions{}), ErrShape, []string{"b has rank 2"}},
		{"stride length", conv2(x, w, nil, ConvOptions{Stride: []int{1}}), ErrOption, []string{"Stride has 1 values for 2 spatial axes"}},
		{"pad length", conv2(x, w, nil, ConvOptions{PadLo: []int{1, 1, 1}}), ErrOption, []string{"PadLo has 3 values"}},
		{"padhi length", conv2(x, w, nil, ConvOptions{PadHi: []int{1}}), ErrOption, []string{"PadHi has 1 values"}},
		{"dilation length", conv2(x, w, nil, ConvOptions{Dilation: []int{1, 1, 1}}), ErrOption, []string{"Dilation has 3 values"}},
		{"zero stride", conv2(x, w, nil, ConvOptions{Stride: []int{1, 0}}), ErrOption, []string{"axis 1", "stride 0"}},
		{"negative dilation", conv2(x, w, nil, ConvOptions{Dilation: []int{-2, 1}}), ErrOption, []string{"axis 0", "dilation -2"}},
		{"kernel too large", conv2(x, w, nil, ConvOptions{Dilation: []int{1, 3}}), ErrGeometry, []string{"axis 1", "input 6", "kernel 7"}},
		{"crop past", conv2(x, w, nil, ConvOptions{PadLo: []int{-6, 0}, PadHi: []int{5, 0}}), ErrGeometry, []string{"axis 0", "crops past the input 5"}},
		{"crop to nothing", conv2(x, w, nil, ConvOptions{PadLo: []int{-2, 0}}), ErrGeometry, []string{"axis 0", "smaller than the dilated kernel 3"}},
		{"short data", conv2(short, New(1, 1, 1, 1), nil, ConvOptions{}), ErrData, []string{"reaches element 15", "Data has 10"}},
		{"short strided data", conv2(gapped, New(1, 1, 1, 1), nil, ConvOptions{}), ErrData, []string{"reaches element 42", "Data has 40"}},
		{"strides length", conv2(&Tensor{Data: make([]float32, 16), Shape: []int{1, 1, 4, 4}, Strides: []int{1}}, w, nil, ConvOptions{}), ErrData, []string{"1 strides for 4 dimensions"}},
		{"negative stride", conv2(&Tensor{Data: make([]float32, 16), Shape: []int{1, 1, 4, 4}, Strides: []int{16, 16, -4, 1}}, New(1, 1, 1, 1), nil, ConvOptions{}), ErrData, []string{"negative stride -4"}},
		{"negative size", conv2(&Tensor{Shape: []int{1, 1, -4, 4}}, w, nil, ConvOptions{}), ErrData, []string{"negative size -4"}},
		{"zero channels", conv2(New(1, 0, 4, 4), w, nil, ConvOptions{}), ErrShape, []string{"0 channels"}},
		{"zero spatial", conv2(New(1, 1, 0, 4), w, nil, ConvOptions{}), ErrShape, []string{"axis 0 has size 0"}},
		{"zero kernel", conv2(x, New(6, 4, 0, 3), nil, ConvOptions{}), ErrShape, []string{"dimension 2 has size 0"}},
		{"overflowing shape", conv2(&Tensor{Data: make([]float32, 1), Shape: []int{1 << 40, 1 << 40, 1, 1}}, w, nil, ConvOptions{}), ErrTooLarge, []string{"more than"}},
		{"overflowing pad", conv2(x, w, nil, ConvOptions{PadLo: []int{huge, 0}, PadHi: []int{huge, 0}}), ErrTooLarge, []string{"axis 0", "overflow"}},
		{"absurd input", conv2(broadcast, New(1, 1, 1, 1), nil, ConvOptions{}), ErrTooLarge, []string{"x: shape", "more than"}},
		{"absurd output", deconv2(&Tensor{Data: make([]float32, 1), Shape: []int{1, 1, 1 << 15, 1 << 15}, Strides: []int{0, 0, 0, 0}}, New(1, 1, 2, 2), nil,
			DeconvOptions{ConvOptions: ConvOptions{Stride: []int{2, 2}}}), ErrTooLarge, []string{"output shape"}},
		{"absurd padding", conv2(x, w, nil, ConvOptions{PadLo: []int{1 << 40, 0}}), ErrTooLarge, []string{"output shape"}},
		{"new negative", conv2(New(1, 1, -3, 4), w, nil, ConvOptions{}), ErrData, []string{"negative size -3"}},

		{"deconv channels", deconv2(x, New(3, 3, 3, 3), nil, DeconvOptions{}), ErrShape, []string{"w has 3 input channels, x has 4"}},
		{"deconv groups", deconv2(x, wd, nil, DeconvOptions{ConvOptions: ConvOptions{Groups: 3}}), ErrShape, []string{"4 channels", "3 groups"}},
		{"deconv bias", deconv2(x, wd, New(4), DeconvOptions{}), ErrShape, []string{"4 elements for 3 output channels"}},
		{"deconv output padding", deconv2(x, wd, nil, DeconvOptions{ConvOptions: ConvOptions{Stride: []int{2, 2}}, OutputPadding: []int{0, 2}}), ErrOption, []string{"axis 1", "output padding 2", "[0, 2)"}},
		{"deconv output padding length", deconv2(x, wd, nil, DeconvOptions{OutputPadding: []int{0}}), ErrOption, []string{"OutputPadding has 1 values"}},
		{"deconv empty", deconv2(x, wd, nil, DeconvOptions{ConvOptions: ConvOptions{PadLo: []int{4, 0}}}), ErrGeometry, []string{"axis 0", "crops the full output 7 to nothing"}},
		{"deconv crop past", deconv2(x, wd, nil, DeconvOptions{ConvOptions: ConvOptions{PadLo: []int{-20, 0}, PadHi: []int{25, 0}}}), ErrGeometry, []string{"axis 0", "crops past"}},
		{"deconv overflow", deconv2(x, wd, nil, DeconvOptions{ConvOptions: ConvOptions{Stride: []int{huge, 1}}}), ErrTooLarge, []string{"axis 0", "overflow"}},
		{"deconv absurd", deconv2(x, wd, nil, DeconvOptions{ConvOptions: ConvOptions{Stride: []int{1 << 40, 1}}}), ErrTooLarge, []string{"output shape"}},

		{"zero stretch", stretch2(x, New(6, 4, 3, 3), nil, StretchOptions{Stretch: []int{1, 0}}), ErrOption, []string{"stretchconv", "axis 1", "stretch 0"}},
		{"stretch length", stretch2(x, New(6, 4, 3, 3), nil, StretchOptions{Stretch: []int{2}}), ErrOption, []string{"Stretch has 1 values for 2"}},
		{"stretch mode", stretch2(x, New(6, 4, 3, 3), nil, StretchOptions{Mode: 7}), ErrOption, []string{"Mode 7"}},
		{"stretch empty", stretch2(New(1, 1, 1, 1), New(1, 1, 3, 3), nil, StretchOptions{Stretch: []int{2, 1}, Mode: Zeros}), ErrGeometry, []string{"axis 0", "stretched to 1", "kernel 3"}},
		{"stretch overflow", stretch2(x, New(6, 4, 3, 3), nil, StretchOptions{Stretch: []int{huge, 1}}), ErrTooLarge, []string{"axis 0", "stretch"}},
		{"stretch absurd", stretch2(x, New(6, 4, 3, 3), nil, StretchOptions{Stretch: []int{1 << 40, 1}}), ErrTooLarge, []string{"output shape"}},

		{"unpool ksize", unpool2(x, UnpoolOptions{}), ErrOption, []string{"unpool", "Ksize has 0 values for 2"}},
		{"unpool zero ksize", unpool2(x, UnpoolOptions{Ksize: []int{2, 0}}), ErrOption, []string{"axis 1", "ksize 0"}},
		{"unpool stride", unpool2(x, UnpoolOptions{Ksize: []int{2, 2}, Stride: []int{2, -1}}), ErrOption, []string{"axis 1", "stride -1"}},
		{"unpool pad", unpool2(x, UnpoolOptions{Ksize: []int{2, 2}, Pad: []int{-1, 0}}), ErrOption, []string{"axis 0", "pad -1"}},
		{"unpool outsize length", unpool2(x, UnpoolOptions{Ksize: []int{2, 2}, OutSize: []int{3}}), ErrOption, []string{"OutSize has 1 values"}},
		{"unpool outsize zero", unpool2(x, UnpoolOptions{Ksize: []int{2, 2}, OutSize: []int{3, 0}}), ErrOption, []string{"axis 1", "output size 0"}},
		{"unpool empty", unpool2(New(1, 1, 1), UnpoolOptions{Ksize: []int{1}, Stride: []int{4}, CoverAll: true}), ErrGeometry, []string{"axis 0", "output size -2"}},
		{"unpool crop", unpool2(New(1, 1, 2), UnpoolOptions{Ksize: []int{2}, Pad: []int{2}}), ErrGeometry, []string{"output size 0"}},
		{"unpool overflow", unpool2(x, UnpoolOptions{Ksize: []int{2, 2}, Stride: []int{huge, 1}}), ErrTooLarge, []string{"axis 0", "overflow"}},
		{"unpool absurd", unpool2(x, UnpoolOptions{Ksize: []int{2, 2}, OutSize: []int{1 << 30, 1 << 30}}), ErrTooLarge, []string{"output shape"}},
		{"unpool nil", unpool2(nil, UnpoolOptions{Ksize: []int{2}}), ErrNilTensor, []string{"x is nil"}},

		{"conv gy shape", func() error { _, _, _, err := ConvBackward(x, w, New(2, 6, 3, 3), ConvOptions{}); return err }, ErrShape, []string{"gy has shape [2 6 3 3]", "[2 6 3 4]"}},
		{"conv gy nil", func() error { _, _, _, err := ConvBackward(x, w, nil, ConvOptions{}); return err }, ErrNilTensor, []string{"gy is nil"}},
		{"conv gy short", func() error {
			_, _, _, err := ConvBackward(x, w, &Tensor{Data: make([]float32, 3), Shape: []int{2, 6, 3, 4}}, ConvOptions{})
			return err
		}, ErrData, []string{"gy", "Data has 3"}},
		{"deconv gy shape", func() error { _, _, _, err := DeconvBackward(x, wd, New(2, 3, 7, 7), DeconvOptions{}); return err }, ErrShape, []string{"[2 3 7 8]"}},
		{"stretch gy shape", func() error {
			_, _, _, err := StretchConvBackward(x, New(6, 4, 3, 3), New(1, 6, 3, 4), StretchOptions{})
			return err
		}, ErrShape, []string{"gy has shape"}},
		{"unpool gy shape", func() error {
			_, err := UnpoolNDBackward(x, New(2, 4, 10, 11), UnpoolOptions{Ksize: []int{2, 2}})
			return err
		}, ErrShape, []string{"want the output shape [2 4 10 12]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			require.Error(t, err)
			require.ErrorIs(t, err, c.kind, err.Error())
			require.True(t, strings.HasPrefix(err.Error(), "aniso: "), err.Error())
			for _, w := range c.words {
				require.Contains(t, err.Error(), w)
			}
		})
	}
}

// sentinels lists every error class the package may return.
var sentinels = []error{ErrNilTensor, ErrShape, ErrOption, ErrGeometry, ErrData, ErrTooLarge, ErrGradient, ErrNoSolution, ErrNilPlan}

func classified(err error) bool {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// wildInt draws from a mix of small, boundary and absurd values. The
// absurd ones are far enough above MaxElements that no small stride brings
// an output back within it: this test is about panics, and a valid output
// of 2^30 elements would take seconds.
func wildInt(rng *rand.Rand) int {
	switch rng.IntN(10) {
	case 0:
		return -rng.IntN(4)
	case 1:
		return []int{math.MaxInt, math.MinInt, math.MaxInt / 3, 1 << 40, 1 << 35, 8 * MaxElements}[rng.IntN(6)]
	default:
		return rng.IntN(6)
	}
}

func wildInts(rng *rand.Rand, n int) []int {
	if rng.IntN(5) == 0 {
		return nil
	}
	if rng.IntN(8) == 0 {
		n += rng.IntN(3) - 1
	}
	s := make([]int, max(n, 0))
	for i := range s {
		s[i] = wildInt(rng)
	}
	return s
}

// wildTensor draws a tensor that is often valid and sometimes broken in
// any of the ways a caller might break it.
func wildTensor(rng *rand.Rand, rank int) *Tensor {
	if rng.IntN(30) == 0 {
		return nil
	}
	shape := make([]int, rank)
	for i := range shape {
		shape[i] = 1 + rng.IntN(4)
		if rng.IntN(25) == 0 {
			shape[i] = wildInt(rng)
		}
	}
	t := &Tensor{Shape: shape}
	if n, ok := volume(shape); ok && n < 1<<12 {
		t.Data = make([]float32, n)
		fillUniform(rng, t.Data)
	}
	switch rng.IntN(6) {
	case 0:
		t.Strides = make([]int, rank)
		for i := range t.Strides {
			t.Strides[i] = wildInt(rng)
		}
		t.Data = make([]float32, rng.IntN(300))
	case 1:
		t.Data = t.Data[:len(t.Data)/2]
	}
	return t
}

// TestNoPanic throws random, mostly broken, inputs at every exported
// operator: each call returns a result or an error of a known class, and
// never panics.
func TestNoPanic(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 1))
	for i := range 4000 {
		nsp := 1 + rng.IntN(3)
		rank := nsp + 2
		if rng.IntN(20) == 0 {
			rank = rng.IntN(6)
		}
		x, w, b, gy := wildTensor(rng, rank), wildTensor(rng, rank), wildTensor(rng, 1), wildTensor(rng, rank)
		co := ConvOptions{Stride: wildInts(rng, nsp), PadLo: wildInts(rng, nsp), PadHi: wildInts(rng, nsp), Dilation: wildInts(rng, nsp)}
		if rng.IntN(4) == 0 {
			co.Groups = wildInt(rng)
		}
		do := DeconvOptions{ConvOptions: co, OutputPadding: wildInts(rng, nsp)}
		so := StretchOptions{ConvOptions: co, Stretch: wildInts(rng, nsp), Mode: StretchMode(rng.IntN(3))}
		uo := UnpoolOptions{Ksize: wildInts(rng, nsp), Stride: wildInts(rng, nsp), Pad: wildInts(rng, nsp), OutSize: wildInts(rng, nsp), CoverAll: rng.IntN(2) == 0}
		calls := []func() error{
			func() error { _, err := Conv(x, w, b, co); return err },
			func() error { _, _, _, err := ConvBackward(x, w, gy, co); return err },
			func() error { _, err := Deconv(x, w, b, do); return err },
			func() error { _, _, _, err := DeconvBackward(x, w, gy, do); return err },
			func() error { _, err := StretchConv(x, w, b, so); return err },
			func() error { _, _, _, err := StretchConvBackward(x, w, gy, so); return err },
			func() error { _, err := UnpoolND(x, uo); return err },
			func() error { _, err := UnpoolNDBackward(x, gy, uo); return err },
			func() error {
				_, err := ONNXConv(ONNXAttrs{Pads: wildInts(rng, 2*nsp), Strides: co.Stride, Dilations: co.Dilation}, wildInts(rng, nsp), wildInts(rng, nsp))
				return err
			},
			func() error {
				_, err := ONNXConvTranspose(ONNXAttrs{AutoPad: []string{"", "SAME_UPPER", "SAME_LOWER", "VALID", "bad"}[rng.IntN(5)],
					Strides: co.Stride, OutputPadding: do.OutputPadding, OutputShape: wildInts(rng, nsp)}, wildInts(rng, nsp), wildInts(rng, nsp))
				return err
			},
			func() error {
				_, err := SolveStretch(wildInts(rng, nsp), wildInts(rng, nsp), wildInts(rng, nsp), so.Mode)
				return err
			},
			func() error {
				p, err := NewConvPlan(shapeOf(x), shapeOf(w), co)
				return wildPlanCalls(p, err, x, w, b, gy, wildTensor(rng, rank))
			},
			func() error {
				p, err := NewDeconvPlan(shapeOf(x), shapeOf(w), do)
				return wildPlanCalls(p, err, x, w, b, gy, wildTensor(rng, rank))
			},
			func() error {
				p, err := NewStretchConvPlan(shapeOf(x), shapeOf(w), so)
				return wildPlanCalls(p, err, x, w, b, gy, wildTensor(rng, rank))
			},
			func() error {
				p, err := NewUnpoolPlan(shapeOf(x), uo)
				if err != nil {
					return err
				}
				if err := p.Forward(wildTensor(rng, rank), x); err != nil {
					return err
				}
				return p.Backward(wildTensor(rng, rank), gy)
			},
		}
		for j, call := range calls {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("case %d call %d panicked: %v", i, j, r)
					}
				}()
				if err := call(); err != nil && !classified(err) {
					t.Fatalf("case %d call %d: unclassified error %v", i, j, err)
				}
			}()
		}
	}
}

// weightPlanner is what ConvPlan, DeconvPlan and StretchConvPlan offer.
type weightPlanner interface {
	OutShape() []int
	Forward(y, x, w, b *Tensor) error
	Backward(gx, gw, gb, x, w, gy *Tensor) error
	BackwardAdd(gx, gw, gb, x, w, gy *Tensor) error
}

// wildPlanCalls runs Forward, Backward and BackwardAdd of a plan made from wild shapes on
// wild tensors, some of them results of the right shape; r is a wild
// result.
func wildPlanCalls[P weightPlanner](p P, err error, x, w, b, gy, r *Tensor) error {
	if err != nil {
		return err
	}
	y := New(p.OutShape()...)
	if err := p.Forward(y, x, w, b); err != nil {
		return err
	}
	if err := p.Forward(r, x, w, b); err != nil {
		return err
	}
	if err := p.Backward(r, nil, New(1), x, w, gy); err != nil {
		return err
	}
	return p.BackwardAdd(nil, r, New(1), x, w, gy)
}
