package aniso

import "math"

// newResult returns a new contiguous tensor of the given shape for a
// result that the operator writes in full. Where the build allows, its
// elements are not zeroed first (see makeUnzeroed): a one-shot call that
// writes ten megabytes would otherwise pay for writing them twice, the
// zeroing on the calling goroutine alone. The shape must be valid.
func newResult(shape ...int) *Tensor {
	n, ok := volume(shape)
	if !ok || n == 0 {
		return New(shape...)
	}
	t := &Tensor{Shape: append([]int(nil), shape...), Strides: rowMajor(shape), Data: makeUnzeroed(n)}
	if poisonResults {
		for i := range t.Data {
			t.Data[i] = poison
		}
	}
	return t
}

// poisonResults, set by the tests, fills the results of newResult with
// poison, so that an element an operator fails to write shows as a NaN
// rather than as a zero or a stale value that happens to be right.
var poisonResults bool

var poison = math.Float32frombits(0x7fc0dead)
