package nn

import (
	"slices"

	"github.com/anisoconv/aniso"
)

// freePlan is what the parameter-free layers need of aniso's
// PixelShufflePlan and UnpoolPlan.
type freePlan interface {
	OutShape() []int
	Forward(y, x *aniso.Tensor) error
	Backward(gx, gy *aniso.Tensor) error
}

// freeState is what a parameter-free layer keeps for one input shape:
// the plan and the tensors it writes.
type freeState struct {
	shape []int
	plan  freePlan
	y, gx *aniso.Tensor
}

// freeLayer is the machinery PixelShuffle and Unpool share.
type freeLayer struct {
	op      string
	newPlan func(x []int) (freePlan, error)
	states  []*freeState
	cur     *freeState // the state of the last Forward
}

// state returns the state of inputs of shape, building it on first use.
func (l *freeLayer) state(shape []int) (*freeState, error) {
	for _, s := range l.states {
		if slices.Equal(s.shape, shape) {
			return s, nil
		}
	}
	p, err := l.newPlan(shape)
	if err != nil {
		return nil, wrap(l.op, err)
	}
	s := &freeState{shape: append([]int(nil), shape...), plan: p, y: aniso.New(p.OutShape()...), gx: aniso.New(shape...)}
	l.states = append(l.states, s)
	return s, nil
}

func (l *freeLayer) forward(x *aniso.Tensor) (y *aniso.Tensor, err error) {
	defer guard(l.op, &err)
	// A failed Forward leaves nothing for Backward to use.
	l.cur = nil
	if err := checkTensor(l.op, "x", x); err != nil {
		return nil, err
	}
	s, err := l.state(x.Shape)
	if err != nil {
		return nil, err
	}
	if err := s.plan.Forward(s.y, x); err != nil {
		return nil, wrap(l.op, err)
	}
	l.cur = s
	return s.y, nil
}

func (l *freeLayer) backward(gy *aniso.Tensor) (gx *aniso.Tensor, err error) {
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
	if err := s.plan.Backward(s.gx, gy); err != nil {
		return nil, wrap(l.op, err)
	}
	return s.gx, nil
}
