package aniso

import (
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"
)

// overlapBLAS is gonum's implementation with a Sgemm that records how many
// calls run at once; it sleeps in each call so that goroutines allowed to
// overlap do.
type overlapBLAS struct {
	gonum.Implementation
	now, peak *atomic.Int64
}

func (c overlapBLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, cm []float32, ldc int) {
	v := c.now.Add(1)
	for {
		p := c.peak.Load()
		if v <= p || c.peak.CompareAndSwap(p, v) {
			break
		}
	}
	time.Sleep(200 * time.Microsecond)
	c.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, cm, ldc)
	c.now.Add(-1)
}

// TestThreadBounds counts the GEMM calls that run at once: SetMaxThreads
// and SetThreads bound them, GOMAXPROCS alone does not, and the results
// are the same bits under every bound.
func TestThreadBounds(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	var now, peak atomic.Int64
	blas32.Use(overlapBLAS{now: &now, peak: &peak})
	defer blas32.Use(gonum.Implementation{})
	defer SetMaxThreads(SetMaxThreads(0))

	rng := rand.New(rand.NewPCG(71, 1))
	x, w, b := randTensor(rng, 8, 8, 32, 32), randTensor(rng, 8, 8, 3, 3), randTensor(rng, 8)
	o := StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1}}, Stretch: []int{1, 2}}
	p, err := NewStretchConvPlan(x.Shape, w.Shape, o)
	require.NoError(t, err)
	gy := randTensor(rng, p.OutShape()...)
	run := func() [4][]float32 {
		y, gx, gw, gb := New(p.OutShape()...), New(x.Shape...), New(w.Shape...), New(8)
		require.NoError(t, p.Forward(y, x, w, b))
		require.NoError(t, p.Backward(gx, gw, gb, x, w, gy))
		return [4][]float32{y.Data, gx.Data, gw.Data, gb.Data}
	}
	measure := func() (int, [4][]float32) {
		peak.Store(0)
		r := run()
		return int(peak.Load()), r
	}
	free, want := measure()
	require.Greater(t, free, 2, "without a bound the calls should overlap")

	for _, c := range []struct {
		global, plan, want int
	}{{1, 0, 1}, {2, 0, 2}, {0, 1, 1}, {0, 3, 3}, {3, 2, 2}, {2, 3, 2}} {
		SetMaxThreads(c.global)
		p.SetThreads(c.plan)
		got, r := measure()
		require.LessOrEqual(t, got, c.want, "SetMaxThreads(%d), SetThreads(%d)", c.global, c.plan)
		require.Equal(t, want, r, "SetMaxThreads(%d), SetThreads(%d)", c.global, c.plan)
	}
	p.SetThreads(0)

	// One-shot calls follow the package bound too.
	SetMaxThreads(1)
	peak.Store(0)
	y, err := StretchConv(x, w, b, o)
	require.NoError(t, err)
	require.Equal(t, want[0], y.Data)
	require.EqualValues(t, 1, peak.Load())
	require.Equal(t, 1, SetMaxThreads(-5))
	require.Equal(t, 0, SetMaxThreads(0))
}
