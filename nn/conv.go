package nn

import (
	"math/rand/v2"

	"github.com/anisoconv/aniso"
)

// Conv is a convolution layer, aniso.Conv with learnable weights and bias:
// N×in×D1×…×Dn → N×out×E1×…×En.
type Conv struct {
	W *Param // out×(in/G)×k1×…×kn
	B *Param // out; nil with NoBias
	l weightLayer
}

// NewConv returns a convolution layer from in to out channels with the
// given kernel sizes (one per spatial axis) and geometry. W is
// He-normal, with variance 2/fanIn and fanIn = (in/G)·Πk, the number of
// inputs of one output sample; B is zero. Parameters are named "weight"
// and "bias". Errors wrap aniso.ErrShape, aniso.ErrOption or
// aniso.ErrTooLarge; the options are checked against the input when
// Forward first sees its shape.
func NewConv(rng *rand.Rand, in, out int, kernel []int, o aniso.ConvOptions, wo WeightOptions) (layer *Conv, err error) {
	const op = "conv"
	defer guard(op, &err)
	wShape, err := newWeights(op, in, out, kernel, o.Groups, false)
	if err != nil {
		return nil, err
	}
	o = cloneConvOptions(o)
	c := &Conv{}
	c.W, c.B, err = c.l.setup(rng, op, in, wShape, out, wo, func(x, w []int) (plan, error) {
		return aniso.NewConvPlan(x, w, o)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Forward returns the convolution of x (any batch size, strided or not).
// The first input of each shape builds an aniso.ConvPlan and the output
// and input-gradient tensors, which the layer keeps and reuses for that
// shape: the result is valid until the next Forward of that shape, and
// later inputs of a seen shape allocate nothing. x must not change before
// Backward. Errors wrap aniso's sentinels or the plan's error.
func (c *Conv) Forward(x *aniso.Tensor) (*aniso.Tensor, error) { return c.l.forward(x, c.W, c.B) }

// Backward adds the gradients of the last Forward for the output gradient
// gy into W.Grad and B.Grad, unless Frozen, and returns the input
// gradient, or nil with NoInputGrad. Before any Forward the error wraps
// ErrNoForward.
func (c *Conv) Backward(gy *aniso.Tensor) (*aniso.Tensor, error) { return c.l.backward(gy, c.W, c.B) }

// Params returns W and B (if any); none when Frozen.
func (c *Conv) Params() []*Param { return c.l.params(c.W, c.B) }

// cloneConvOptions copies the slices of o, so that a layer does not see
// later changes the caller makes to them.
func cloneConvOptions(o aniso.ConvOptions) aniso.ConvOptions {
	o.Stride = clone(o.Stride)
	o.PadLo = clone(o.PadLo)
	o.PadHi = clone(o.PadHi)
	o.Dilation = clone(o.Dilation)
	return o
}

func clone(s []int) []int {
	if s == nil {
		return nil
	}
	return append([]int(nil), s...)
}
