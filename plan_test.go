package aniso

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

// planCase runs one plan's Forward and Backward; allocs reports what they
// allocate per call after the first.
type planCase struct {
	name     string
	forward  func() error
	backward func() error
}

func planCases(t *testing.T, rng *rand.Rand, batch int) []planCase {
	x := randTensor(rng, batch, 8, 24, 20)
	w := randTensor(rng, 8, 4, 3, 3)
	b := randTensor(rng, 8)
	var cases []planCase

	co := ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, Groups: 2}
	cp, err := NewConvPlan(x.Shape, w.Shape, co)
	require.NoError(t, err)
	cy, gcy := New(cp.OutShape()...), randTensor(rng, cp.OutShape()...)
	gx, gw, gb := New(x.Shape...), New(w.Shape...), New(8)
	cases = append(cases, planCase{"conv",
		func() error { return cp.Forward(cy, x, w, b) },
		func() error { return cp.Backward(gx, gw, gb, x, w, gcy) }})

	for _, mode := range []StretchMode{Nearest, Zeros} {
		so := StretchOptions{ConvOptions: co, Stretch: []int{1, 3}, Mode: mode}
		sp, err := NewStretchConvPlan(x.Shape, w.Shape, so)
		require.NoError(t, err)
		sy, gsy := New(sp.OutShape()...), randTensor(rng, sp.OutShape()...)
		cases = append(cases, planCase{"stretch " + mode.String(),
			func() error { return sp.Forward(sy, x, w, b) },
			func() error { return sp.Backward(gx, gw, gb, x, w, gsy) }})
	}

	do := DeconvOptions{ConvOptions: co, OutputPadding: []int{1, 0}}
	dp, err := NewDeconvPlan(x.Shape, w.Shape, do)
	require.NoError(t, err)
	dy, gdy := New(dp.OutShape()...), randTensor(rng, dp.OutShape()...)
	cases = append(cases, planCase{"deconv",
		func() error { return dp.Forward(dy, x, w, b) },
		func() error { return dp.Backward(gx, gw, gb, x, w, gdy) }})

	for _, uo := range []UnpoolOptions{{Ksize: []int{2, 3}}, {Ksize: []int{3, 2}, Stride: []int{2, 2}, Pad: []int{1, 0}}} {
		up, err := NewUnpoolPlan(x.Shape, uo)
		require.NoError(t, err)
		uy, guy := New(up.OutShape()...), randTensor(rng, up.OutShape()...)
		cases = append(cases, planCase{"unpool",
			func() error { return up.Forward(uy, x) },
			func() error { return up.Backward(gx, guy) }})
	}
	return cases
}

// TestPlansAllocateNothing checks that plans run with zero allocations
// once they have run, on the calling goroutine and in parallel.
func TestPlansAllocateNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 1))
	for _, batch := range []int{1, 16} {
		for _, c := range planCases(t, rng, batch) {
			for _, f := range []func() error{c.forward, c.backward} {
				require.NoError(t, f())
				allocs := testing.AllocsPerRun(5, func() {
					if err := f(); err != nil {
						t.Fatal(err)
					}
				})
				require.Zero(t, allocs, "%s, batch %d", c.name, batch)
			}
		}
	}
}

// TestPlansMatchOneShot checks that a plan, reused with new inputs, gives
// what the one-shot functions give, and that stale scratch (folded
// weights, partial sums) never leaks from one call into the next.
func TestPlansMatchOneShot(t *testing.T) {
	rng := rand.New(rand.NewPCG(62, 1))
	so := StretchOptions{ConvOptions: ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 2}}, Stretch: []int{1, 2}}
	x := randTensor(rng, 16, 8, 24, 20)
	p, err := NewStretchConvPlan(x.Shape, []int{8, 8, 4, 4}, so)
	require.NoError(t, err)
	y, gx, gw, gb := New(p.OutShape()...), New(x.Shape...), New(8, 8, 4, 4), New(8)
	for range 3 {
		x, w, b := randTensor(rng, x.Shape...), randTensor(rng, 8, 8, 4, 4), randTensor(rng, 8)
		gy := randTensor(rng, p.OutShape()...)
		for i := range y.Data {
			y.Data[i] = float32(math.NaN()) // results are written, never read
		}
		require.NoError(t, p.Forward(y, x, w, b))
		want, err := StretchConv(x, w, b, so)
		require.NoError(t, err)
		require.Equal(t, want.Data, y.Data)
		for i := range gx.Data {
			gx.Data[i] = 1e9 // results are overwritten, not accumulated
		}
		require.NoError(t, p.Backward(gx, gw, gb, x, w, gy))
		wx, ww, wb, err := StretchConvBackward(x, w, gy, so)
		require.NoError(t, err)
		require.Equal(t, wx.Data, gx.Data)
		require.Equal(t, ww.Data, gw.Data)
		require.Equal(t, wb.Data, gb.Data)
	}
}

func TestPlanErrors(t *testing.T) {
	p, err := NewConvPlan([]int{1, 2, 5, 5}, []int{3, 2, 3, 3}, ConvOptions{})
	require.NoError(t, err)
	require.Equal(t, []int{1, 3, 3, 3}, p.OutShape())
	require.Positive(t, p.Workspace())
	x, w, y := New(1, 2, 5, 5), New(3, 2, 3, 3), New(1, 3, 3, 3)
	require.ErrorIs(t, p.Forward(nil, x, w, nil), ErrNilTensor)
	require.ErrorIs(t, p.Forward(New(1, 3, 3, 4), x, w, nil), ErrShape)
	require.ErrorIs(t, p.Forward(y, New(1, 2, 5, 6), w, nil), ErrShape)
	require.ErrorIs(t, p.Forward(y, x, w, New(2)), ErrShape)
	overlapping := &Tensor{Data: make([]float32, 54), Shape: []int{1, 3, 3, 3}, Strides: []int{54, 6, 6, 2}}
	require.ErrorIs(t, p.Forward(overlapping, x, w, nil), ErrData)
	require.ErrorIs(t, p.Backward(nil, nil, nil, x, w, New(1, 3, 3, 2)), ErrShape)
	require.NoError(t, p.Backward(nil, nil, nil, x, w, y))
	_, err = NewConvPlan([]int{1, 2, 5, 5}, []int{3, 2, 6, 3}, ConvOptions{})
	require.ErrorIs(t, err, ErrGeometry)
	_, err = NewStretchConvPlan(nil, nil, StretchOptions{})
	require.ErrorIs(t, err, ErrShape)
	_, err = NewDeconvPlan([]int{1, 2, 5}, []int{3, 2, 3}, DeconvOptions{})
	require.ErrorIs(t, err, ErrShape)
	_, err = NewUnpoolPlan([]int{1, 2, 5}, UnpoolOptions{})
	require.ErrorIs(t, err, ErrOption)
}

// TestPlansOverwriteResults fills every result with NaN before each call:
// plans must write all of it and read none of it, with and without bias,
// for the dense and the phase paths and for Deconv.
func TestPlansOverwriteResults(t *testing.T) {
	rng := rand.New(rand.NewPCG(63, 1))
	for _, c := range planCases(t, rng, 3) {
		for _, f := range []func() error{c.forward, c.backward} {
			require.NoError(t, f())
		}
	}
	x, w, b := randTensor(rng, 2, 4, 9, 7), randTensor(rng, 4, 2, 3, 2), randTensor(rng, 4)
	dp, err := NewDeconvPlan(x.Shape, w.Shape, DeconvOptions{ConvOptions: ConvOptions{Stride: []int{2, 1}, Groups: 2}})
	require.NoError(t, err)
	want, err := Deconv(x, w, b, DeconvOptions{ConvOptions: ConvOptions{Stride: []int{2, 1}, Groups: 2}})
	require.NoError(t, err)
	for _, bias := range []*Tensor{b, nil} {
		y := New(dp.OutShape()...)
		for i := range y.Data {
			y.Data[i] = float32(math.NaN())
		}
		require.NoError(t, dp.Forward(y, x, w, bias))
		if bias != nil {
			require.Equal(t, want.Data, y.Data)
		}
		for _, v := range y.Data {
			require.False(t, math.IsNaN(float64(v)))
		}
	}
	cp, err := NewConvPlan(x.Shape, []int{6, 4, 3, 3}, ConvOptions{PadLo: []int{1, 1}})
	require.NoError(t, err)
	cw := randTensor(rng, 6, 4, 3, 3)
	y, gx, gw, gb := New(cp.OutShape()...), New(x.Shape...), New(cw.Shape...), New(6)
	for _, r := range []*Tensor{y, gx, gw, gb} {
		for i := range r.Data {
			r.Data[i] = float32(math.NaN())
		}
	}
	require.NoError(t, cp.Forward(y, x, cw, nil))
	require.NoError(t, cp.Backward(gx, gw, gb, x, cw, y))
	for _, r := range []*Tensor{y, gx, gw, gb} {
		for _, v := range r.Data {
			require.False(t, math.IsNaN(float64(v)))
		}
	}
}

// TestNilPlans calls every exported method of every plan type on a nil
// plan and on a zero plan, with nil tensors and with valid ones: none may
// panic, errors wrap ErrNilPlan, and the other results are zero.
func TestNilPlans(t *testing.T) {
	errType := reflect.TypeFor[error]()
	plans := []any{
		(*ConvPlan)(nil), &ConvPlan{},
		(*DeconvPlan)(nil), &DeconvPlan{},
		(*StretchConvPlan)(nil), &StretchConvPlan{},
		(*UnpoolPlan)(nil), &UnpoolPlan{},
		(*PixelShufflePlan)(nil), &PixelShufflePlan{},
		(*PixelUnshufflePlan)(nil), &PixelUnshufflePlan{},
	}
	// Every method is called below; these are the ones each plan must have
	// at least, so that a method lost from a plan does not go unnoticed.
	want := map[string][]string{
		"ConvPlan":           {"OutShape", "Workspace", "MACs", "SetThreads", "Forward", "Backward", "BackwardAdd"},
		"DeconvPlan":         {"OutShape", "Workspace", "MACs", "SetThreads", "Forward", "Backward", "BackwardAdd"},
		"StretchConvPlan":    {"OutShape", "Workspace", "MACs", "SetThreads", "Forward", "Backward", "BackwardAdd"},
		"UnpoolPlan":         {"OutShape", "Workspace", "SetThreads", "Forward", "Backward"},
		"PixelShufflePlan":   {"OutShape", "Forward", "Backward"},
		"PixelUnshufflePlan": {"OutShape", "Forward", "Backward"},
	}
	for _, p := range plans {
		v := reflect.ValueOf(p)
		for _, name := range want[v.Type().Elem().Name()] {
			_, ok := v.Type().MethodByName(name)
			require.True(t, ok, "%T has no method %s", p, name)
		}
		for i := range v.NumMethod() {
			m, name := v.Method(i), v.Type().Method(i).Name
			for _, valid := range []bool{false, true} {
				args := make([]reflect.Value, m.Type().NumIn())
				for j := range args {
					args[j] = reflect.Zero(m.Type().In(j))
					if valid && m.Type().In(j) == reflect.TypeFor[*Tensor]() {
						args[j] = reflect.ValueOf(New(1, 1, 1))
					}
				}
				var out []reflect.Value
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Fatalf("%T.%s panicked: %v", p, name, r)
						}
					}()
					out = m.Call(args)
				}()
				for _, o := range out {
					switch {
					case o.Type() == errType:
						err, _ := o.Interface().(error)
						require.ErrorIs(t, err, ErrNilPlan, "%T.%s", p, name)
						require.Contains(t, err.Error(), "the plan is nil or was not made by its constructor")
					default:
						require.True(t, o.IsZero(), "%T.%s returned %v, want the zero value", p, name, o)
					}
				}
			}
		}
	}
}
