package nn

import (
	"math/rand/v2"

	"github.com/anisoconv/aniso"
)

// Deconv is a transposed convolution layer, aniso.Deconv with learnable
// weights and bias: N×in×D1×…×Dn → N×out×E1×…×En.
type Deconv struct {
	W *Param // in×(out/G)×k1×…×kn, the layout of PyTorch, Chainer and ONNX
	B *Param // out; nil with NoBias
	l weightLayer
}

// NewDeconv returns a transposed convolution layer from in to out channels
// with the given kernel sizes and geometry. W is He-normal with variance
// 2/fanIn, where fanIn = (out/G)·Πk is computed from the weight's shape as
// PyTorch and Chainer do (the product of all but its first size). That
// is the fan-in of the convolution the layer transposes; an output sample
// of the Deconv itself sums about (in/G)·Πk/Πs inputs. B is zero.
// Parameters are named "weight" and "bias". Errors are as for NewConv.
func NewDeconv(rng *rand.Rand, in, out int, kernel []int, o aniso.DeconvOptions, wo WeightOptions) (layer *Deconv, err error) {
	const op = "deconv"
	defer guard(op, &err)
	wShape, err := newWeights(op, in, out, kernel, o.Groups, true)
	if err != nil {
		return nil, err
	}
	o.ConvOptions = cloneConvOptions(o.ConvOptions)
	o.OutputPadding = clone(o.OutputPadding)
	d := &Deconv{}
	d.W, d.B, err = d.l.setup(rng, op, in, wShape, out, wo, func(x, w []int) (plan, error) {
		return aniso.NewDeconvPlan(x, w, o)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Forward returns the transposed convolution of x, running an
// aniso.DeconvPlan kept per input shape, with results owned as by
// Conv.Forward.
func (d *Deconv) Forward(x *aniso.Tensor) (*aniso.Tensor, error) { return d.l.forward(x, d.W, d.B) }

// Backward is as Conv.Backward.
func (d *Deconv) Backward(gy *aniso.Tensor) (*aniso.Tensor, error) {
	return d.l.backward(gy, d.W, d.B)
}

// Params returns W and B (if any); none when Frozen.
func (d *Deconv) Params() []*Param { return d.l.params(d.W, d.B) }
