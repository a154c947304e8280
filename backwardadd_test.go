package aniso

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBackwardAdd checks that BackwardAdd adds the weight and bias
// gradients of Backward onto what gw and gb hold, overwrites gx, gives the
// same bits on one thread as on several, and leaves gw and gb alone for a
// batch of 0.
func TestBackwardAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(74, 1))
	for _, p := range testPlans(t, 6) {
		if p.add == nil {
			continue
		}
		for _, n := range []int{6, 2} {
			x, w := randTensor(rng, withBatch(p.x, n)...), randTensor(rng, p.w...)
			gy := randTensor(rng, withBatch(p.out, n)...)
			nb := p.w[0]
			if p.name == "deconv" {
				nb = p.out[1]
			}
			gx, gw, gb := New(x.Shape...), New(w.Shape...), New(nb)
			require.NoError(t, p.backward(gx, gw, gb, x, w, gy))

			gw0, gb0 := randTensor(rng, w.Shape...), randTensor(rng, nb)
			var runs [][3][]float32
			for _, threads := range []int{1, 0} {
				SetMaxThreads(threads)
				ax := New(x.Shape...)
				for i := range ax.Data {
					ax.Data[i] = 1e9 // overwritten, not accumulated
				}
				aw := &Tensor{Data: append([]float32(nil), gw0.Data...), Shape: w.Shape}
				ab := &Tensor{Data: append([]float32(nil), gb0.Data...), Shape: []int{nb}}
				require.NoError(t, p.add(ax, aw, ab, x, w, gy))
				runs = append(runs, [3][]float32{ax.Data, aw.Data, ab.Data})
			}
			SetMaxThreads(0)
			require.Equal(t, runs[0], runs[1], "%s, batch %d: threads", p.name, n)
			require.Equal(t, gx.Data, runs[0][0], "%s, batch %d: gx", p.name, n)
			for _, c := range []struct {
				name      string
				got, base []float32
				grad      []float32
			}{{"gw", runs[0][1], gw0.Data, gw.Data}, {"gb", runs[0][2], gb0.Data, gb.Data}} {
				for i := range c.got {
					want := float64(c.base[i]) + float64(c.grad[i])
					tol := 1e-5 * (1 + math.Abs(float64(c.base[i])) + math.Abs(float64(c.grad[i])))
					require.InDelta(t, want, float64(c.got[i]), tol, "%s, batch %d: %s[%d]", p.name, n, c.name, i)
				}
			}
		}
		// A batch of 0 adds nothing.
		x, w := New(withBatch(p.x, 0)...), randTensor(rng, p.w...)
		gw0 := randTensor(rng, w.Shape...)
		gw := &Tensor{Data: append([]float32(nil), gw0.Data...), Shape: w.Shape}
		require.NoError(t, p.add(nil, gw, nil, x, w, New(withBatch(p.out, 0)...)))
		require.Equal(t, gw0.Data, gw.Data)
	}
}

// TestBackwardAddAllocations checks that BackwardAdd allocates nothing
// after its first call.
func TestBackwardAddAllocations(t *testing.T) {
	rng := rand.New(rand.NewPCG(75, 1))
	for _, p := range testPlans(t, 16) {
		if p.add == nil {
			continue
		}
		x, w := randTensor(rng, p.x...), randTensor(rng, p.w...)
		gy := randTensor(rng, p.out...)
		gx, gw, gb := New(x.Shape...), New(w.Shape...), New(p.out[1])
		f := func() {
			if err := p.add(gx, gw, gb, x, w, gy); err != nil {
				t.Fatal(err)
			}
		}
		f()
		require.Zero(t, testing.AllocsPerRun(5, f), p.name)
	}
}
