package nn

import "github.com/anisoconv/aniso"

// Unpool is aniso.UnpoolND as a layer: Chainer's unpooling_nd, which
// copies every input sample into a window. It has no parameters.
type Unpool struct {
	o      aniso.UnpoolOptions
	states []*unpoolState
	cur    *unpoolState
}

type unpoolState struct {
	shape []int
	plan  *aniso.UnpoolPlan
	y, gx *aniso.Tensor
}

// NewUnpool returns an unpooling layer with the given geometry, which is
// checked against the input when Forward first sees its shape.
func NewUnpool(o aniso.UnpoolOptions) *Unpool {
	o.Ksize, o.Stride, o.Pad, o.OutSize = clone(o.Ksize), clone(o.Stride), clone(o.Pad), clone(o.OutSize)
	return &Unpool{o: o}
}

// Forward returns UnpoolND(x), running an aniso.UnpoolPlan kept per input
// shape, with results owned as by Conv.Forward. Errors wrap aniso's
// sentinels or the plan's error.
func (u *Unpool) Forward(x *aniso.Tensor) (y *aniso.Tensor, err error) {
	const op = "unpool"
	defer guard(op, &err)
	u.cur = nil
	if err := checkTensor(op, "x", x); err != nil {
		return nil, err
	}
	var s *unpoolState
	for _, t := range u.states {
		if sameShape(t.shape, x.Shape) {
			s = t
			break
		}
	}
	if s == nil {
		p, err := aniso.NewUnpoolPlan(x.Shape, u.o)
		if err != nil {
			return nil, wrap(op, err)
		}
		s = &unpoolState{shape: append([]int(nil), x.Shape...), plan: p, y: aniso.New(p.OutShape()...), gx: aniso.New(x.Shape...)}
		u.states = append(u.states, s)
	}
	if err := s.plan.Forward(s.y, x); err != nil {
		return nil, wrap(op, err)
	}
	u.cur = s
	return s.y, nil
}

// Backward returns the input gradient of the last Forward for the output
// gradient gy: each input sample receives the sum of gy over its window.
// Before any Forward the error wraps ErrNoForward.
func (u *Unpool) Backward(gy *aniso.Tensor) (gx *aniso.Tensor, err error) {
	const op = "unpool"
	defer guard(op, &err)
	s := u.cur
	if s == nil {
		return nil, errorf(op, ErrNoForward, "Backward called before Forward")
	}
	if err := checkTensor(op, "gy", gy); err != nil {
		return nil, err
	}
	if !sameShape(gy.Shape, s.y.Shape) {
		return nil, errorf(op, aniso.ErrShape, "gy has shape %v, the last output %v", gy.Shape, s.y.Shape)
	}
	if err := s.plan.Backward(s.gx, gy); err != nil {
		return nil, wrap(op, err)
	}
	return s.gx, nil
}

// Params returns nil: Unpool has none.
func (u *Unpool) Params() []*Param { return nil }
