package nn

import (
	"fmt"

	"github.com/anisoconv/aniso"
)

// Sequential runs layers one after the other. It is a Layer itself, so
// sequences nest.
type Sequential struct {
	Layers []Layer
	ready  bool // the last Forward succeeded: every layer holds its state
}

// NewSequential returns the sequence of layers. It prefixes the Name of
// every parameter of layer i with "i.", so that the names of a network's
// parameters are unique and read as PyTorch's state_dict keys do
// ("0.weight", "2.bias"; nested sequences give "1.0.weight").
func NewSequential(layers ...Layer) *Sequential {
	s := &Sequential{Layers: append([]Layer(nil), layers...)}
	for i, l := range s.Layers {
		if l == nil {
			continue
		}
		for _, p := range l.Params() {
			if p != nil {
				p.Name = fmt.Sprintf("%d.%s", i, p.Name)
			}
		}
	}
	return s
}

// Forward runs x through every layer and returns the last output, which
// the last layer owns.
func (s *Sequential) Forward(x *aniso.Tensor) (y *aniso.Tensor, err error) {
	const op = "sequential"
	defer guard(op, &err)
	// After a failed Forward the layers past the failure still hold an
	// older pass, which Backward must not mix in.
	s.ready = false
	for i, l := range s.Layers {
		if l == nil {
			return nil, errorf(op, aniso.ErrNilTensor, "layer %d is nil", i)
		}
		if x, err = l.Forward(x); err != nil {
			return nil, wrap(fmt.Sprintf("%s: layer %d", op, i), err)
		}
	}
	s.ready = true
	return x, nil
}

// Backward runs gy back through every layer, last first, and returns the
// input gradient of the first. A layer built with NoInputGrad stops the
// pass, which is an error when a layer before it has parameters, since
// they would not get their gradients.
func (s *Sequential) Backward(gy *aniso.Tensor) (gx *aniso.Tensor, err error) {
	const op = "sequential"
	defer guard(op, &err)
	if !s.ready {
		return nil, errorf(op, ErrNoForward, "Backward called without a successful Forward")
	}
	for i := len(s.Layers) - 1; i >= 0; i-- {
		l := s.Layers[i]
		if l == nil {
			return nil, errorf(op, aniso.ErrNilTensor, "layer %d is nil", i)
		}
		if gy, err = l.Backward(gy); err != nil {
			return nil, wrap(fmt.Sprintf("%s: layer %d", op, i), err)
		}
		if gy == nil && i > 0 {
			for j, l := range s.Layers[:i] {
				if l != nil && len(l.Params()) > 0 {
					return nil, errorf(op, aniso.ErrOption, "layer %d returned no input gradient, but layer %d before it has parameters", i, j)
				}
			}
			return nil, nil
		}
	}
	return gy, nil
}

// Params returns the parameters of every layer, in order.
func (s *Sequential) Params() []*Param {
	var ps []*Param
	for _, l := range s.Layers {
		if l != nil {
			ps = append(ps, l.Params()...)
		}
	}
	return ps
}
