package aniso

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"
)

// twoStep computes StretchConv as the composition the fused operator
// replaces: an explicit stretch by the library's own operators (UnpoolND
// with k = s = u for Nearest, a depthwise one-tap Deconv at stride u for
// Zeros), then Conv, with gradients by chaining the backward passes.
type twoStep struct {
	o       StretchOptions
	stretch func(x *Tensor) (*Tensor, error)
	back    func(x, gh *Tensor) (*Tensor, error)
}

func newTwoStep(o StretchOptions, channels, nsp int) twoStep {
	u := o.Stretch
	if u == nil {
		u = make([]int, nsp)
		for i := range u {
			u[i] = 1
		}
	}
	if o.Mode == Nearest {
		uo := UnpoolOptions{Ksize: u}
		return twoStep{o: o,
			stretch: func(x *Tensor) (*Tensor, error) { return UnpoolND(x, uo) },
			back:    func(x, gh *Tensor) (*Tensor, error) { return UnpoolNDBackward(x, gh, uo) },
		}
	}
	tap := New(append([]int{channels, 1}, make1s(nsp)...)...)
	for i := range tap.Data {
		tap.Data[i] = 1
	}
	do := DeconvOptions{ConvOptions: ConvOptions{Stride: u, Groups: channels}}
	return twoStep{o: o,
		stretch: func(x *Tensor) (*Tensor, error) { return Deconv(x, tap, nil, do) },
		back: func(x, gh *Tensor) (*Tensor, error) {
			gx, _, _, err := DeconvBackward(x, tap, gh, do)
			return gx, err
		},
	}
}

func make1s(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 1
	}
	return s
}

func (s twoStep) forward(x, w, b *Tensor) (*Tensor, error) {
	h, err := s.stretch(x)
	if err != nil {
		return nil, err
	}
	return Conv(h, w, b, s.o.ConvOptions)
}

func (s twoStep) backward(x, w, gy *Tensor) (gx, gw, gb *Tensor, err error) {
	h, err := s.stretch(x)
	if err != nil {
		return nil, nil, nil, err
	}
	gh, gw, gb, err := ConvBackward(h, w, gy, s.o.ConvOptions)
	if err != nil {
		return nil, nil, nil, err
	}
	gx, err = s.back(x, gh)
	return gx, gw, gb, err
}

// TestStretchConvTwoStep checks StretchConv, forward and every gradient,
// against the two-step composition on 300 seeded geometries in 1-D to 3-D.
func TestStretchConvTwoStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 1))
	cov := coverage{}
	for n := 1; n <= 3; n++ {
		for range 100 {
			c := drawStretch(rng, n)
			drawConvCoverage(c.convCase, cov)
			cov.note(c.mode == Nearest, "Nearest")
			cov.note(c.mode == Zeros, "Zeros")
			o := c.options()
			x, w := randTensor(rng, c.x...), randTensor(rng, c.w...)
			b := randTensor(rng, c.w[0])
			ts := newTwoStep(o, c.x[1], n)
			what := fmt.Sprintf("%v stretch %v %v", c.convCase, c.u, c.mode)
			want, err := ts.forward(x, w, b)
			require.NoError(t, err, what)
			got, err := StretchConv(x, w, b, o)
			require.NoError(t, err, what)
			requireClose(t, got, want, randomTol)
			gy := randTensor(rng, want.Shape...)
			wx, ww, wb, err := ts.backward(x, w, gy)
			require.NoError(t, err, what)
			gx, gw, gb, err := StretchConvBackward(x, w, gy, o)
			require.NoError(t, err, what)
			requireClose(t, gx, wx, randomTol)
			requireClose(t, gw, ww, randomTol)
			requireClose(t, gb, wb, randomTol)
		}
	}
	cov.require(t, "1-D", "2-D", "3-D", "Nearest", "Zeros", "groups", "dilation", "negative padding", "stride > kernel")
}

// countingBLAS counts the multiply-adds of every Sgemm call it forwards.
type countingBLAS struct {
	gonum.Implementation
	macs *int
}

func (c countingBLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, cm []float32, ldc int) {
	*c.macs += m * n * k
	c.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, cm, ldc)
}

// countMACs runs f with a counting BLAS installed and returns the
// multiply-adds of its matrix products.
func countMACs(t *testing.T, f func() error) int {
	t.Helper()
	var n int
	blas32.Use(countingBLAS{macs: &n})
	defer blas32.Use(gonum.Implementation{})
	require.NoError(t, f())
	return n
}

// TestStretchConvWork counts the multiply-adds the fused operator performs
// on the seed problem and compares them with the closed form and with
// stretch-then-conv: a 4×4 kernel over a stretch of 2 needs, per output
// phase along the stretched axis, 2 and 3 distinct samples (Nearest, 62.5%
// of 4) or 2 non-zero ones (Zeros, 50%).
func TestStretchConvWork(t *testing.T) {
	rng := rand.New(rand.NewPCG(32, 1))
	x, w := randTensor(rng, 1, 1, 100, 100), randTensor(rng, 1, 1, 4, 4)
	for _, c := range []struct {
		o     StretchOptions
		ratio float64
	}{{seedNearest, 0.625}, {seedZeros, 0.5}} {
		ts := newTwoStep(c.o, 1, 2)
		h, err := ts.stretch(x)
		require.NoError(t, err)
		var fusedY *Tensor
		fused := countMACs(t, func() (err error) {
			fusedY, err = StretchConv(x, w, nil, c.o)
			return err
		})
		conv := countMACs(t, func() error {
			_, err := Conv(h, w, nil, c.o.ConvOptions)
			return err
		})
		// Closed form: every output along H reads 4 taps; along W each
		// output reads as many taps as it has distinct (Nearest) or
		// non-zero (Zeros) stretched samples.
		closed := 0
		for o := 0; o < fusedY.Shape[3]; o++ {
			seen := map[int]bool{}
			for j := 0; j < 4; j++ {
				t := o + j - c.o.PadLo[1]
				if c.o.Mode == Zeros && t%2 != 0 {
					continue
				}
				seen[floorDiv(t, 2)] = true
			}
			closed += len(seen)
		}
		closed *= fusedY.Shape[2] * 4
		require.Equal(t, closed, fused, "%v: multiply-adds", c.o.Mode)
		plan, err := NewStretchConvPlan(x.Shape, w.Shape, c.o)
		require.NoError(t, err)
		require.Equal(t, fused, plan.MACs(), "%v: the plan's count", c.o.Mode)
		require.Equal(t, 50*200*16, conv)
		require.InDelta(t, c.ratio, float64(fused)/float64(conv), 1e-12, "%v", c.o.Mode)
		t.Logf("%v: fused %d multiply-adds, stretch-then-conv %d (%.1f%%)", c.o.Mode, fused, conv, 100*float64(fused)/float64(conv))
		gy := randTensor(rng, fusedY.Shape...)
		back := countMACs(t, func() error {
			_, _, _, err := StretchConvBackward(x, w, gy, c.o)
			return err
		})
		require.Equal(t, 2*fused, back, "%v: backward does the forward's work once for gx and once for gw", c.o.Mode)
	}
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestStretchConvNoStretchedBuffer accounts for the memory StretchConv
// allocates on (8,32,100,100) → (8,32,50,200): besides its results it
// allocates less than a quarter of the stretched input, so no buffer of
// the stretched size exists, while the two-step composition allocates at
// least the stretched tensor.
func TestStretchConvNoStretchedBuffer(t *testing.T) {
	if testing.Short() {
		t.Skip("large tensors")
	}
	rng := rand.New(rand.NewPCG(33, 1))
	x, w := randTensor(rng, 8, 32, 100, 100), randTensor(rng, 32, 32, 4, 4)
	for _, o := range []StretchOptions{seedNearest, seedZeros} {
		ts := newTwoStep(o, 32, 2)
		h, err := ts.stretch(x)
		require.NoError(t, err)
		stretched := uint64(4 * len(h.Data))
		y, err := StretchConv(x, w, nil, o)
		require.NoError(t, err)
		gy := randTensor(rng, y.Shape...)
		results := uint64(4 * len(y.Data))
		fwd := allocated(func() { StretchConv(x, w, nil, o) })
		require.Less(t, fwd-results, stretched/4, "%v forward: %d bytes besides the %d-byte result; stretched input is %d", o.Mode, fwd-results, results, stretched)
		grads := uint64(4 * (len(x.Data) + len(w.Data) + 32))
		bwd := allocated(func() { StretchConvBackward(x, w, gy, o) })
		require.Less(t, bwd-grads, stretched/4, "%v backward: %d bytes besides the %d-byte gradients; stretched input is %d", o.Mode, bwd-grads, grads, stretched)
		two := allocated(func() { ts.forward(x, w, nil) })
		t.Logf("%v: beyond results, forward allocates %d bytes, backward %d; stretched input %d bytes; two-step forward %d",
			o.Mode, fwd-results, bwd-grads, stretched, two-results)
		require.GreaterOrEqual(t, two-results, stretched, "%v: the two-step forward should hold the stretched tensor", o.Mode)
	}
}
