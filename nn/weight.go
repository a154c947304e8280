package nn

import (
	"math/rand/v2"
	"slices"

	"github.com/anisoconv/aniso"
)

// WeightOptions are the switches of the weight layers; the zero value
// trains everything.
type WeightOptions struct {
	NoInputGrad bool // Backward skips the input gradient and returns nil (a first layer)
	Frozen      bool // the weights and bias are fixed: no gradients computed (Grad nil), not in Params
	NoBias      bool
}

// plan is what the weight layers need of aniso's ConvPlan, DeconvPlan and
// StretchConvPlan.
type plan interface {
	OutShape() []int
	Forward(y, x, w, b *aniso.Tensor) error
	BackwardAdd(gx, gw, gb, x, w, gy *aniso.Tensor) error
}

// weightState is what a weight layer keeps for one input shape: the plan
// and the tensors it writes.
type weightState struct {
	shape []int
	plan  plan
	y, gx *aniso.Tensor // gx is nil with NoInputGrad
}

// weightLayer is the machinery Conv, Deconv and StretchConv share.
type weightLayer struct {
	op      string
	wo      WeightOptions
	in      int // input channels
	rank    int // spatial axes
	newPlan func(x, w []int) (plan, error)
	states  []*weightState
	cur     *weightState  // the state of the last Forward
	x       *aniso.Tensor // the input of the last Forward
}

// newWeights checks the channel counts, the kernel and the groups of a
// weight layer and returns its weight shape: out×(in/G)×k…, or
// in×(out/G)×k… for a Deconv.
func newWeights(op string, in, out int, kernel []int, groups int, deconv bool) ([]int, error) {
	if in < 1 || out < 1 {
		return nil, errorf(op, aniso.ErrShape, "%d input and %d output channels must be at least 1", in, out)
	}
	if len(kernel) == 0 {
		return nil, errorf(op, aniso.ErrShape, "the kernel has no spatial axes")
	}
	if groups < 0 {
		return nil, errorf(op, aniso.ErrOption, "Groups %d is negative", groups)
	}
	g := max(groups, 1)
	if in%g != 0 || out%g != 0 {
		return nil, errorf(op, aniso.ErrShape, "%d input and %d output channels are not divisible by %d groups", in, out, g)
	}
	shape := []int{out, in / g}
	if deconv {
		shape = []int{in, out / g}
	}
	n := shape[0] * shape[1]
	for a, k := range kernel {
		if k < 1 {
			return nil, errorf(op, aniso.ErrShape, "axis %d: kernel size %d must be at least 1", a, k)
		}
		if n > aniso.MaxElements/k {
			return nil, errorf(op, aniso.ErrTooLarge, "weights %v×%v exceed %d elements", shape, kernel, aniso.MaxElements)
		}
		n *= k
	}
	return append(shape, kernel...), nil
}

// setup sets up the layer and its parameters: W He-normal with fan-in
// wShape[1]·Πk, B zero.
func (l *weightLayer) setup(rng *rand.Rand, op string, in int, wShape []int, outC int, wo WeightOptions, newPlan func(x, w []int) (plan, error)) (w, b *Param, err error) {
	if rng == nil {
		return nil, nil, errorf(op, aniso.ErrOption, "rng is nil")
	}
	*l = weightLayer{op: op, wo: wo, in: in, rank: len(wShape) - 2, newPlan: newPlan}
	w = newParam("weight", wo.Frozen, wShape...)
	fanIn, _ := Fans(wShape)
	HeNormal(rng, w.Value, fanIn)
	if !wo.NoBias {
		b = newParam("bias", wo.Frozen, outC)
	}
	return w, b, nil
}

// params lists W and B unless the layer is frozen.
func (l *weightLayer) params(w, b *Param) []*Param {
	if l.wo.Frozen {
		return nil
	}
	if b == nil {
		return []*Param{w}
	}
	return []*Param{w, b}
}

// state returns the state of inputs of shape, building it on first use.
func (l *weightLayer) state(shape, wShape []int) (*weightState, error) {
	for _, s := range l.states {
		if slices.Equal(s.shape, shape) {
			return s, nil
		}
	}
	p, err := l.newPlan(shape, wShape)
	if err != nil {
		return nil, wrap(l.op, err)
	}
	s := &weightState{shape: append([]int(nil), shape...), plan: p, y: aniso.New(p.OutShape()...)}
	if !l.wo.NoInputGrad {
		s.gx = aniso.New(shape...)
	}
	l.states = append(l.states, s)
	return s, nil
}

func (l *weightLayer) checkWeights(w, b *Param) error {
	if w == nil {
		return errorf(l.op, aniso.ErrNilTensor, "W is nil")
	}
	if err := checkTensor(l.op, "W", w.Value); err != nil {
		return err
	}
	if b != nil {
		if err := checkTensor(l.op, "B", b.Value); err != nil {
			return err
		}
	}
	return nil
}

func (l *weightLayer) forward(x *aniso.Tensor, w, b *Param) (y *aniso.Tensor, err error) {
	defer guard(l.op, &err)
	// A failed Forward leaves nothing for Backward to use.
	l.cur, l.x = nil, nil
	if err := checkTensor(l.op, "x", x); err != nil {
		return nil, err
	}
	if len(x.Shape) != l.rank+2 {
		return nil, errorf(l.op, aniso.ErrShape, "x has shape %v, want N×%d and %d spatial axes", x.Shape, l.in, l.rank)
	}
	if x.Shape[1] != l.in {
		return nil, errorf(l.op, aniso.ErrShape, "x has %d channels, want %d", x.Shape[1], l.in)
	}
	if err := l.checkWeights(w, b); err != nil {
		return nil, err
	}
	s, err := l.state(x.Shape, w.Value.Shape)
	if err != nil {
		return nil, err
	}
	var bv *aniso.Tensor
	if b != nil {
		bv = b.Value
	}
	if err := s.plan.Forward(s.y, x, w.Value, bv); err != nil {
		return nil, wrap(l.op, err)
	}
	l.cur, l.x = s, x
	return s.y, nil
}

func (l *weightLayer) backward(gy *aniso.Tensor, w, b *Param) (gx *aniso.Tensor, err error) {
	defer guard(l.op, &err)
	s := l.cur
	if s == nil {
		return nil, errorf(l.op, ErrNoForward, "Backward called before Forward")
	}
	if err := checkTensor(l.op, "gy", gy); err != nil {
		return nil, err
	}
	if !slices.Equal(gy.Shape, s.y.Shape) {
		return nil, errorf(l.op, aniso.ErrShape, "gy has shape %v, the last output %v", gy.Shape, s.y.Shape)
	}
	if err := l.checkWeights(w, b); err != nil {
		return nil, err
	}
	// The plan adds the weight gradients straight into Grad: its GEMM
	// accumulates onto W.Grad, so accumulation costs no extra pass.
	var gw, gb *aniso.Tensor
	if !l.wo.Frozen {
		if err := l.checkGrad("W", w); err != nil {
			return nil, err
		}
		gw = w.Grad
		if b != nil {
			if err := l.checkGrad("B", b); err != nil {
				return nil, err
			}
			gb = b.Grad
		}
	}
	if s.gx == nil && gw == nil {
		return nil, nil
	}
	if err := s.plan.BackwardAdd(s.gx, gw, gb, l.x, w.Value, gy); err != nil {
		return nil, wrap(l.op, err)
	}
	return s.gx, nil
}

// checkGrad validates the gradient a Backward adds into.
func (l *weightLayer) checkGrad(name string, p *Param) error {
	// The name is built only on failure: a step must not allocate.
	if checkDense(l.op, "", p.Grad) != nil {
		return checkDense(l.op, name+".Grad", p.Grad)
	}
	if !slices.Equal(p.Grad.Shape, p.Value.Shape) {
		return errorf(l.op, aniso.ErrShape, "%s.Grad has shape %v, %s.Value %v", name, p.Grad.Shape, name, p.Value.Shape)
	}
	return nil
}
