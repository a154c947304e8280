package aniso

import (
	"math"
	"math/rand/v2"
	"slices"
)

// refRowMajor returns contiguous row-major strides for shape.
func refRowMajor(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
	return st
}

// refFromTensor reads t through its Shape and Strides (nil Strides means
// row-major) into a contiguous refArr.
func refFromTensor(t *Tensor) *refArr {
	st := t.Strides
	if st == nil {
		st = refRowMajor(t.Shape)
	}
	a := newRef(t.Shape...)
	k := 0
	for idx, ok := refFirst(t.Shape); ok; ok = refNext(idx, t.Shape) {
		off := 0
		for i, v := range idx {
			off += v * st[i]
		}
		a.Data[k] = float64(t.Data[off])
		k++
	}
	return a
}

// tensorFromRef makes a contiguous float32 *Tensor with explicit row-major
// strides from a. Values are rounded to float32.
func tensorFromRef(a *refArr) *Tensor {
	t := &Tensor{
		Data:    make([]float32, len(a.Data)),
		Shape:   slices.Clone(a.Shape),
		Strides: refRowMajor(a.Shape),
	}
	for i, v := range a.Data {
		t.Data[i] = float32(v)
	}
	return t
}

// randRef returns a refArr of the given shape with values uniform in
// [-1, 1). Every value is a multiple of 2⁻²³ and so exact in float32: a
// float32 tensor built from it holds the same numbers.
func randRef(rng *rand.Rand, shape ...int) *refArr {
	a := newRef(shape...)
	for i := range a.Data {
		// rng.Float32 is a multiple of 2⁻²⁴ in [0, 1); doubling it and
		// subtracting 1 is exact in float64 and stays representable in
		// float32.
		a.Data[i] = 2*float64(rng.Float32()) - 1
	}
	return a
}

// gappy returns a *Tensor holding a's values in a non-contiguous layout.
// The storage order of the dimensions is a random permutation, and every
// dimension's stride exceeds the extent of the dimensions stored inside it
// by a random gap of 1 to 3 elements. Every element of Data that no index
// addresses is NaN, so reading a wrong element shows up as NaN.
func gappy(rng *rand.Rand, a *refArr) *Tensor {
	r := len(a.Shape)
	order := rng.Perm(r) // order[r-1] is stored innermost
	strides := make([]int, r)
	span := 1
	for p := r - 1; p >= 0; p-- {
		d := order[p]
		strides[d] = span + 1 + rng.IntN(3)
		span = strides[d] * a.Shape[d]
	}
	size := 1 + rng.IntN(3) // trailing unaddressed elements
	empty := false
	for d, n := range a.Shape {
		if n == 0 {
			empty = true
		}
		size += (n - 1) * strides[d]
	}
	if empty {
		size = 1 + rng.IntN(3)
	}
	return scatter(a, strides, size)
}

// scatter returns a *Tensor of size elements holding a's values at the
// given strides and NaN everywhere else.
func scatter(a *refArr, strides []int, size int) *Tensor {
	t := &Tensor{Data: make([]float32, size), Shape: slices.Clone(a.Shape), Strides: strides}
	for i := range t.Data {
		t.Data[i] = float32(math.NaN())
	}
	k := 0
	for idx, ok := refFirst(a.Shape); ok; ok = refNext(idx, a.Shape) {
		off := 0
		for i, v := range idx {
			off += v * strides[i]
		}
		t.Data[off] = float32(a.Data[k])
		k++
	}
	return t
}

// refErr returns the normwise relative error of got against want,
//
//	max_i |got_i − want_i| / max_i |want_i|,
//
// with the denominator taken as 1 when want is all zeros (the error is then
// absolute), and 0 for empty arrays. It is +Inf if the shapes differ or got
// holds a NaN or an infinity. Normalising by the largest magnitude rather
// than per element keeps outputs that cancel to near zero from inflating
// the error; rounding errors of a sum of K products of O(1) values grow
// with K, so tolerances passed against it should scale with the reduction
// length.
func refErr(got, want *refArr) float64 {
	if !slices.Equal(got.Shape, want.Shape) || len(got.Data) != len(want.Data) {
		return math.Inf(1)
	}
	var diff, scale float64
	for i, w := range want.Data {
		v := got.Data[i]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return math.Inf(1)
		}
		diff = max(diff, math.Abs(v-w))
		scale = max(scale, math.Abs(w))
	}
	if scale == 0 {
		scale = 1
	}
	return diff / scale
}

// relErr returns the normwise relative error of the tensor got, read
// through its strides, against want, as refErr defines it: +Inf for a
// shape mismatch or any NaN or infinity in got.
func relErr(got *Tensor, want *refArr) float64 {
	if got == nil || !slices.Equal(got.Shape, want.Shape) {
		return math.Inf(1)
	}
	return refErr(refFromTensor(got), want)
}

// dotRef returns Σ a·b in float64. It panics if the arrays differ in
// length.
func dotRef(a, b *refArr) float64 {
	if len(a.Data) != len(b.Data) {
		panic("dotRef: length mismatch")
	}
	var s float64
	for i, v := range a.Data {
		s += v * b.Data[i]
	}
	return s
}
