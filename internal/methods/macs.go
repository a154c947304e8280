package methods

import "github.com/anisoconv/aniso"

// MACs returns the multiply-adds of one forward pass as the operators
// compute them: one per weight tap and output position for Conv; one per
// weight tap and input position for Deconv, including the zero taps of the
// fixed upsampling kernel; none for an UnpoolND that only repeats
// (k = s) or a PixelShuffle, which only move data; and for StretchConv one per output position and per tap of its
// phase after folding (Nearest) or thinning (Zeros), which is what it saves
// over a convolution of the stretched tensor. Positions whose taps fall on
// padding count, as the operators multiply the zeros.
func (m *Method) MACs() int {
	n := 0
	for _, l := range m.layers {
		n += l.macs()
	}
	return n
}

// BackwardMACs returns the multiply-adds of one backward pass: the input
// gradient and, for the layers with weights (the fixed one too, whose
// operator computes it), the weight gradient, each as many as the forward.
func (m *Method) BackwardMACs() int {
	n := 0
	for _, l := range m.layers {
		f := l.macs()
		if l.w != nil {
			f *= 2
		}
		n += f
	}
	return n
}

func (l *layer) macs() int {
	batch := l.in[0]
	switch l.op {
	case opConv, opStretch:
		o := l.stretch
		n := batch * l.w.Shape[0] * l.w.Shape[1]
		for a, out := range l.out[2:] {
			u := at(o.Stretch, a, 1)
			n *= axisWork(out, l.w.Shape[2+a], at(o.Stride, a, 1), at(o.Dilation, a, 1), at(o.PadLo, a, 0), u, o.Mode)
		}
		return n
	case opDeconv:
		return batch * l.w.Size() * volume(l.in[2:])
	case opShuffle:
		return 0
	default:
		n := 0
		for a, k := range l.unpool.Ksize {
			if k != at(l.unpool.Stride, a, k) {
				n = batch * l.in[1] * volume(l.unpool.Ksize) * volume(l.in[2:])
			}
		}
		return n
	}
}

// axisWork returns, summed over the out outputs of one axis, the taps a
// stretched convolution computes: output o reads stretched position
// t = o·s + j·d − lo with tap j, which is source sample ⌊t/u⌋ for Nearest
// (taps reading the same sample count once) and t/u for Zeros when u
// divides t (the others meet inserted zeros and are skipped). Positions
// beyond the data count.
func axisWork(out, k, s, d, lo, u int, mode aniso.StretchMode) int {
	n := 0
	for o := 0; o < out; o++ {
		last, first := 0, true
		for j := 0; j < k; j++ {
			t := o*s + j*d - lo
			if mode == aniso.Zeros {
				if mod(t, u) == 0 {
					n++
				}
				continue
			}
			if q := div(t, u); first || q != last {
				n++
				last, first = q, false
			}
		}
	}
	return n
}

// div and mod are floor division and its remainder.
func div(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func mod(a, b int) int { return a - div(a, b)*b }

func volume(s []int) int {
	n := 1
	for _, v := range s {
		n *= v
	}
	return n
}
