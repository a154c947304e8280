package nn

import "github.com/anisoconv/aniso"

// PixelShuffle is aniso.PixelShuffle as a layer: it moves blocks of
// channels into space by a factor per spatial axis,
// N×(C·r1⋯rn)×D1×…×Dn → N×C×(r1·D1)×…×(rn·Dn), the second half of a
// sub-pixel convolution. Backward is aniso.PixelUnshuffle of the output
// gradient. It has no parameters.
type PixelShuffle struct {
	l freeLayer
}

// NewPixelShuffle returns a pixel shuffle layer by factors, one per
// spatial axis, which are checked against the input when Forward first
// sees its shape.
func NewPixelShuffle(factors []int) *PixelShuffle {
	factors = clone(factors)
	return &PixelShuffle{l: freeLayer{op: "pixelshuffle", newPlan: func(x []int) (freePlan, error) {
		return aniso.NewPixelShufflePlan(x, factors)
	}}}
}

// Forward returns PixelShuffle(x), a tensor the layer owns; the first
// input of each shape builds and keeps an aniso.PixelShufflePlan. Errors
// wrap aniso's sentinels.
func (l *PixelShuffle) Forward(x *aniso.Tensor) (*aniso.Tensor, error) { return l.l.forward(x) }

// Backward returns the input gradient of the last Forward for the output
// gradient gy, PixelUnshuffle(gy). Before any Forward the error wraps
// ErrNoForward.
func (l *PixelShuffle) Backward(gy *aniso.Tensor) (*aniso.Tensor, error) { return l.l.backward(gy) }

// Params returns nil: PixelShuffle has none.
func (l *PixelShuffle) Params() []*Param { return nil }
