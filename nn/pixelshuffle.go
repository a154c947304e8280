package nn

import "github.com/anisoconv/aniso"

// PixelShuffle is aniso.PixelShuffle as a layer: it moves blocks of
// channels into space by a factor per spatial axis,
// N×(C·r1⋯rn)×D1×…×Dn → N×C×(r1·D1)×…×(rn·Dn), the second half of a
// sub-pixel convolution. Backward is aniso.PixelUnshuffle of the output
// gradient. It has no parameters.
type PixelShuffle struct {
	factors []int
	states  []*shuffleState
	cur     *shuffleState
}

type shuffleState struct {
	shape []int
	plan  *aniso.PixelShufflePlan
	y, gx *aniso.Tensor
}

// NewPixelShuffle returns a pixel shuffle layer by factors, one per
// spatial axis, which are checked against the input when Forward first
// sees its shape.
func NewPixelShuffle(factors []int) *PixelShuffle {
	return &PixelShuffle{factors: clone(factors)}
}

// Forward returns PixelShuffle(x), a tensor the layer owns; the first
// input of each shape builds and keeps an aniso.PixelShufflePlan. Errors
// wrap aniso's sentinels.
func (l *PixelShuffle) Forward(x *aniso.Tensor) (y *aniso.Tensor, err error) {
	const op = "pixelshuffle"
	defer guard(op, &err)
	l.cur = nil // a failed Forward leaves nothing for Backward
	if err := checkTensor(op, "x", x); err != nil {
		return nil, err
	}
	var s *shuffleState
	for _, t := range l.states {
		if sameShape(t.shape, x.Shape) {
			s = t
			break
		}
	}
	if s == nil {
		p, err := aniso.NewPixelShufflePlan(x.Shape, l.factors)
		if err != nil {
			return nil, wrap(op, err)
		}
		s = &shuffleState{shape: append([]int(nil), x.Shape...), plan: p, y: aniso.New(p.OutShape()...), gx: aniso.New(x.Shape...)}
		l.states = append(l.states, s)
	}
	if err := s.plan.Forward(s.y, x); err != nil {
		return nil, wrap(op, err)
	}
	l.cur = s
	return s.y, nil
}

// Backward returns the input gradient of the last Forward for the output
// gradient gy, PixelUnshuffle(gy). Before any Forward the error wraps
// ErrNoForward.
func (l *PixelShuffle) Backward(gy *aniso.Tensor) (gx *aniso.Tensor, err error) {
	const op = "pixelshuffle"
	defer guard(op, &err)
	s := l.cur
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

// Params returns nil: PixelShuffle has none.
func (l *PixelShuffle) Params() []*Param { return nil }
