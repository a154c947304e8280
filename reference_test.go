package aniso

import (
	"fmt"
	"slices"
)

// This file holds a direct-loop float64 reference for every operator. Each
// output and each gradient is a nested loop written from its defining sum,
// with no im2col, no GEMM and no sharing between forward and backward code
// (apart from StretchConv, which is defined as Conv of the stretched input).
// All N-d loops walk their indices with refFirst/refNext, so one loop body
// serves every number of spatial axes.

// refArr is a contiguous row-major float64 array used only by the reference.
type refArr struct {
	Shape []int
	Data  []float64
}

// newRef returns a zeroed refArr of the given shape.
func newRef(shape ...int) *refArr {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return &refArr{Shape: slices.Clone(shape), Data: make([]float64, n)}
}

// pos returns the position in Data of element (b, c, sp…) of an
// N×C×D1×…×Dn array.
func (a *refArr) pos(b, c int, sp []int) int {
	off := b*a.Shape[1] + c
	for i, v := range sp {
		off = off*a.Shape[2+i] + v
	}
	return off
}

// refGeom is the geometry of one convolution, all slices of length n
// (number of spatial axes), already defaulted.
type refGeom struct {
	Stride, PadLo, PadHi, Dilation []int
	Groups                         int // ≥ 1
}

// refFirst returns the first index of shape in row-major order, all zeros,
// and whether shape has any element at all.
func refFirst(shape []int) ([]int, bool) {
	for _, d := range shape {
		if d <= 0 {
			return make([]int, len(shape)), false
		}
	}
	return make([]int, len(shape)), true
}

// refNext advances idx to the next index of shape in row-major order. It
// reports false, with idx back at all zeros, once idx was the last index.
// Together with refFirst it forms the loop
//
//	for idx, ok := refFirst(shape); ok; ok = refNext(idx, shape) { … }
func refNext(idx, shape []int) bool {
	for i := len(idx) - 1; i >= 0; i-- {
		idx[i]++
		if idx[i] < shape[i] {
			return true
		}
		idx[i] = 0
	}
	return false
}

// refFloorDiv returns ⌊a/b⌋ for b > 0, also for negative a.
func refFloorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// refInside reports whether every coordinate of p lies in [0, size).
func refInside(p, size []int) bool {
	for i := range p {
		if p[i] < 0 || p[i] >= size[i] {
			return false
		}
	}
	return true
}

// refMustShape panics if got differs from want. The reference does not
// validate geometry, but a gradient passed with the wrong shape would
// otherwise be read out of place without notice.
func refMustShape(what string, got, want []int) {
	if !slices.Equal(got, want) {
		panic(fmt.Sprintf("reference: %s has shape %v, want %v", what, got, want))
	}
}

// refConvSize returns the Conv output size per axis,
//
//	out = ⌊(n + lo + hi − dk)/s⌋ + 1,  dk = d(k−1) + 1.
func refConvSize(in, k []int, g refGeom) []int {
	out := make([]int, len(in))
	for a := range in {
		dk := g.Dilation[a]*(k[a]-1) + 1
		out[a] = refFloorDiv(in[a]+g.PadLo[a]+g.PadHi[a]-dk, g.Stride[a]) + 1
	}
	return out
}

// refDeconvSize returns the Deconv output size per axis,
//
//	out = s(n−1) + dk − lo − hi + a.
func refDeconvSize(in, k []int, g refGeom, outPad []int) []int {
	out := make([]int, len(in))
	for a := range in {
		dk := g.Dilation[a]*(k[a]-1) + 1
		out[a] = g.Stride[a]*(in[a]-1) + dk - g.PadLo[a] - g.PadHi[a] + outPad[a]
	}
	return out
}

// refConv computes the grouped N-d cross-correlation. x is N×C×D…, w is
// O×(C/G)×k…, b has length O or is nil:
//
//	y[n, o, p] = b[o] + Σ_{cl, j} w[o, cl, j] · x[n, g·C/G + cl, p·s + j·d − lo]
//
// per axis, with g = o/(O/G) and x zero outside the input. Negative pads
// crop.
func refConv(x, w *refArr, b []float64, g refGeom) *refArr {
	batch, chans, outChans := x.Shape[0], x.Shape[1], w.Shape[0]
	cg, og := chans/g.Groups, outChans/g.Groups
	in, k := x.Shape[2:], w.Shape[2:]
	out := refConvSize(in, k, g)
	y := newRef(append([]int{batch, outChans}, out...)...)
	src := make([]int, len(in))
	for n := 0; n < batch; n++ {
		for o := 0; o < outChans; o++ {
			grp := o / og
			for p, ok := refFirst(out); ok; ok = refNext(p, out) {
				var sum float64
				if b != nil {
					sum = b[o]
				}
				for cl := 0; cl < cg; cl++ {
					c := grp*cg + cl
					for j, ok := refFirst(k); ok; ok = refNext(j, k) {
						for a := range src {
							src[a] = p[a]*g.Stride[a] + j[a]*g.Dilation[a] - g.PadLo[a]
						}
						if refInside(src, in) {
							sum += w.Data[w.pos(o, cl, j)] * x.Data[x.pos(n, c, src)]
						}
					}
				}
				y.Data[y.pos(n, o, p)] = sum
			}
		}
	}
	return y
}

// refConvGrads returns the gradients of refConv with respect to x, w and b
// for the output gradient gy:
//
//	gb[o]        = Σ_{n, p} gy[n, o, p]
//	gw[o, cl, j] = Σ_{n, p} gy[n, o, p] · x[n, g·C/G + cl, p·s + j·d − lo]
//	gx[n, c, i]  = Σ { gy[n, o, p] · w[o, c − g·C/G, j] : o in group g, p·s + j·d − lo = i }
//
// gx gathers: for each input position and tap it solves for the output
// position p = (i + lo − j·d)/s, which must be a whole number in range.
func refConvGrads(x, w, gy *refArr, g refGeom) (gx, gw *refArr, gb []float64) {
	batch, chans, outChans := x.Shape[0], x.Shape[1], w.Shape[0]
	cg, og := chans/g.Groups, outChans/g.Groups
	in, k := x.Shape[2:], w.Shape[2:]
	out := refConvSize(in, k, g)
	refMustShape("conv output gradient", gy.Shape, append([]int{batch, outChans}, out...))

	gb = make([]float64, outChans)
	for n := 0; n < batch; n++ {
		for o := 0; o < outChans; o++ {
			for p, ok := refFirst(out); ok; ok = refNext(p, out) {
				gb[o] += gy.Data[gy.pos(n, o, p)]
			}
		}
	}

	gw = newRef(w.Shape...)
	src := make([]int, len(in))
	for o := 0; o < outChans; o++ {
		grp := o / og
		for cl := 0; cl < cg; cl++ {
			c := grp*cg + cl
			for j, ok := refFirst(k); ok; ok = refNext(j, k) {
				var sum float64
				for n := 0; n < batch; n++ {
					for p, ok := refFirst(out); ok; ok = refNext(p, out) {
						for a := range src {
							src[a] = p[a]*g.Stride[a] + j[a]*g.Dilation[a] - g.PadLo[a]
						}
						if refInside(src, in) {
							sum += gy.Data[gy.pos(n, o, p)] * x.Data[x.pos(n, c, src)]
						}
					}
				}
				gw.Data[gw.pos(o, cl, j)] = sum
			}
		}
	}

	gx = newRef(x.Shape...)
	dst := make([]int, len(in))
	for n := 0; n < batch; n++ {
		for c := 0; c < chans; c++ {
			grp, cl := c/cg, c%cg
			for i, ok := refFirst(in); ok; ok = refNext(i, in) {
				var sum float64
				for ol := 0; ol < og; ol++ {
					o := grp*og + ol
					for j, ok := refFirst(k); ok; ok = refNext(j, k) {
						hit := true
						for a := range dst {
							num := i[a] + g.PadLo[a] - j[a]*g.Dilation[a]
							if num < 0 || num%g.Stride[a] != 0 || num/g.Stride[a] >= out[a] {
								hit = false
								break
							}
							dst[a] = num / g.Stride[a]
						}
						if hit {
							sum += gy.Data[gy.pos(n, o, dst)] * w.Data[w.pos(o, cl, j)]
						}
					}
				}
				gx.Data[gx.pos(n, c, i)] = sum
			}
		}
	}
	return gx, gw, gb
}

// refDeconv computes the grouped N-d transposed convolution. x is N×C×D…,
// w is C×(O/G)×k…, b has length O or is nil, and the output is N×O×out…
// with out = s(n−1) + dk − lo − hi + a. Every input sample scatters:
//
//	y[n, g·O/G + ol, i·s + j·d − lo] += x[n, c, i] · w[c, ol, j],  g = c/(C/G)
//
// and contributions landing outside [0, out) are dropped.
func refDeconv(x, w *refArr, b []float64, g refGeom, outPad []int) *refArr {
	batch, chans, og := x.Shape[0], x.Shape[1], w.Shape[1]
	cg, outChans := chans/g.Groups, og*g.Groups
	in, k := x.Shape[2:], w.Shape[2:]
	out := refDeconvSize(in, k, g, outPad)
	y := newRef(append([]int{batch, outChans}, out...)...)
	if b != nil {
		for n := 0; n < batch; n++ {
			for o := 0; o < outChans; o++ {
				for p, ok := refFirst(out); ok; ok = refNext(p, out) {
					y.Data[y.pos(n, o, p)] = b[o]
				}
			}
		}
	}
	dst := make([]int, len(in))
	for n := 0; n < batch; n++ {
		for c := 0; c < chans; c++ {
			grp := c / cg
			for i, ok := refFirst(in); ok; ok = refNext(i, in) {
				v := x.Data[x.pos(n, c, i)]
				for ol := 0; ol < og; ol++ {
					o := grp*og + ol
					for j, ok := refFirst(k); ok; ok = refNext(j, k) {
						for a := range dst {
							dst[a] = i[a]*g.Stride[a] + j[a]*g.Dilation[a] - g.PadLo[a]
						}
						if refInside(dst, out) {
							y.Data[y.pos(n, o, dst)] += v * w.Data[w.pos(c, ol, j)]
						}
					}
				}
			}
		}
	}
	return y
}

// refDeconvGrads returns the gradients of refDeconv with respect to x, w
// and b for the output gradient gy:
//
//	gb[o]        = Σ_{n, p} gy[n, o, p]
//	gx[n, c, i]  = Σ_{ol, j} gy[n, g·O/G + ol, i·s + j·d − lo] · w[c, ol, j]
//	gw[c, ol, j] = Σ_{n, i} x[n, c, i] · gy[n, g·O/G + ol, i·s + j·d − lo]
//
// with gy read as zero outside its extent.
func refDeconvGrads(x, w, gy *refArr, g refGeom, outPad []int) (gx, gw *refArr, gb []float64) {
	batch, chans, og := x.Shape[0], x.Shape[1], w.Shape[1]
	cg, outChans := chans/g.Groups, og*g.Groups
	in, k := x.Shape[2:], w.Shape[2:]
	out := refDeconvSize(in, k, g, outPad)
	refMustShape("deconv output gradient", gy.Shape, append([]int{batch, outChans}, out...))

	gb = make([]float64, outChans)
	for n := 0; n < batch; n++ {
		for o := 0; o < outChans; o++ {
			for p, ok := refFirst(out); ok; ok = refNext(p, out) {
				gb[o] += gy.Data[gy.pos(n, o, p)]
			}
		}
	}

	gx = newRef(x.Shape...)
	dst := make([]int, len(in))
	for n := 0; n < batch; n++ {
		for c := 0; c < chans; c++ {
			grp := c / cg
			for i, ok := refFirst(in); ok; ok = refNext(i, in) {
				var sum float64
				for ol := 0; ol < og; ol++ {
					o := grp*og + ol
					for j, ok := refFirst(k); ok; ok = refNext(j, k) {
						for a := range dst {
							dst[a] = i[a]*g.Stride[a] + j[a]*g.Dilation[a] - g.PadLo[a]
						}
						if refInside(dst, out) {
							sum += gy.Data[gy.pos(n, o, dst)] * w.Data[w.pos(c, ol, j)]
						}
					}
				}
				gx.Data[gx.pos(n, c, i)] = sum
			}
		}
	}

	gw = newRef(w.Shape...)
	for c := 0; c < chans; c++ {
		grp := c / cg
		for ol := 0; ol < og; ol++ {
			o := grp*og + ol
			for j, ok := refFirst(k); ok; ok = refNext(j, k) {
				var sum float64
				for n := 0; n < batch; n++ {
					for i, ok := refFirst(in); ok; ok = refNext(i, in) {
						for a := range dst {
							dst[a] = i[a]*g.Stride[a] + j[a]*g.Dilation[a] - g.PadLo[a]
						}
						if refInside(dst, out) {
							sum += x.Data[x.pos(n, c, i)] * gy.Data[gy.pos(n, o, dst)]
						}
					}
				}
				gw.Data[gw.pos(c, ol, j)] = sum
			}
		}
	}
	return gx, gw, gb
}

// refUnpoolSize returns the UnpoolND output size per axis: outSize if it is
// given, otherwise s(n−1) + k − 2p, or s(n−1) + k − s + 1 − 2p with
// coverAll.
func refUnpoolSize(in, ksize, stride, pad []int, coverAll bool, outSize []int) []int {
	if outSize != nil {
		return slices.Clone(outSize)
	}
	out := make([]int, len(in))
	for a := range in {
		out[a] = stride[a]*(in[a]-1) + ksize[a] - 2*pad[a]
		if coverAll {
			out[a] -= stride[a] - 1
		}
	}
	return out
}

// refUnpool computes Chainer's unpooling_nd: every input sample is copied
// into a k-wide window at stride s, overlapping windows add up, and the
// result is cropped by p:
//
//	y[n, c, o] = Σ { x[n, c, i] : i·s + j − p = o, 0 ≤ j < k },  0 ≤ o < out
func refUnpool(x *refArr, ksize, stride, pad []int, coverAll bool, outSize []int) *refArr {
	batch, chans, in := x.Shape[0], x.Shape[1], x.Shape[2:]
	out := refUnpoolSize(in, ksize, stride, pad, coverAll, outSize)
	y := newRef(append([]int{batch, chans}, out...)...)
	dst := make([]int, len(in))
	for n := 0; n < batch; n++ {
		for c := 0; c < chans; c++ {
			for i, ok := refFirst(in); ok; ok = refNext(i, in) {
				v := x.Data[x.pos(n, c, i)]
				for j, ok := refFirst(ksize); ok; ok = refNext(j, ksize) {
					for a := range dst {
						dst[a] = i[a]*stride[a] + j[a] - pad[a]
					}
					if refInside(dst, out) {
						y.Data[y.pos(n, c, dst)] += v
					}
				}
			}
		}
	}
	return y
}

// refUnpoolGrad returns the gradient of refUnpool with respect to its input
// of shape xShape for the output gradient gy: each input sample collects
// its window,
//
//	gx[n, c, i] = Σ_{0 ≤ j < k} gy[n, c, i·s + j − p]
//
// with gy read as zero outside its extent.
func refUnpoolGrad(xShape []int, gy *refArr, ksize, stride, pad []int, coverAll bool, outSize []int) *refArr {
	batch, chans, in := xShape[0], xShape[1], xShape[2:]
	out := refUnpoolSize(in, ksize, stride, pad, coverAll, outSize)
	refMustShape("unpool output gradient", gy.Shape, append([]int{batch, chans}, out...))
	gx := newRef(xShape...)
	src := make([]int, len(in))
	for n := 0; n < batch; n++ {
		for c := 0; c < chans; c++ {
			for i, ok := refFirst(in); ok; ok = refNext(i, in) {
				var sum float64
				for j, ok := refFirst(ksize); ok; ok = refNext(j, ksize) {
					for a := range src {
						src[a] = i[a]*stride[a] + j[a] - pad[a]
					}
					if refInside(src, out) {
						sum += gy.Data[gy.pos(n, c, src)]
					}
				}
				gx.Data[gx.pos(n, c, i)] = sum
			}
		}
	}
	return gx
}

// refStretchSize returns the stretched length per axis: u·n for Nearest,
// u(n−1) + 1 for Zeros.
func refStretchSize(in, u []int, mode StretchMode) []int {
	out := make([]int, len(in))
	for a := range in {
		if mode == Zeros {
			out[a] = u[a]*(in[a]-1) + 1
		} else {
			out[a] = u[a] * in[a]
		}
	}
	return out
}

// refStretch builds the stretched tensor explicitly. Element m of a
// stretched axis is x[⌊m/u⌋] for Nearest; for Zeros it is x[m/u] when u
// divides m and zero otherwise.
func refStretch(x *refArr, u []int, mode StretchMode) *refArr {
	batch, chans, in := x.Shape[0], x.Shape[1], x.Shape[2:]
	out := refStretchSize(in, u, mode)
	y := newRef(append([]int{batch, chans}, out...)...)
	src := make([]int, len(in))
	for n := 0; n < batch; n++ {
		for c := 0; c < chans; c++ {
			for m, ok := refFirst(out); ok; ok = refNext(m, out) {
				hit := true
				for a := range src {
					if mode == Zeros && m[a]%u[a] != 0 {
						hit = false
						break
					}
					src[a] = m[a] / u[a]
				}
				if hit {
					y.Data[y.pos(n, c, m)] = x.Data[x.pos(n, c, src)]
				}
			}
		}
	}
	return y
}

// refStretchAdjoint applies the adjoint of refStretch to z, a gradient of
// the stretched tensor, giving an array of shape xShape. For Nearest each
// sample sums the u copies made of it,
//
//	gx[i] = Σ_{0 ≤ r < u} z[i·u + r],
//
// and for Zeros it takes the one position it was put at, gx[i] = z[i·u].
func refStretchAdjoint(z *refArr, xShape, u []int, mode StretchMode) *refArr {
	batch, chans, in := xShape[0], xShape[1], xShape[2:]
	refMustShape("stretched gradient", z.Shape, append([]int{batch, chans}, refStretchSize(in, u, mode)...))
	gx := newRef(xShape...)
	src := make([]int, len(in))
	for n := 0; n < batch; n++ {
		for c := 0; c < chans; c++ {
			for i, ok := refFirst(in); ok; ok = refNext(i, in) {
				if mode == Zeros {
					for a := range src {
						src[a] = i[a] * u[a]
					}
					gx.Data[gx.pos(n, c, i)] = z.Data[z.pos(n, c, src)]
					continue
				}
				var sum float64
				for r, ok := refFirst(u); ok; ok = refNext(r, u) {
					for a := range src {
						src[a] = i[a]*u[a] + r[a]
					}
					sum += z.Data[z.pos(n, c, src)]
				}
				gx.Data[gx.pos(n, c, i)] = sum
			}
		}
	}
	return gx
}

// refStretchConv is Conv applied to the explicitly stretched input.
func refStretchConv(x, w *refArr, b []float64, g refGeom, u []int, mode StretchMode) *refArr {
	return refConv(refStretch(x, u, mode), w, b, g)
}

// refStretchConvGrads returns the gradients of refStretchConv: gw and gb
// are those of Conv on the stretched input, and gx is the adjoint of the
// stretch applied to Conv's input gradient.
func refStretchConvGrads(x, w, gy *refArr, g refGeom, u []int, mode StretchMode) (gx, gw *refArr, gb []float64) {
	gxs, gw, gb := refConvGrads(refStretch(x, u, mode), w, gy, g)
	return refStretchAdjoint(gxs, x.Shape, u, mode), gw, gb
}
