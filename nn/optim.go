package nn

import (
	"math"

	"github.com/anisoconv/aniso"
)

// SGD is stochastic gradient descent with momentum, in the formulation of
// PyTorch's torch.optim.SGD with dampening 0. For each parameter θ with
// gradient g, step t = 1, 2, … computes
//
//	g ← g + λθ                       (WeightDecay λ)
//	b ← g at t = 1, μb + g after     (Momentum μ > 0)
//	g ← g + μb (Nesterov) or b
//	θ ← θ − γg                       (LR γ)
//
// The fields may be changed between steps. The momentum buffers are
// allocated by the first Step, which is the only one that allocates.
type SGD struct {
	LR, Momentum, WeightDecay float64
	Nesterov                  bool

	params []*Param
	buf    [][]float32
}

// NewSGD returns plain SGD on params with learning rate lr; set Momentum,
// Nesterov and WeightDecay on the result.
func NewSGD(params []*Param, lr float64) *SGD {
	return &SGD{LR: lr, params: append([]*Param(nil), params...)}
}

// Step updates every parameter from its gradient, in float64 with the
// result rounded to float32. It checks the options and every parameter
// before it changes any: errors wrap aniso.ErrOption for a negative or
// non-finite LR, Momentum or WeightDecay, or Nesterov without momentum,
// and aniso.ErrNilTensor, aniso.ErrShape or aniso.ErrData for a nil
// parameter, a gradient whose shape is not its value's, a tensor that is
// not contiguous, or a value whose size changed since the first step.
func (o *SGD) Step() (err error) {
	const op = "sgd"
	defer guard(op, &err)
	for _, h := range []struct {
		name string
		v    float64
	}{{"LR", o.LR}, {"Momentum", o.Momentum}, {"WeightDecay", o.WeightDecay}} {
		if !(h.v >= 0) || math.IsInf(h.v, 0) {
			return errorf(op, aniso.ErrOption, "%s %g must be finite and not negative", h.name, h.v)
		}
	}
	if o.Nesterov && o.Momentum == 0 {
		return errorf(op, aniso.ErrOption, "Nesterov needs a positive Momentum")
	}
	if err := checkParams(op, o.params, o.buf); err != nil {
		return err
	}
	if o.Momentum != 0 && o.buf == nil {
		o.buf = stateFor(o.params)
	}
	lr, mu, wd := o.LR, o.Momentum, o.WeightDecay
	for i, p := range o.params {
		v, g := p.Value.Data[:p.Value.Size()], p.Grad.Data
		for j, th := range v {
			d := float64(g[j]) + wd*float64(th)
			if mu != 0 {
				// A zero buffer makes the first step's b = g.
				b := mu*float64(o.buf[i][j]) + d
				o.buf[i][j] = float32(b)
				if o.Nesterov {
					d += mu * b
				} else {
					d = b
				}
			}
			v[j] = float32(float64(th) - lr*d)
		}
	}
	return nil
}

// Adam is the Adam optimiser (Kingma and Ba 2015) with bias correction,
// in the formulation of PyTorch's torch.optim.Adam and, with Decoupled,
// torch.optim.AdamW. For each parameter θ with gradient g, step
// t = 1, 2, … computes
//
//	g ← g + λθ            (WeightDecay λ, unless Decoupled)
//	θ ← θ − γλθ           (WeightDecay λ, if Decoupled: AdamW)
//	m ← β₁m + (1 − β₁)g
//	v ← β₂v + (1 − β₂)g²
//	θ ← θ − γ·m̂/(√v̂ + ε),   m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)
//
// with LR γ, Beta1 β₁, Beta2 β₂ and Eps ε. The fields may be changed
// between steps. The moment buffers are allocated by the first Step,
// which is the only one that allocates.
type Adam struct {
	LR, Beta1, Beta2, Eps, WeightDecay float64
	Decoupled                          bool

	params []*Param
	m, v   [][]float32
	t      int
}

// NewAdam returns Adam on params with learning rate lr and PyTorch's
// defaults Beta1 0.9, Beta2 0.999, Eps 10⁻⁸ and no weight decay. For AdamW
// set Decoupled and WeightDecay (PyTorch's AdamW default is 0.01).
func NewAdam(params []*Param, lr float64) *Adam {
	return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, params: append([]*Param(nil), params...)}
}

// Step updates every parameter from its gradient, in float64 with the
// results rounded to float32. It checks the options and every parameter
// before it changes any: errors wrap aniso.ErrOption for a negative or
// non-finite LR, Eps or WeightDecay, or betas outside [0, 1), and
// otherwise are as for SGD.Step.
func (o *Adam) Step() (err error) {
	const op = "adam"
	defer guard(op, &err)
	for _, h := range []struct {
		name string
		v    float64
	}{{"LR", o.LR}, {"Eps", o.Eps}, {"WeightDecay", o.WeightDecay}} {
		if !(h.v >= 0) || math.IsInf(h.v, 0) {
			return errorf(op, aniso.ErrOption, "%s %g must be finite and not negative", h.name, h.v)
		}
	}
	if !(o.Beta1 >= 0 && o.Beta1 < 1) || !(o.Beta2 >= 0 && o.Beta2 < 1) {
		return errorf(op, aniso.ErrOption, "Beta1 %g and Beta2 %g must be in [0, 1)", o.Beta1, o.Beta2)
	}
	if err := checkParams(op, o.params, o.m); err != nil {
		return err
	}
	if o.m == nil {
		o.m, o.v = stateFor(o.params), stateFor(o.params)
	}
	o.t++
	lr, b1, b2, eps, wd := o.LR, o.Beta1, o.Beta2, o.Eps, o.WeightDecay
	bc1 := 1 - math.Pow(b1, float64(o.t))
	bc2 := 1 - math.Pow(b2, float64(o.t))
	for i, p := range o.params {
		v, g := p.Value.Data[:p.Value.Size()], p.Grad.Data
		m1, m2 := o.m[i], o.v[i]
		for j, x := range v {
			th, d := float64(x), float64(g[j])
			if o.Decoupled {
				th -= lr * wd * th
			} else {
				d += wd * th
			}
			m := b1*float64(m1[j]) + (1-b1)*d
			s := b2*float64(m2[j]) + (1-b2)*d*d
			m1[j], m2[j] = float32(m), float32(s)
			th -= lr * (m / bc1) / (math.Sqrt(s/bc2) + eps)
			v[j] = float32(th)
		}
	}
	return nil
}

// checkParams validates the parameters of an optimiser and, once state
// exists, that their sizes still match it.
func checkParams(op string, params []*Param, state [][]float32) error {
	for i, p := range params {
		if err := checkParam(op, i, p); err != nil {
			return err
		}
		if state != nil && len(state[i]) != p.Value.Size() {
			return errorf(op, aniso.ErrShape, "param %s has %d elements, %d at the first step", p.Name, p.Value.Size(), len(state[i]))
		}
	}
	return nil
}

// stateFor returns a zero buffer per parameter, of its size.
func stateFor(params []*Param) [][]float32 {
	s := make([][]float32, len(params))
	for i, p := range params {
		s[i] = make([]float32, p.Value.Size())
	}
	return s
}
