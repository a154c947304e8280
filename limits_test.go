package aniso

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSize(t *testing.T) {
	for _, c := range []struct {
		shape []int
		want  int
	}{
		{nil, 1},
		{[]int{2, 3}, 6},
		{[]int{0, 1 << 40}, 0},
		{[]int{1 << 40, 1 << 40, 0}, 0},
		{[]int{1 << 20, 1 << 20}, 1 << 40}, // above MaxElements, still its size
		{[]int{1 << 40, 1 << 40}, -1},      // overflows
		{[]int{2, -1}, -1},
		{[]int{0, -1}, -1},
	} {
		require.Equal(t, c.want, (&Tensor{Shape: c.shape}).Size(), "%v", c.shape)
	}
	require.Zero(t, (*Tensor)(nil).Size())
}

// TestRankLimit checks that tensors of more than maxRank dimensions are
// rejected before any walk recurses over them.
func TestRankLimit(t *testing.T) {
	shape := make([]int, maxRank+1)
	k := make([]int, maxRank-1)
	for i := range shape {
		shape[i] = 1
	}
	for i := range k {
		k[i] = 1
	}
	x := New(shape...)
	_, err := UnpoolND(x, UnpoolOptions{Ksize: k})
	require.ErrorIs(t, err, ErrShape)
	require.Contains(t, err.Error(), "x has rank 65, more than 64")
	_, err = Conv(New(1, 1, 1), &Tensor{Data: []float32{1}, Shape: shape[:maxRank+1]}, nil, ConvOptions{})
	require.ErrorIs(t, err, ErrShape)
	_, err = CheckGradient(func(xs []*Tensor) (*Tensor, error) { return xs[0], nil },
		func(xs []*Tensor, gy *Tensor) ([]*Tensor, error) { return []*Tensor{gy}, nil }, []*Tensor{x}, GradCheckOptions{})
	require.ErrorIs(t, err, ErrShape)
	// maxRank itself is fine.
	y, err := UnpoolND(New(shape[:maxRank]...), UnpoolOptions{Ksize: k[:maxRank-2]})
	require.NoError(t, err)
	require.Len(t, y.Shape, maxRank)
}

// TestCheckGradientMisuse checks that functions returning nothing, tensors
// of the wrong shape or broken tensors give a classified error, never
// ErrInternal.
func TestCheckGradientMisuse(t *testing.T) {
	x := New(1, 1, 3)
	x.Data[0], x.Data[1], x.Data[2] = 1, 2, 3
	id := func(xs []*Tensor) (*Tensor, error) { return xs[0], nil }
	idGrad := func(xs []*Tensor, gy *Tensor) ([]*Tensor, error) { return []*Tensor{gy}, nil }
	calls := 0
	cases := []struct {
		name string
		f    func([]*Tensor) (*Tensor, error)
		grad func([]*Tensor, *Tensor) ([]*Tensor, error)
		kind error
	}{
		{"f returns nil", func([]*Tensor) (*Tensor, error) { return nil, nil }, idGrad, ErrShape},
		{"f returns nil later", func(xs []*Tensor) (*Tensor, error) {
			calls++
			if calls > 1 {
				return nil, nil
			}
			return xs[0], nil
		}, idGrad, ErrShape},
		{"f changes shape", func(xs []*Tensor) (*Tensor, error) {
			calls++
			return New(1, 1, 2+min(calls, 2)), nil
		}, idGrad, ErrShape},
		{"f returns short data", func([]*Tensor) (*Tensor, error) { return &Tensor{Shape: []int{4}}, nil }, idGrad, ErrData},
		{"grad returns nil", id, func([]*Tensor, *Tensor) ([]*Tensor, error) { return nil, nil }, ErrShape},
		{"grad returns too many", id, func(_ []*Tensor, gy *Tensor) ([]*Tensor, error) { return []*Tensor{gy, gy}, nil }, ErrShape},
		{"grad wrong shape", id, func([]*Tensor, *Tensor) ([]*Tensor, error) { return []*Tensor{New(3)}, nil }, ErrShape},
		{"grad short data", id, func([]*Tensor, *Tensor) ([]*Tensor, error) {
			return []*Tensor{{Data: make([]float32, 2), Shape: []int{1, 1, 3}}}, nil
		}, ErrData},
		{"grad wrong values", id, func(_ []*Tensor, gy *Tensor) ([]*Tensor, error) { return []*Tensor{New(gy.Shape...)}, nil }, ErrGradient},
	}
	for _, c := range cases {
		calls = 0
		_, err := CheckGradient(c.f, c.grad, []*Tensor{x}, GradCheckOptions{})
		require.ErrorIs(t, err, c.kind, "%s: %v", c.name, err)
		require.False(t, errors.Is(err, ErrInternal), c.name)
	}
	// A nil gradient skips its input.
	rep, err := CheckGradient(id, func([]*Tensor, *Tensor) ([]*Tensor, error) { return []*Tensor{nil}, nil }, []*Tensor{x}, GradCheckOptions{})
	require.NoError(t, err)
	require.Equal(t, "gradient check: nothing checked", rep.String())
	for _, o := range []GradCheckOptions{{Trials: maxTrials + 1}, {Atol: math.NaN()}, {Rtol: math.NaN()}, {Eps: math.NaN()}} {
		_, err = CheckGradient(id, idGrad, []*Tensor{x}, o)
		require.ErrorIs(t, err, ErrOption, "%+v", o)
	}
	// Zero and out-of-range reports describe themselves without panicking.
	require.Equal(t, "gradient check: nothing checked", GradReport{}.String())
	require.Equal(t, "gradient check: nothing checked", GradReport{Worst: 3, Results: make([]GradResult, 2)}.String())
}

// TestStretchAtFloat32Extremes pins down where StretchConv parts from the
// two-step chain it equals, as its documentation says: Nearest sums the
// weights of taps that read the same sample before multiplying, Zeros never
// multiplies the inserted zeros.
func TestStretchAtFloat32Extremes(t *testing.T) {
	inf := float32(math.Inf(1))
	nearest := func(x, w []float32) (fused, chain float32) {
		xt, wt := &Tensor{Data: x, Shape: []int{1, 1, len(x)}}, &Tensor{Data: w, Shape: []int{1, 1, len(w)}}
		y, err := StretchConv(xt, wt, nil, StretchOptions{Stretch: []int{2}})
		require.NoError(t, err)
		up, err := UnpoolND(xt, UnpoolOptions{Ksize: []int{2}})
		require.NoError(t, err)
		z, err := Conv(up, wt, nil, ConvOptions{})
		require.NoError(t, err)
		return y.Data[0], z.Data[0]
	}
	// Output 0 reads stretched positions 0 and 1, both copies of x[0]: the
	// two taps fold into one weight w0 + w1.
	fused, chain := nearest([]float32{0.5}, []float32{3e38, 3e38})
	require.True(t, math.IsInf(float64(fused), 1), "%v", fused)
	require.Equal(t, float32(3e38), chain)
	fused, chain = nearest([]float32{0}, []float32{3e38, 3e38})
	require.True(t, math.IsNaN(float64(fused)), "%v", fused)
	require.Zero(t, chain)
	fused, chain = nearest([]float32{inf}, []float32{2, -1})
	require.True(t, math.IsInf(float64(fused), 1), "%v", fused)
	require.True(t, math.IsNaN(float64(chain)), "%v", chain)
	fused, chain = nearest([]float32{inf}, []float32{1, -1})
	require.True(t, math.IsNaN(float64(fused)) && math.IsNaN(float64(chain)), "%v %v", fused, chain)

	// Zeros: x = [1, 1] stretched to [1, 0, 1]; output 0 of a 2-tap kernel
	// meets the inserted zero with its second tap.
	xt := &Tensor{Data: []float32{1, 1}, Shape: []int{1, 1, 2}}
	wt := &Tensor{Data: []float32{1, inf}, Shape: []int{1, 1, 2}}
	y, err := StretchConv(xt, wt, nil, StretchOptions{Stretch: []int{2}, Mode: Zeros})
	require.NoError(t, err)
	up := &Tensor{Data: []float32{1, 0, 1}, Shape: []int{1, 1, 3}}
	z, err := Conv(up, wt, nil, ConvOptions{})
	require.NoError(t, err)
	require.Equal(t, float32(1), y.Data[0])
	require.True(t, math.IsNaN(float64(z.Data[0])), "%v", z.Data[0])
}
