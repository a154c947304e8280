package aniso

import (
	"fmt"
	"math"
	"unsafe"
)

// checked is signed integer arithmetic that latches overflow, so a geometry
// can be computed straight from the formulas and rejected once at the end.
type checked struct{ overflow bool }

func (c *checked) mul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	p := a * b
	if p/b != a || (a == -1 && b == math.MinInt) || (b == -1 && a == math.MinInt) {
		c.overflow = true
	}
	return p
}

func (c *checked) add(a, b int) int {
	s := a + b
	if (s > a) != (b > 0) {
		c.overflow = true
	}
	return s
}

func (c *checked) sub(a, b int) int {
	if b == math.MinInt {
		c.overflow = true
		return 0
	}
	return c.add(a, -b)
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - floorDiv(a, b)*b }

func ceilDiv(a, b int) int { return -floorDiv(-a, b) }

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// perAxis returns v checked to have length 0 or n; length 0 gives n copies
// of def.
func perAxis(op, name string, v []int, n, def int) ([]int, error) {
	switch len(v) {
	case n:
		return append([]int(nil), v...), nil
	case 0:
		r := make([]int, n)
		for i := range r {
			r[i] = def
		}
		return r, nil
	}
	return nil, errorf(op, ErrOption, "%s has %d values for %d spatial axes", name, len(v), n)
}

// positive checks that every value of v is at least 1.
func positive(op, name string, v []int) error {
	for a, x := range v {
		if x < 1 {
			return errorf(op, ErrOption, "axis %d: %s %d must be at least 1", a, name, x)
		}
	}
	return nil
}

// convGeom is a validated convolution geometry with every per-axis slice
// of length equal to the number of spatial axes.
type convGeom struct {
	stride, padLo, padHi, dilation []int
	groups                         int
}

// resolveConv validates o for nsp spatial axes and fills in its defaults.
func resolveConv(op string, nsp int, o ConvOptions) (convGeom, error) {
	var g convGeom
	var err error
	if g.stride, err = perAxis(op, "Stride", o.Stride, nsp, 1); err != nil {
		return g, err
	}
	if g.padLo, err = perAxis(op, "PadLo", o.PadLo, nsp, 0); err != nil {
		return g, err
	}
	if len(o.PadHi) == 0 {
		g.padHi = append([]int(nil), g.padLo...)
	} else if g.padHi, err = perAxis(op, "PadHi", o.PadHi, nsp, 0); err != nil {
		return g, err
	}
	if g.dilation, err = perAxis(op, "Dilation", o.Dilation, nsp, 1); err != nil {
		return g, err
	}
	if err = positive(op, "stride", g.stride); err != nil {
		return g, err
	}
	if err = positive(op, "dilation", g.dilation); err != nil {
		return g, err
	}
	switch {
	case o.Groups < 0:
		return g, errorf(op, ErrOption, "Groups %d must not be negative", o.Groups)
	case o.Groups == 0:
		g.groups = 1
	default:
		g.groups = o.Groups
	}
	return g, nil
}

// checkOperand validates the structure of a tensor an operator reads: not
// nil, at most maxRank dimensions, strides matching the shape, no negative
// sizes, at most MaxElements elements, and rank if rank > 0.
func checkOperand(op, name string, t *Tensor, rank int) error {
	if t == nil {
		return errorf(op, ErrNilTensor, "%s is nil", name)
	}
	if t.Strides != nil && len(t.Strides) != len(t.Shape) {
		return errorf(op, ErrData, "%s has %d strides for %d dimensions", name, len(t.Strides), len(t.Shape))
	}
	if len(t.Shape) > maxRank {
		return errorf(op, ErrShape, "%s has rank %d, more than %d", name, len(t.Shape), maxRank)
	}
	for i, d := range t.Shape {
		if d < 0 {
			return errorf(op, ErrData, "%s: dimension %d has negative size %d", name, i, d)
		}
	}
	if _, ok := volume(t.Shape); !ok {
		return errorf(op, ErrTooLarge, "%s: shape %v has more than %d elements", name, t.Shape, MaxElements)
	}
	if rank > 0 && len(t.Shape) != rank {
		return errorf(op, ErrShape, "%s has rank %d, want %d", name, len(t.Shape), rank)
	}
	return nil
}

// axisHint is an option slice whose length, when it is set, gives the
// number of spatial axes.
type axisHint struct {
	name string
	n    int // the slice's length, 0 when not set
}

// convHints returns the hints of o's per-axis slices followed by more.
func convHints(o ConvOptions, more ...axisHint) []axisHint {
	return append([]axisHint{{"Stride", len(o.Stride)}, {"PadLo", len(o.PadLo)}, {"PadHi", len(o.PadHi)}, {"Dilation", len(o.Dilation)}}, more...)
}

// checkInput validates x as an N×C×D1×…×Dn operand with n ≥ 1, C ≥ 1 and
// every spatial size ≥ 1, and returns n. When the set option slices of
// hints agree on a number of spatial axes, a rank of x that does not fit it
// is reported in terms of x, before the options are looked at one by one:
// the usual cause is a missing batch or channel axis. A kernel w (nil for
// none) of x's rank sides with x, and the options are reported instead,
// unless they have one value per dimension of x, the sign of options made
// for x's full shape.
func checkInput(op, name string, x, w *Tensor, hints ...axisHint) (int, error) {
	if err := checkOperand(op, name, x, 0); err != nil {
		return 0, err
	}
	n, by := impliedAxes(hints)
	if n > 0 && len(x.Shape) != n+2 && (w == nil || len(w.Shape) != len(x.Shape) || n == len(x.Shape)) {
		return 0, rankError(op, name, len(x.Shape), n, by)
	}
	if len(x.Shape) < 3 {
		return 0, errorf(op, ErrShape, "%s has rank %d, want N×C×D1×…×Dn with at least one spatial axis", name, len(x.Shape))
	}
	if x.Shape[1] < 1 {
		return 0, errorf(op, ErrShape, "%s has %d channels", name, x.Shape[1])
	}
	for a, d := range x.Shape[2:] {
		if d < 1 {
			return 0, errorf(op, ErrShape, "%s: axis %d has size %d", name, a, d)
		}
	}
	return len(x.Shape) - 2, nil
}

// impliedAxes returns the length that every set slice of hints has, and
// the name of the first, or 0 when none is set or they disagree.
func impliedAxes(hints []axisHint) (n int, by string) {
	for _, h := range hints {
		switch {
		case h.n == 0:
		case n == 0:
			n, by = h.n, h.name
		case h.n != n:
			return 0, ""
		}
	}
	return n, by
}

// rankError reports an input of rank r where the options imply n spatial
// axes.
func rankError(op, name string, r, n int, by string) error {
	why := fmt.Sprintf("%s has %d values", by, n)
	if n == r {
		// Options with one value per dimension of x were probably made
		// from x's full shape.
		why += fmt.Sprintf(", one per dimension of %s: were they made for its full shape instead of its spatial sizes?", name)
	}
	return errorf(op, ErrShape, "%s has rank %d; inputs are N×C×D1×…×Dn with %d spatial axes here (%s)", name, r, n, why)
}

// checkKernel validates w as a weight tensor of the given rank with
// positive sizes; layout names its axes for the message.
func checkKernel(op string, w *Tensor, rank int, layout string) error {
	if err := checkOperand(op, "w", w, 0); err != nil {
		return err
	}
	if len(w.Shape) != rank {
		return errorf(op, ErrShape, "w has rank %d, want %d as x has: x is N×C×D1×…×Dn and w is %s with the same n", len(w.Shape), rank, layout)
	}
	for i, d := range w.Shape {
		if d < 1 {
			return errorf(op, ErrShape, "w: dimension %d has size %d", i, d)
		}
	}
	return nil
}

// checkBias validates b, which may be nil, as a vector of length o.
func checkBias(op string, b *Tensor, o int) error {
	if b == nil {
		return nil
	}
	if err := checkOperand(op, "b", b, 1); err != nil {
		return err
	}
	if b.Shape[0] != o {
		return errorf(op, ErrShape, "b has %d elements for %d output channels", b.Shape[0], o)
	}
	return nil
}

// checkData validates that every tensor's Data holds what its Shape and
// Strides address. Nil tensors are skipped.
func checkData(op string, names []string, ts ...*Tensor) error {
	for i, t := range ts {
		if t == nil {
			continue
		}
		if err := checkTensor(op, names[i], t); err != nil {
			return err
		}
	}
	return nil
}

// outShape returns N×C×spatial, or an error if its volume exceeds
// MaxElements.
func outShape(op string, n, c int, spatial []int) ([]int, error) {
	s := append([]int{n, c}, spatial...)
	if _, ok := volume(s); !ok {
		return nil, errorf(op, ErrTooLarge, "output shape %v has more than %d elements", s, MaxElements)
	}
	return s, nil
}

// checkGrad validates an output gradient against the forward output shape.
func checkGrad(op string, gy *Tensor, want []int) error {
	if err := checkOperand(op, "gy", gy, 0); err != nil {
		return err
	}
	if !sameShape(gy.Shape, want) {
		return errorf(op, ErrShape, "gy has shape %v, want the output shape %v", gy.Shape, want)
	}
	return nil
}

// pads formats a padding pair as "lo+hi", bracketing negative values.
func pads(lo, hi int) string {
	f := func(v int) string {
		if v < 0 {
			return fmt.Sprintf("(%d)", v)
		}
		return fmt.Sprint(v)
	}
	return f(lo) + "+" + f(hi)
}

// maxRows bounds the im2col rows, input channels per group times kernel
// taps, and the output rows, output channels per group, so that a tile of
// one output position stays within tileMax floats.
const maxRows = tileMax

// checkRows validates the im2col rows of a kernel over cin channels per
// group before any per-tap tables are built.
func checkRows(op string, cin int, kernel []int) error {
	rows, ok := cin, true
	for _, k := range kernel {
		if rows, ok = mul(rows, k); !ok {
			break
		}
	}
	if !ok || rows > maxRows {
		return errorf(op, ErrTooLarge, "kernel %v over %d channels per group: channels times taps is more than %d", kernel, cin, maxRows)
	}
	return nil
}

// extent is the memory a tensor's elements occupy, from the first byte of
// its first element to the last byte of its last one; first is nil for a
// tensor without elements. Pointers rather than addresses are kept, so that
// the garbage collector sees them until they are compared.
type extent struct{ first, last unsafe.Pointer }

// extentOf returns the extent of t, which checkTensor has accepted. With
// non-negative strides the first element is Data[0] and the last one is at
// Σ (size − 1)·stride.
func extentOf(t *Tensor) extent {
	last := 0
	if t.Strides == nil {
		n := 1
		for _, d := range t.Shape {
			n *= d
		}
		if n == 0 {
			return extent{}
		}
		last = n - 1
	} else {
		for i, d := range t.Shape {
			if d == 0 {
				return extent{}
			}
			last += (d - 1) * t.Strides[i]
		}
	}
	return extent{unsafe.Pointer(unsafe.SliceData(t.Data)), unsafe.Pointer(&t.Data[last])}
}

// overlaps reports whether a and b share a byte. Strided views of one
// array whose elements interleave without meeting count as overlapping:
// the test is on the spans, which costs a few comparisons per pair.
func (a extent) overlaps(b extent) bool {
	if a.first == nil || b.first == nil {
		return false
	}
	const w = uintptr(unsafe.Sizeof(float32(0)))
	return uintptr(a.first) < uintptr(b.last)+w && uintptr(b.first) < uintptr(a.last)+w
}

// checkDisjoint returns an ErrData error naming the first result (of
// results, names in resNames) that overlaps an operand (of ops, names in
// opNames) or an earlier result. Nil tensors are skipped; every tensor has
// been validated. Each extent is computed once, on the stack.
func checkDisjoint(op string, resNames []string, results []*Tensor, opNames []string, ops []*Tensor) error {
	var buf [8]extent
	ext := buf[:0]
	for _, t := range ops {
		var e extent
		if t != nil {
			e = extentOf(t)
		}
		ext = append(ext, e)
	}
	for i, r := range results {
		if r == nil {
			ext = append(ext, extent{})
			continue
		}
		e := extentOf(r)
		for j, o := range ext {
			if e.overlaps(o) {
				if j < len(ops) {
					return errorf(op, ErrData, "result %s overlaps operand %s in memory", resNames[i], opNames[j])
				}
				return errorf(op, ErrData, "result %s overlaps result %s in memory", resNames[i], resNames[j-len(ops)])
			}
		}
		ext = append(ext, e)
	}
	return nil
}
