package nn

import "github.com/anisoconv/aniso"

// Unpool is aniso.UnpoolND as a layer: Chainer's unpooling_nd, which
// copies every input sample into a window. It has no parameters.
type Unpool struct {
	l freeLayer
}

// NewUnpool returns an unpooling layer with the given geometry, which is
// checked against the input when Forward first sees its shape.
func NewUnpool(o aniso.UnpoolOptions) *Unpool {
	o.Ksize, o.Stride, o.Pad, o.OutSize = clone(o.Ksize), clone(o.Stride), clone(o.Pad), clone(o.OutSize)
	return &Unpool{l: freeLayer{op: "unpool", newPlan: func(x []int) (freePlan, error) {
		return aniso.NewUnpoolPlan(x, o)
	}}}
}

// Forward returns UnpoolND(x), running an aniso.UnpoolPlan kept per input
// shape, with results owned as by Conv.Forward. Errors wrap aniso's
// sentinels or the plan's error.
func (u *Unpool) Forward(x *aniso.Tensor) (*aniso.Tensor, error) { return u.l.forward(x) }

// Backward returns the input gradient of the last Forward for the output
// gradient gy: each input sample receives the sum of gy over its window.
// Before any Forward the error wraps ErrNoForward.
func (u *Unpool) Backward(gy *aniso.Tensor) (*aniso.Tensor, error) { return u.l.backward(gy) }

// Params returns nil: Unpool has none.
func (u *Unpool) Params() []*Param { return nil }
