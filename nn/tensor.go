package nn

import (
	"math"
	"math/bits"

	"github.com/anisoconv/aniso"
)

// checkTensor validates that t describes a readable array: not nil, Strides
// empty or of Shape's length, sizes and strides non-negative, at most
// aniso.MaxElements elements, and every addressed element inside Data.
func checkTensor(op, name string, t *aniso.Tensor) error {
	if t == nil {
		return errorf(op, aniso.ErrNilTensor, "%s is nil", name)
	}
	if t.Strides != nil && len(t.Strides) != len(t.Shape) {
		return errorf(op, aniso.ErrData, "%s has %d strides for %d dimensions", name, len(t.Strides), len(t.Shape))
	}
	for i, d := range t.Shape {
		if d < 0 {
			return errorf(op, aniso.ErrData, "%s: dimension %d has negative size %d", name, i, d)
		}
	}
	n := t.Size()
	if n < 0 || n > aniso.MaxElements {
		return errorf(op, aniso.ErrTooLarge, "%s: shape %v exceeds %d elements", name, t.Shape, aniso.MaxElements)
	}
	if n == 0 {
		return nil
	}
	last := n - 1
	if t.Strides != nil {
		last = 0
		for i, d := range t.Shape {
			s := t.Strides[i]
			if s < 0 {
				return errorf(op, aniso.ErrData, "%s: dimension %d has negative stride %d", name, i, s)
			}
			hi, lo := bits.Mul64(uint64(d-1), uint64(s))
			if hi != 0 || lo > math.MaxInt-uint64(last) {
				return errorf(op, aniso.ErrTooLarge, "%s: strides %v overflow for shape %v", name, t.Strides, t.Shape)
			}
			last += int(lo)
		}
	}
	if last >= len(t.Data) {
		return errorf(op, aniso.ErrData, "%s: shape %v with strides %v reaches element %d, but Data has %d", name, t.Shape, t.Strides, last, len(t.Data))
	}
	return nil
}

// contiguous reports whether t is laid out row-major without gaps.
func contiguous(t *aniso.Tensor) bool {
	if t.Strides == nil {
		return true
	}
	s := 1
	for i := len(t.Shape) - 1; i >= 0; i-- {
		if t.Shape[i] != 1 && t.Strides[i] != s {
			return false
		}
		s *= t.Shape[i]
	}
	return true
}

// checkDense validates t as checkTensor does and requires it to be
// contiguous, so that its elements are Data[:Size()].
func checkDense(op, name string, t *aniso.Tensor) error {
	if err := checkTensor(op, name, t); err != nil {
		return err
	}
	if !contiguous(t) {
		return errorf(op, aniso.ErrData, "%s must be contiguous, has strides %v for shape %v", name, t.Strides, t.Shape)
	}
	return nil
}

// gather copies the elements of the valid tensor t into dst in row-major
// order; dst has t.Size() elements.
func gather(dst []float32, t *aniso.Tensor) {
	// An empty tensor's strides are not checked and must not be walked.
	if len(dst) == 0 {
		return
	}
	if contiguous(t) {
		copy(dst, t.Data[:len(dst)])
		return
	}
	gatherStrided(dst, t.Data, t.Shape, t.Strides)
}

// elements returns the elements of the valid tensor t in row-major order:
// t.Data itself when t is contiguous, so that a caller reads it in place,
// and otherwise dst filled by gather. dst has t.Size() elements.
func elements(dst []float32, t *aniso.Tensor) []float32 {
	if len(dst) > 0 && contiguous(t) {
		return t.Data[:len(dst)]
	}
	gather(dst, t)
	return dst
}

func gatherStrided(dst, src []float32, shape, strides []int) int {
	if len(shape) == 1 {
		for i := 0; i < shape[0]; i++ {
			dst[i] = src[i*strides[0]]
		}
		return shape[0]
	}
	n := 0
	for i := 0; i < shape[0]; i++ {
		n += gatherStrided(dst[n:], src[i*strides[0]:], shape[1:], strides[1:])
	}
	return n
}

// setEach sets every element of the valid tensor t to next(), in row-major
// order; elements in the gaps of a strided t are left alone.
func setEach(t *aniso.Tensor, next func() float32) {
	n := t.Size()
	if n == 0 {
		return
	}
	if contiguous(t) {
		for i := range t.Data[:n] {
			t.Data[i] = next()
		}
		return
	}
	setStrided(t.Data, t.Shape, t.Strides, next)
}

func setStrided(dst []float32, shape, strides []int, next func() float32) {
	for i := 0; i < shape[0]; i++ {
		if len(shape) == 1 {
			dst[i*strides[0]] = next()
			continue
		}
		setStrided(dst[i*strides[0]:], shape[1:], strides[1:], next)
	}
}
