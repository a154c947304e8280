package aniso

import "fmt"

// solveMaxFactor bounds the stretch and the stride that SolveStretch tries,
// and with them the ratios u/s it reaches to [1/8, 8].
const solveMaxFactor = 8

// SolveStretch returns options with which StretchConv maps spatial shape in
// to spatial shape out using a kernel of the given size per axis.
//
// Each axis is solved on its own. An axis of n samples, stretched by u,
// convolved with k taps at stride s and padded by lo before and hi after has
// the stretched length L and the output size
//
//	L   = u·n                       (Nearest)
//	L   = u(n−1) + 1                (Zeros)
//	out = ⌊(L + lo + hi − k)/s⌋ + 1
//
// The solver tries every stretch and stride 1 ≤ u, s ≤ 8 with u/s in lowest
// terms and keeps, among the pairs that qualify (below), the one whose ratio
// is closest to the wanted growth
//
//	ρ = out/n                       (Nearest)
//	ρ = (out−1)/(n−1)               (Zeros, n ≥ 2)
//
// so an integer shrink gives u = 1, an integer growth s = 1, equal sizes
// u = s = 1, and 100 → 150 gives u = 3, s = 2. Ties in |u/s − ρ| go to the
// smaller u + s, then to the smaller u.
//
// For a given u and s, the s consecutive totals P = lo + hi with
//
//	(out−1)s + k − L ≤ P ≤ (out−1)s + k − L + s − 1
//
// land exactly on out. The solver takes the one of least magnitude (0 when
// the range holds it) and splits it as evenly as possible with the odd one
// at the high end,
//
//	lo = P/2 (rounded toward zero),  hi = P − lo
//
// where a negative P crops the stretched input, an odd crop at the end. The pair qualifies only if
// that padding passes two checks:
//
//	lo ≤ k − 1 and (out−1)s − lo ≤ L − 1   every output reads the stretched input
//	P ≥ 0 or ρ ≥ 1/8                      data is cropped only for a reachable ratio
//
// The first check keeps padding from making outputs out of zeros alone, so
// growth beyond 8 is reached only by the few outputs the kernel's padding
// covers. The second keeps cropping from emulating a shrink beyond 1/8.
// A pair with u/s ≥ ρ never fails the first check and a pair with u/s ≤ ρ
// never crops, so every axis with 1/8 ≤ ρ ≤ 8 has a solution. The padding
// never crops past the data: lo and hi share the sign of P, and L + P ≥ k.
//
// In Zeros mode with n = 1 the stretched length is 1 for every u and ρ is
// undefined; every pair counts as equally close, so the tie rule picks
// u = s = 1 and the padding alone makes out, which works for out ≤ k.
//
// The returned options hold Stretch, Stride, PadLo and PadHi of length
// len(in), even where a factor is 1, a nil Dilation, Groups 0, the given
// mode and OutSize, a copy of out: used with a kernel of another size, the
// options then fail with ErrGeometry instead of giving another shape. Errors wrap ErrOption for an unknown mode; ErrShape for an empty in,
// lengths of out or kernel that differ from it, or a size below 1;
// ErrTooLarge for a size above MaxElements; and ErrNoSolution, naming the
// axis and its sizes, for an axis no pair solves. in, out and kernel are
// spatial sizes; where they look like N×C×D1×…×Dn shapes (lengths two
// apart, or a failure on the first two axes of shapes of equal batch) the
// message says so.
func SolveStretch(in, out, kernel []int, mode StretchMode) (StretchOptions, error) {
	const op = "solve"
	if mode != Nearest && mode != Zeros {
		return StretchOptions{}, errorf(op, ErrOption, "unknown stretch mode %d", mode)
	}
	if len(in) == 0 {
		return StretchOptions{}, errorf(op, ErrShape, "input shape has no spatial axes")
	}
	if len(out) != len(in) {
		return StretchOptions{}, errorf(op, ErrShape, "output shape %v has %d axes, input shape %v has %d%s", out, len(out), in, len(in), solveHint(len(in)-len(out)))
	}
	if len(kernel) != len(in) {
		return StretchOptions{}, errorf(op, ErrShape, "kernel shape %v has %d axes, input shape %v has %d%s", kernel, len(kernel), in, len(in), solveHint(len(in)-len(kernel)))
	}
	for i := range in {
		for _, v := range [...]struct {
			name string
			size int
		}{{"input", in[i]}, {"output", out[i]}, {"kernel", kernel[i]}} {
			if v.size < 1 {
				return StretchOptions{}, errorf(op, ErrShape, "axis %d: %s size %d is not positive%s", i, v.name, v.size, fullShapeHint(in, out, i))
			}
			if v.size > MaxElements {
				return StretchOptions{}, errorf(op, ErrTooLarge, "axis %d: %s size %d exceeds %d", i, v.name, v.size, MaxElements)
			}
		}
	}

	o := StretchOptions{
		ConvOptions: ConvOptions{
			Stride: make([]int, len(in)),
			PadLo:  make([]int, len(in)),
			PadHi:  make([]int, len(in)),
		},
		Stretch: make([]int, len(in)),
		Mode:    mode,
		OutSize: append([]int(nil), out...),
	}
	for i := range in {
		a, ok := solveAxis(in[i], out[i], kernel[i], mode)
		if !ok {
			return StretchOptions{}, solveError(op, i, in[i], out[i], kernel[i], mode, fullShapeHint(in, out, i))
		}
		o.Stretch[i], o.Stride[i], o.PadLo[i], o.PadHi[i] = a.u, a.s, a.lo, a.hi
	}
	return o, nil
}

// solveHint explains a difference d between the lengths of two of
// SolveStretch's shapes when it is the batch and channel axes of an
// N×C×D1×…×Dn shape.
func solveHint(d int) string {
	if d != 2 && d != -2 {
		return ""
	}
	return "; in, out and kernel are the spatial sizes D1…Dn alone, without the batch and channel axes (x.Shape[2:], w.Shape[2:])"
}

// fullShapeHint returns a note for a failure on axis a when in and out look
// like N×C×D1×…×Dn shapes: at least three axes, the same first size (a
// batch), and the failure on one of the first two.
func fullShapeHint(in, out []int, a int) string {
	if len(in) < 3 || a > 1 || in[0] != out[0] {
		return ""
	}
	return fmt.Sprintf("; if %v and %v are N×C×D1×…×Dn shapes, pass their spatial sizes %v and %v", in, out, in[2:], out[2:])
}

// solvedAxis is the geometry SolveStretch picks for one axis.
type solvedAxis struct {
	u, s   int // stretch and stride
	lo, hi int // padding, negative to crop
	dist   int // |u·b − a·s| for the wanted ratio ρ = a/b; |u/s − ρ| = dist/(s·b)
}

// closer reports whether c beats the best pair so far: a smaller ratio
// distance, then a smaller u + s, then a smaller u.
func (c solvedAxis) closer(best solvedAxis) bool {
	// dist/s < best.dist/best.s, cross-multiplied; the common factor b cancels.
	l, r := c.dist*best.s, best.dist*c.s
	if l != r {
		return l < r
	}
	if c.u+c.s != best.u+best.s {
		return c.u+c.s < best.u+best.s
	}
	return c.u < best.u
}

// solveAxis returns the qualifying pair closest to the wanted ratio for an
// axis of n samples, out samples and k taps, all in [1, MaxElements], which
// keeps every product below 2⁴⁰.
func solveAxis(n, out, k int, mode StretchMode) (best solvedAxis, ok bool) {
	a, b := out, n
	if mode == Zeros {
		a, b = out-1, n-1
	}
	for s := 1; s <= solveMaxFactor; s++ {
		for u := 1; u <= solveMaxFactor; u++ {
			if !solveCoprime(u, s) {
				continue
			}
			l := u * n
			if mode == Zeros {
				l = u*(n-1) + 1
			}
			lo, hi := solvePad(l, out, k, s)
			if lo > k-1 || (out-1)*s-lo > l-1 {
				continue
			}
			if lo+hi < 0 && 8*a < b {
				continue
			}
			c := solvedAxis{u: u, s: s, lo: lo, hi: hi, dist: u*b - a*s}
			if c.dist < 0 {
				c.dist = -c.dist
			}
			if !ok || c.closer(best) {
				best, ok = c, true
			}
		}
	}
	return best, ok
}

// solvePad returns the padding of least total magnitude with which a
// stretched length l, k taps and stride s give out outputs, split with the
// odd one at the high end.
func solvePad(l, out, k, s int) (lo, hi int) {
	p := (out-1)*s + k - l // the smallest total that lands on out
	switch {
	case p > 0:
	case p+s-1 < 0:
		p += s - 1
	default:
		p = 0
	}
	lo = p / 2
	return lo, p - lo
}

// solveCoprime reports whether a and b have no common factor above 1.
func solveCoprime(a, b int) bool {
	for b != 0 {
		a, b = b, a%b
	}
	return a == 1
}

// solveError explains why no pair solves an axis. Every axis with a ratio in
// [1/8, 8] has a solution, so a failing axis either has one Zeros sample or
// a ratio outside that range. note ends the message.
func solveError(op string, axis, n, out, k int, mode StretchMode, note string) error {
	name := "Nearest"
	a, b := out, n
	if mode == Zeros {
		name = "Zeros"
		a, b = out-1, n-1
	}
	switch {
	case mode == Zeros && n == 1:
		return errorf(op, ErrNoSolution, "axis %d: Zeros mode stretches 1 sample to length 1 for every factor, so kernel %d reaches at most %d outputs, not %d%s",
			axis, k, k, out, note)
	case a > solveMaxFactor*b:
		return errorf(op, ErrNoSolution, "axis %d: %s growth %d → %d (ratio %d/%d) exceeds the largest stretch %d by more than padding within kernel %d can add%s",
			axis, name, n, out, a, b, solveMaxFactor, k, note)
	default:
		return errorf(op, ErrNoSolution, "axis %d: %s shrink %d → %d (ratio %d/%d) is below the smallest ratio 1/%d and would need cropping with kernel %d%s",
			axis, name, n, out, a, b, solveMaxFactor, k, note)
	}
}
