package aniso

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// reluBlock is StretchConv → ReLU → Conv of the inputs x, w1, b1, w2 as
// CheckGradient wants it, with its backward pass written by hand. spoil,
// if not nil, damages the gradients it returns.
func reluBlock(spoil func(z, ga *Tensor, gs []*Tensor)) (func([]*Tensor) (*Tensor, error), func([]*Tensor, *Tensor) ([]*Tensor, error)) {
	so := StretchOptions{ConvOptions: ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 2}}, Stretch: []int{1, 2}}
	co := ConvOptions{PadLo: []int{1, 1}}
	relu := func(z *Tensor) *Tensor {
		a := New(z.Shape...)
		for i, v := range z.Data {
			a.Data[i] = max(v, 0)
		}
		return a
	}
	f := func(xs []*Tensor) (*Tensor, error) {
		z, err := StretchConv(xs[0], xs[1], xs[2], so)
		if err != nil {
			return nil, err
		}
		return Conv(relu(z), xs[3], nil, co)
	}
	g := func(xs []*Tensor, gy *Tensor) ([]*Tensor, error) {
		z, err := StretchConv(xs[0], xs[1], xs[2], so)
		if err != nil {
			return nil, err
		}
		ga, gw2, _, err := ConvBackward(relu(z), xs[3], gy, co)
		if err != nil {
			return nil, err
		}
		gz := &Tensor{Data: append([]float32(nil), ga.Data...), Shape: ga.Shape}
		for i, v := range z.Data {
			if v <= 0 {
				gz.Data[i] = 0
			}
		}
		gs := []*Tensor{gz, nil, nil, gw2}
		if spoil != nil {
			spoil(z, ga, gs)
		}
		gx, gw1, gb1, err := StretchConvBackward(xs[0], xs[1], gs[0], so)
		gs[0], gs[1], gs[2] = gx, gw1, gb1
		return gs, err
	}
	return f, g
}

func reluInputs(rng *rand.Rand) []*Tensor {
	return []*Tensor{randTensor(rng, 2, 3, 8, 8), randTensor(rng, 4, 3, 4, 4), randTensor(rng, 4), randTensor(rng, 2, 4, 3, 3)}
}

// TestCheckGradientReluBlock checks a float32 StretchConv → ReLU → Conv
// block with the default options: its differences cross kinks in most
// dense directions, which the checker must notice and retry.
func TestCheckGradientReluBlock(t *testing.T) {
	f, g := reluBlock(nil)
	retried := 0
	for seed := range uint64(8) {
		xs := reluInputs(rand.New(rand.NewPCG(seed, 2)))
		rep, err := CheckGradient(f, g, xs, GradCheckOptions{Seed: seed})
		require.NoError(t, err, "seed %d: %s", seed, rep)
		require.Len(t, rep.Results, 8)
		for _, r := range rep.Results {
			retried += r.Retries
			require.False(t, r.Kinked)
			require.LessOrEqual(t, r.Eps, 1e-2)
			require.GreaterOrEqual(t, r.Eps, 1e-3)
		}
	}
	// Most dense directions cross a kink here, and without the retries
	// most of these checks fail: the test exercises them.
	require.Greater(t, retried, 32)
}

// TestCheckGradientReluBugs spoils the block's backward pass: the kink
// handling must not hide any of these errors.
func TestCheckGradientReluBugs(t *testing.T) {
	for _, bug := range []struct {
		name  string
		input int // an input whose gradient the bug spoils
		spoil func(z, ga *Tensor, gs []*Tensor)
	}{
		{"no ReLU mask", 0, func(_, ga *Tensor, gs []*Tensor) { gs[0] = ga }},
		{"ReLU mask also for z > 2", 0, func(z, _ *Tensor, gs []*Tensor) {
			for i, v := range z.Data {
				if v > 2 {
					gs[0].Data[i] = 0
				}
			}
		}},
		{"second weights 1% off", 3, func(_, _ *Tensor, gs []*Tensor) {
			for i := range gs[3].Data {
				gs[3].Data[i] *= 1.01
			}
		}},
		{"first layer 1% off", 1, func(_, _ *Tensor, gs []*Tensor) {
			for i := range gs[0].Data {
				gs[0].Data[i] *= 1.01
			}
		}},
	} {
		t.Run(bug.name, func(t *testing.T) {
			f, g := reluBlock(bug.spoil)
			for seed := range uint64(4) {
				xs := reluInputs(rand.New(rand.NewPCG(seed, 2)))
				rep, err := CheckGradient(f, g, xs, GradCheckOptions{Seed: seed})
				require.ErrorIs(t, err, ErrGradient, "seed %d", seed)
				failed := false
				for _, r := range rep.Results {
					failed = failed || r.Input == bug.input && !r.Pass
				}
				require.True(t, failed, "seed %d: input %d passes: %s", seed, bug.input, rep)
			}
		})
	}
}

// TestCheckGradientKinkAtX puts x on a kink: f(x) = Σ|x| at x = 0 has no
// gradient, every direction crosses the kink, and the check must say so
// rather than pass.
func TestCheckGradientKinkAtX(t *testing.T) {
	abs := func(xs []*Tensor) (*Tensor, error) {
		y := New(xs[0].Shape...)
		for i, v := range xs[0].Data {
			y.Data[i] = max(v, -v)
		}
		return y, nil
	}
	zero := func(xs []*Tensor, gy *Tensor) ([]*Tensor, error) { return []*Tensor{New(xs[0].Shape...)}, nil }
	rep, err := CheckGradient(abs, zero, []*Tensor{New(3, 5)}, GradCheckOptions{})
	require.ErrorIs(t, err, ErrGradient)
	for _, r := range rep.Results {
		require.True(t, r.Kinked)
		require.False(t, r.Pass)
		require.Equal(t, gradAttempts-1, r.Retries)
	}
	require.Contains(t, rep.String(), "every direction tried crossed a kink")
}

// TestCheckGradientSmooth checks a smooth nonlinear block, Conv → tanh,
// with the default options. Where its third-order term makes the numeric
// derivative drift, the checker retries with a shorter step, but it must
// never take the curvature for a kink it cannot get past.
func TestCheckGradientSmooth(t *testing.T) {
	o := ConvOptions{PadLo: []int{1, 1}}
	tanh := func(z *Tensor) {
		for i, v := range z.Data {
			z.Data[i] = float32(math.Tanh(float64(v)))
		}
	}
	f := func(xs []*Tensor) (*Tensor, error) {
		z, err := Conv(xs[0], xs[1], nil, o)
		if err == nil {
			tanh(z)
		}
		return z, err
	}
	g := func(xs []*Tensor, gy *Tensor) ([]*Tensor, error) {
		z, err := Conv(xs[0], xs[1], nil, o)
		if err != nil {
			return nil, err
		}
		tanh(z)
		gz := New(z.Shape...)
		for i, v := range z.Data {
			gz.Data[i] = gy.Data[i] * (1 - v*v)
		}
		gx, gw, _, err := ConvBackward(xs[0], xs[1], gz, o)
		return []*Tensor{gx, gw}, err
	}
	for seed := range uint64(4) {
		rng := rand.New(rand.NewPCG(seed, 3))
		xs := []*Tensor{randTensor(rng, 2, 3, 8, 8), randTensor(rng, 4, 3, 3, 3)}
		rep, err := CheckGradient(f, g, xs, GradCheckOptions{Seed: seed})
		require.NoError(t, err, "seed %d: %s", seed, rep)
		for _, r := range rep.Results {
			require.False(t, r.Kinked, "seed %d: %+v", seed, r)
			require.LessOrEqual(t, r.Retries, 2, "seed %d: %+v", seed, r)
		}
	}
}
