package nn

import (
	"math/rand/v2"

	"github.com/anisoconv/aniso"
)

// StretchConv is aniso.StretchConv with learnable weights and bias: a
// convolution of the input stretched per axis, which grows some axes while
// it shrinks others, N×in×D1×…×Dn → N×out×E1×…×En.
type StretchConv struct {
	W *Param // out×(in/G)×k1×…×kn
	B *Param // out; nil with NoBias
	l weightLayer
}

// NewStretchConv returns a StretchConv layer from in to out channels with
// the given kernel sizes and geometry. W is He-normal with fanIn =
// (in/G)·Πk, as for the convolution of the stretched input; B is zero.
// Parameters are named "weight" and "bias". Errors are as for NewConv.
func NewStretchConv(rng *rand.Rand, in, out int, kernel []int, o aniso.StretchOptions, wo WeightOptions) (layer *StretchConv, err error) {
	const op = "stretchconv"
	defer guard(op, &err)
	wShape, err := newWeights(op, in, out, kernel, o.Groups, false)
	if err != nil {
		return nil, err
	}
	o.ConvOptions = cloneConvOptions(o.ConvOptions)
	o.Stretch, o.OutSize = clone(o.Stretch), clone(o.OutSize)
	s := &StretchConv{}
	s.W, s.B, err = s.l.setup(rng, op, in, wShape, out, wo, func(x, w []int) (plan, error) {
		return aniso.NewStretchConvPlan(x, w, o)
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Forward returns the StretchConv of x, running an aniso.StretchConvPlan
// kept per input shape, with results owned as by Conv.Forward.
func (s *StretchConv) Forward(x *aniso.Tensor) (*aniso.Tensor, error) {
	return s.l.forward(x, s.W, s.B)
}

// Backward is as Conv.Backward.
func (s *StretchConv) Backward(gy *aniso.Tensor) (*aniso.Tensor, error) {
	return s.l.backward(gy, s.W, s.B)
}

// Params returns W and B (if any); none when Frozen.
func (s *StretchConv) Params() []*Param { return s.l.params(s.W, s.B) }
