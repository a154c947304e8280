package methods

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/anisoconv/aniso"
)

// Normal returns a tensor of the given shape with standard normal entries
// drawn from seed.
func Normal(seed uint64, shape ...int) *aniso.Tensor {
	t := aniso.New(shape...)
	rng := rand.New(rand.NewPCG(seed, 0x4e6f726d))
	for i := range t.Data {
		t.Data[i] = float32(rng.NormFloat64())
	}
	return t
}

// Norm returns the Euclidean norm of t's elements, accumulated in float64.
func Norm(t *aniso.Tensor) float64 {
	var s float64
	for _, v := range t.Data {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s)
}

// RelDiff returns max|a − b| / max|a|, the error of b relative to the
// scale of a, for tensors of the same shape.
func RelDiff(a, b *aniso.Tensor) float64 {
	if !slices.Equal(a.Shape, b.Shape) {
		return math.Inf(1)
	}
	var d, s float64
	for i, v := range a.Data {
		d = math.Max(d, math.Abs(float64(v)-float64(b.Data[i])))
		s = math.Max(s, math.Abs(float64(v)))
	}
	if s == 0 {
		return d
	}
	return d / s
}

// GradientFlow returns ‖dx‖/‖dy‖ at initialisation, averaged over seeds:
// for each seed the method is He-initialised, the output gradient dy is
// standard normal, and dx is the input gradient the backward pass returns.
// The method's parameters are left as the last seed set them.
func GradientFlow(m *Method, seeds []uint64) (float64, error) {
	if len(seeds) == 0 {
		return 0, fmt.Errorf("methods: gradient flow needs at least one seed")
	}
	var sum float64
	for _, seed := range seeds {
		m.Init(seed)
		acts, err := m.ForwardTrace(Normal(seed, m.In...))
		if err != nil {
			return 0, err
		}
		gy := Normal(seed^0x9e3779b97f4a7c15, m.Out...)
		gx, _, err := m.Backward(acts, gy)
		if err != nil {
			return 0, err
		}
		sum += Norm(gx) / Norm(gy)
	}
	return sum / float64(len(seeds)), nil
}

// PhaseSpread measures the checkerboard a method prints on a constant
// input. Each seed He-initialises the method (zero biases) and feeds it an
// all-ones input. On every axis that grows by u, the interior outputs of
// each channel fall into u phases (o mod u); a method without checkerboard
// gives every phase the same mean. Outputs as close to either end of an axis
// as the method's kernels are long (the sum over its steps) are left out,
// as padding rather than the phase changes them, but at least one output
// is kept. The result, averaged over seeds, is
//
//	RMS over channels of (max phase mean − min phase mean)
//	------------------------------------------------------
//	RMS over channels and phases of the phase means
//
// 0 when every phase agrees, about 1 or more when the phases differ as
// much as the signal. It is 0 when no axis grows.
func PhaseSpread(m *Method, seeds []uint64) (float64, error) {
	if len(seeds) == 0 {
		return 0, fmt.Errorf("methods: phase spread needs at least one seed")
	}
	x := aniso.New(m.In...)
	for i := range x.Data {
		x.Data[i] = 1
	}
	var sum float64
	for _, seed := range seeds {
		m.Init(seed)
		y, err := m.Forward(x)
		if err != nil {
			return 0, err
		}
		sum += phaseSpread(y, m.In, m.reach())
	}
	return sum / float64(len(seeds)), nil
}

// reach returns, per spatial axis, the summed kernel lengths of the steps.
func (m *Method) reach() []int {
	r := make([]int, len(m.In)-2)
	for _, l := range m.layers {
		for a := range r {
			if l.w != nil {
				r[a] += l.w.Shape[2+a]
			} else {
				r[a] += l.unpool.Ksize[a]
			}
		}
	}
	return r
}

func phaseSpread(y *aniso.Tensor, in, margin []int) float64 {
	shape := y.Shape[2:]
	var num, den float64
	nnum, nden := 0, 0
	for a, out := range shape {
		if out <= in[2+a] || out%in[2+a] != 0 {
			continue
		}
		u := out / in[2+a]
		for n := 0; n < y.Shape[0]; n++ {
			for c := 0; c < y.Shape[1]; c++ {
				sums, cnt := make([]float64, u), make([]int, u)
				plane := y.Data[(n*y.Shape[1]+c)*volume(shape):][:volume(shape)]
				idx := make([]int, len(shape))
				for i, v := range plane {
					r := i
					inside := true
					for b := len(shape) - 1; b >= 0; b-- {
						idx[b] = r % shape[b]
						r /= shape[b]
						mg := min(margin[b], (shape[b]-1)/2)
						if idx[b] < mg || idx[b] >= shape[b]-mg {
							inside = false
						}
					}
					if inside {
						sums[idx[a]%u] += float64(v)
						cnt[idx[a]%u]++
					}
				}
				lo, hi := math.Inf(1), math.Inf(-1)
				for r := range sums {
					mean := sums[r] / float64(cnt[r])
					lo, hi = math.Min(lo, mean), math.Max(hi, mean)
					den += mean * mean
					nden++
				}
				num += (hi - lo) * (hi - lo)
				nnum++
			}
		}
	}
	if nnum == 0 || den == 0 {
		return 0
	}
	return math.Sqrt(num/float64(nnum)) / math.Sqrt(den/float64(nden))
}
