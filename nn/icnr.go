package nn

import (
	"math/rand/v2"

	"github.com/anisoconv/aniso"
)

// ICNR initialises the weight w of a convolution that feeds a
// PixelShuffle by factors (Aitken et al. 2017, "checkerboard artifact free
// sub-pixel convolution"). w is (C·R)×Cin×k1×…×kn with R = r1·…·rn, one
// factor per spatial axis. ICNR draws a kernel W₀ of shape C×Cin×k1×…×kn
// He-normal with variance 2/fanIn, in row-major order from rng, and gives
// every output channel of block c the same weights:
//
//	w[c·R + q] = W₀[c]   for 0 ≤ q < R.
//
// PixelShuffle turns the R channels of block c into the R phases of output
// channel c, so with biases equal across each block (the zero biases of
// NewConv are) the convolution followed by PixelShuffle is, at
// initialisation, the convolution by W₀ followed by a nearest stretch of
// its output by the factors: every output sample of a block of r1×…×rn is
// the same, and the checkerboard of a randomly initialised sub-pixel
// convolution is absent. For He's choice pass fanIn = Cin·Πk, the fan-in
// Fans gives for w. With groups, R must divide the output channels per
// group, so that each block lies in one group.
//
// w may be strided; its gaps are left alone. Errors wrap aniso.ErrOption
// (rng nil, factors of the wrong length or below 1, fanIn below 1),
// aniso.ErrShape (w's first size not a multiple of R) or the error of an
// invalid w; nothing is written then.
func ICNR(rng *rand.Rand, w *aniso.Tensor, factors []int, fanIn int) (err error) {
	const op = "icnr"
	defer guard(op, &err)
	if rng == nil {
		return errorf(op, aniso.ErrOption, "rng is nil")
	}
	if err := checkTensor(op, "w", w); err != nil {
		return err
	}
	if len(w.Shape) < 3 {
		return errorf(op, aniso.ErrShape, "w has shape %v, want (C·R)×Cin×k1×…×kn with at least one spatial axis", w.Shape)
	}
	if len(factors) != len(w.Shape)-2 {
		return errorf(op, aniso.ErrOption, "factors has %d values for %d spatial axes", len(factors), len(w.Shape)-2)
	}
	phases := 1
	for a, r := range factors {
		if r < 1 {
			return errorf(op, aniso.ErrOption, "axis %d: factor %d must be at least 1", a, r)
		}
		if phases > w.Shape[0]/r {
			return errorf(op, aniso.ErrShape, "w has %d output channels, fewer than the phases of factors %v", w.Shape[0], factors)
		}
		phases *= r
	}
	if w.Shape[0]%phases != 0 {
		return errorf(op, aniso.ErrShape, "w has %d output channels, not a multiple of the %d phases of factors %v", w.Shape[0], phases, factors)
	}
	if fanIn < 1 {
		return errorf(op, aniso.ErrOption, "fanIn %d must be at least 1", fanIn)
	}
	row := w.Size() / w.Shape[0]
	w0 := aniso.New(append([]int{w.Shape[0] / phases}, w.Shape[1:]...)...)
	HeNormal(rng, w0, fanIn)
	// Element e of w, in row-major order, belongs to output channel e/row,
	// whose block is e/row/R.
	e := 0
	setEach(w, func() float32 {
		v := w0.Data[e/row/phases*row+e%row]
		e++
		return v
	})
	return nil
}
