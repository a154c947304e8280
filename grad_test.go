package aniso

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// convPair is Conv and ConvBackward as CheckGradient wants them.
func convPair(o ConvOptions) (func([]*Tensor) (*Tensor, error), func([]*Tensor, *Tensor) ([]*Tensor, error)) {
	return func(xs []*Tensor) (*Tensor, error) { return Conv(xs[0], xs[1], xs[2], o) },
		func(xs []*Tensor, gy *Tensor) ([]*Tensor, error) {
			gx, gw, gb, err := ConvBackward(xs[0], xs[1], gy, o)
			return []*Tensor{gx, gw, gb}, err
		}
}

func TestCheckGradientPasses(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 1))
	x, w, b := randTensor(rng, 2, 3, 7, 6), randTensor(rng, 4, 3, 3, 2), randTensor(rng, 4)
	f, g := convPair(ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 0}, Dilation: []int{1, 2}})
	before := append([]float32(nil), x.Data...)
	rep, err := CheckGradient(f, g, []*Tensor{x, w, b}, GradCheckOptions{Trials: 3})
	require.NoError(t, err, rep.String())
	require.Len(t, rep.Results, 9)
	require.Equal(t, before, x.Data, "inputs are not modified")
	for _, r := range rep.Results {
		require.True(t, r.Pass)
		// A linear function leaves only rounding, well inside the tolerance.
		require.Less(t, r.AbsErr, 3e-5+1e-4*math.Abs(r.Numeric), "%+v", r)
	}
	require.Contains(t, rep.String(), "9 of 9 directional derivatives pass")
}

// TestCheckGradientCatches feeds the checker gradients with typical bugs:
// a flipped kernel, a gradient off by a small factor, a missing bias
// gradient and one element wrong.
func TestCheckGradientCatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(52, 1))
	x, w, b := randTensor(rng, 1, 2, 9, 9), randTensor(rng, 3, 2, 3, 3), randTensor(rng, 3)
	o := ConvOptions{PadLo: []int{1, 1}}
	f, g := convPair(o)
	for _, bug := range []struct {
		name  string
		input int
		spoil func(gs []*Tensor)
	}{
		{"flipped kernel gradient", 1, func(gs []*Tensor) {
			d := gs[1].Data
			for oc := 0; oc < 6; oc++ {
				k := d[oc*9 : oc*9+9]
				for i := 0; i < 4; i++ {
					k[i], k[8-i] = k[8-i], k[i]
				}
			}
		}},
		{"scaled input gradient", 0, func(gs []*Tensor) {
			for i := range gs[0].Data {
				gs[0].Data[i] *= 1.01
			}
		}},
		{"zero bias gradient", 2, func(gs []*Tensor) { clear(gs[2].Data) }},
		{"one element", 0, func(gs []*Tensor) { gs[0].Data[40] += 1 }},
	} {
		t.Run(bug.name, func(t *testing.T) {
			wrong := func(xs []*Tensor, gy *Tensor) ([]*Tensor, error) {
				gs, err := g(xs, gy)
				if err == nil {
					bug.spoil(gs)
				}
				return gs, err
			}
			rep, err := CheckGradient(f, wrong, []*Tensor{x, w, b}, GradCheckOptions{Seed: 3})
			require.ErrorIs(t, err, ErrGradient)
			require.Equal(t, bug.input, rep.Results[rep.Worst].Input, rep.String())
			require.False(t, rep.Results[rep.Worst].Pass)
		})
	}
}

func TestCheckGradientErrors(t *testing.T) {
	x := New(1, 1, 4)
	f, g := convPair(ConvOptions{})
	w, b := New(1, 1, 2), New(1)
	_, err := CheckGradient(nil, g, []*Tensor{x, w, b}, GradCheckOptions{})
	require.ErrorIs(t, err, ErrOption)
	_, err = CheckGradient(f, g, []*Tensor{x, nil, b}, GradCheckOptions{})
	require.ErrorIs(t, err, ErrNilTensor)
	_, err = CheckGradient(f, g, []*Tensor{x, w, b}, GradCheckOptions{Eps: -1})
	require.ErrorIs(t, err, ErrOption)
	short := func(xs []*Tensor, gy *Tensor) ([]*Tensor, error) { gs, err := g(xs, gy); return gs[:2], err }
	_, err = CheckGradient(f, short, []*Tensor{x, w, b}, GradCheckOptions{})
	require.ErrorIs(t, err, ErrShape)
	badShape := func(xs []*Tensor, gy *Tensor) ([]*Tensor, error) {
		gs, err := g(xs, gy)
		gs[0] = New(1, 1, 5)
		return gs, err
	}
	_, err = CheckGradient(f, badShape, []*Tensor{x, w, b}, GradCheckOptions{})
	require.ErrorIs(t, err, ErrShape)
	// A nil gradient skips its input.
	skip := func(xs []*Tensor, gy *Tensor) ([]*Tensor, error) { gs, err := g(xs, gy); gs[2] = nil; return gs, err }
	rep, err := CheckGradient(f, skip, []*Tensor{x, w, b}, GradCheckOptions{})
	require.NoError(t, err)
	require.Len(t, rep.Results, 4)
}

// TestThreadsDeterministic checks that results are bit-identical whatever
// the number of threads, for every operator and gradient, on sizes large
// enough to run in parallel.
func TestThreadsDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(53, 1))
	x, w, b := randTensor(rng, 4, 8, 30, 40), randTensor(rng, 8, 8, 4, 4), randTensor(rng, 8)
	so := StretchOptions{ConvOptions: ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 2}}, Stretch: []int{1, 2}}
	dy := randTensor(rng, 4, 8, 61, 81)
	do := DeconvOptions{ConvOptions: ConvOptions{Stride: []int{2, 2}, PadLo: []int{1, 1}}, OutputPadding: []int{1, 1}}
	run := func() [][]float32 {
		var out [][]float32
		for _, mode := range []StretchMode{Nearest, Zeros} {
			so.Mode = mode
			y, err := StretchConv(x, w, b, so)
			require.NoError(t, err)
			gy := randTensor(rand.New(rand.NewPCG(54, 1)), y.Shape...)
			gx, gw, gb, err := StretchConvBackward(x, w, gy, so)
			require.NoError(t, err)
			out = append(out, y.Data, gx.Data, gw.Data, gb.Data)
		}
		z, err := Deconv(x, w, b, do)
		require.NoError(t, err)
		gx, gw, gb, err := DeconvBackward(x, w, dy, do)
		require.NoError(t, err)
		return append(out, z.Data, gx.Data, gw.Data, gb.Data)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(1)
	want := run()
	for _, procs := range []int{2, 3, 8} {
		runtime.GOMAXPROCS(procs)
		got := run()
		for i := range want {
			require.Equal(t, want[i], got[i], "GOMAXPROCS %d, result %d", procs, i)
		}
	}
}

// TestConcurrentCalls runs operators from several goroutines at once: they
// share the worker pool, and each must get exactly its sequential result.
func TestConcurrentCalls(t *testing.T) {
	rng := rand.New(rand.NewPCG(55, 1))
	type job struct {
		x, w, gy  *Tensor
		o         StretchOptions
		y, gx, gw *Tensor
	}
	var jobs []*job
	for i := range 6 {
		o := StretchOptions{ConvOptions: ConvOptions{Stride: []int{1 + i%2, 1}, PadLo: []int{1, 1}}, Stretch: []int{1, 1 + i%3}, Mode: StretchMode(i % 2)}
		j := &job{x: randTensor(rng, 4, 8, 20+i, 24), w: randTensor(rng, 8, 8, 3, 3), o: o}
		y, err := StretchConv(j.x, j.w, nil, o)
		require.NoError(t, err)
		j.gy = randTensor(rng, y.Shape...)
		gx, gw, _, err := StretchConvBackward(j.x, j.w, j.gy, o)
		require.NoError(t, err)
		j.y, j.gx, j.gw = y, gx, gw
		jobs = append(jobs, j)
	}
	errs := make(chan error, len(jobs)*4)
	done := make(chan struct{})
	for _, j := range jobs {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 4 {
				y, err := StretchConv(j.x, j.w, nil, j.o)
				if err == nil {
					var gx, gw *Tensor
					gx, gw, _, err = StretchConvBackward(j.x, j.w, j.gy, j.o)
					if err == nil && (!equalBits(y, j.y) || !equalBits(gx, j.gx) || !equalBits(gw, j.gw)) {
						err = errorf("test", ErrInternal, "concurrent result differs")
					}
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	for range jobs {
		<-done
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func equalBits(a, b *Tensor) bool {
	if len(a.Data) != len(b.Data) {
		return false
	}
	for i := range a.Data {
		if math.Float32bits(a.Data[i]) != math.Float32bits(b.Data[i]) {
			return false
		}
	}
	return true
}
