package aniso

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBiasGradientLayouts checks the bias gradient against a float64 sum
// and checks that it has the same bits, on values whose sum rounds
// differently in another order, whatever the layout of gy
// (channels-first or channels-last, with or without gaps, the rows or
// the channels of a position contiguous or not) and the number of threads. The largest
// case is large enough to be shared among threads.
func TestBiasGradientLayouts(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	rng := rand.New(rand.NewPCG(81, 2))
	for _, c := range []struct{ x, w []int }{
		{[]int{3, 1, 9, 40}, []int{1, 1, 3, 3}},
		{[]int{2, 5, 7, 33}, []int{5, 5, 1, 3}},
		{[]int{2, 20, 6, 5, 7}, []int{20, 20, 1, 1, 1}},
		{[]int{1, 3, 70}, []int{17, 3, 1}},
		{[]int{4, 40, 48, 48}, []int{40, 40, 1, 1}},
	} {
		p, err := NewConvPlan(c.x, c.w, ConvOptions{})
		require.NoError(t, err)
		x, w := New(c.x...), New(c.w...)
		shape := p.OutShape()
		gy := randTensor(rng, shape...)
		want := New(shape[1])
		require.NoError(t, p.Backward(nil, nil, want, x, w, gy))
		inner := volume1(shape[2:])
		for ch, v := range want.Data {
			var s, abs float64
			for n := 0; n < shape[0]; n++ {
				for _, e := range gy.Data[(n*shape[1]+ch)*inner:][:inner] {
					s += float64(e)
					abs += math.Abs(float64(e))
				}
			}
			require.InDelta(t, s, float64(v), 1e-6*(1+abs), "x %v: gb[%d]", c.x, ch)
		}

		rank := len(shape)
		spread := make([]int, rank) // channels-last, each position's channels contiguous, gaps between positions
		s := 1
		spread[1] = 1
		for a := rank - 1; a >= 2; a-- {
			spread[a] = s * (shape[1] + 3)
			s = spread[a] * shape[a]
		}
		spread[0] = s + 5
		rows := make([]int, rank) // channels-first, rows of the last axis contiguous, gaps between rows
		s = shape[rank-1] + 3
		rows[rank-1] = 1
		for a := rank - 2; a >= 0; a-- {
			rows[a] = s
			s *= shape[a] + 1
		}
		layouts := []*Tensor{
			stridedResult(shape, channelsLast(rank), false),
			stridedResult(shape, channelsLast(rank), true),
			stridedResult(shape, []int{0, 1, 2, 3, 4}[:rank], true),
			{Data: make([]float32, spread[0]*shape[0]), Shape: shape, Strides: spread},
			{Data: make([]float32, s), Shape: shape, Strides: rows},
		}
		// Values that cancel in each plane, ±2⁴⁰, make the float64 sum
		// round differently in any other order of additions, by more than
		// the float32 result rounds away.
		for plane := 0; plane < shape[0]*shape[1]; plane++ {
			d := gy.Data[plane*inner:][:inner]
			for _, i := range rng.Perm(inner)[:min(inner, 4)] {
				d[i] = float32(1 << 40)
				if i%2 == 1 {
					d[i] = -d[i]
				}
			}
		}
		require.NoError(t, p.Backward(nil, nil, want, x, w, gy))
		for i, l := range layouts {
			scatterStrided(l.Data, l.Shape, l.Strides, gy.Data)
			for _, threads := range []int{1, 2, 4} {
				p.SetThreads(threads)
				got := New(shape[1])
				require.NoError(t, p.Backward(nil, nil, got, x, w, l))
				for ch := range got.Data {
					if math.Float32bits(got.Data[ch]) != math.Float32bits(want.Data[ch]) {
						t.Fatalf("x %v, layout %d (strides %v), %d threads: gb[%d] = %v, channels-first gives %v", c.x, i, l.Strides, threads, ch, got.Data[ch], want.Data[ch])
					}
				}
			}
		}
	}
}
