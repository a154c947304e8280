package aniso

// PixelShuffle moves blocks of channels into space, the rearrangement
// behind sub-pixel convolution: x is N×(C·R)×D1×…×Dn with one factor
// ri ≥ 1 per spatial axis and R = r1·…·rn, the result is
// N×C×(r1·D1)×…×(rn·Dn), and
//
//	y[n, c, d1·r1 + i1, …, dn·rn + in] = x[n, c·R + ((i1·r2 + i2)·r3 + …)·rn + in, d1, …, dn]
//
// for 0 ≤ ia < ra: the R channels of block c hold the R phases of output
// channel c, the last axis's phase varying fastest. For n = 2 and
// r1 = r2 this is PyTorch's pixel_shuffle and ONNX DepthToSpace in CRD
// mode. A factor of 1 leaves its axis alone.
//
// PixelShuffle only moves elements: PixelUnshuffle is its inverse and its
// adjoint, and so the backward pass of each is the other. x is read
// through its strides; the result is a new contiguous tensor. Errors wrap
// ErrNilTensor, ErrShape (rank, or channels not a multiple of R),
// ErrOption (factors of the wrong length or below 1), ErrData or
// ErrTooLarge (sizes that overflow).
func PixelShuffle(x *Tensor, factors []int) (y *Tensor, err error) {
	const op = "pixelshuffle"
	defer guard(op, &err)
	p, err := newShufflePlan(op, x, factors, false)
	if err != nil {
		return nil, err
	}
	y = New(p.wide...)
	if err := p.run(y, x, "y", "x", true); err != nil {
		return nil, err
	}
	return y, nil
}

// PixelUnshuffle is the inverse of PixelShuffle: x is
// N×C×(r1·D1)×…×(rn·Dn), every spatial size a multiple of its factor, the
// result is N×(C·R)×D1×…×Dn with R = r1·…·rn, and
//
//	y[n, c·R + ((i1·r2 + i2)·r3 + …)·rn + in, d1, …, dn] = x[n, c, d1·r1 + i1, …, dn·rn + in]
//
// For n = 2 and r1 = r2 this is PyTorch's pixel_unshuffle (ONNX
// SpaceToDepth orders the channels the other way, phase-major). It is
// also PixelShuffle's adjoint, so each is the other's backward pass. x is
// read through its strides; the result is a new contiguous tensor. Errors
// wrap ErrNilTensor, ErrShape (rank, or a spatial size not a multiple of
// its factor), ErrOption, ErrData or ErrTooLarge.
func PixelUnshuffle(x *Tensor, factors []int) (y *Tensor, err error) {
	const op = "pixelunshuffle"
	defer guard(op, &err)
	p, err := newShufflePlan(op, x, factors, true)
	if err != nil {
		return nil, err
	}
	y = New(p.deep...)
	if err := p.run(y, x, "y", "x", false); err != nil {
		return nil, err
	}
	return y, nil
}

// PixelShufflePlan is a PixelShuffle geometry validated once, for running
// the operator and its gradient again and again. Forward and Backward
// allocate nothing. A plan is not safe for concurrent use.
type PixelShufflePlan struct{ p *shufflePlan }

// NewPixelShufflePlan validates a PixelShuffle by factors of inputs of
// shape x. Errors are as for PixelShuffle.
func NewPixelShufflePlan(x, factors []int) (plan *PixelShufflePlan, err error) {
	const op = "pixelshuffle"
	defer guard(op, &err)
	p, err := newShufflePlan(op, &Tensor{Shape: x}, factors, false)
	if err != nil {
		return nil, err
	}
	return &PixelShufflePlan{p}, nil
}

// OutShape returns the shape of the plan's output,
// N×C×(r1·D1)×…×(rn·Dn), or nil for a nil or zero plan.
func (p *PixelShufflePlan) OutShape() []int {
	if p == nil || p.p == nil {
		return nil
	}
	return append([]int(nil), p.p.wide...)
}

// Forward computes PixelShuffle(x) into y, a tensor of shape OutShape but
// with x's batch, which may be any up to the plan's. y may have any layout
// that does not overlap itself (see ConvPlan.Forward) and must not overlap
// x in memory (ErrData). A nil or zero plan gives an error wrapping
// ErrNilPlan.
func (p *PixelShufflePlan) Forward(y, x *Tensor) (err error) {
	const op = "pixelshuffle"
	defer guard(op, &err)
	if p == nil || p.p == nil {
		return nilPlan(op)
	}
	return p.p.run(y, x, "y", "x", true)
}

// Backward computes the gradient of PixelShuffle for the output gradient
// gy, which is PixelUnshuffle(gy), into gx, a tensor of the input's shape
// but with gy's batch, which may be any up to the plan's. gx may have any
// layout that does not overlap itself and must not overlap gy in memory
// (ErrData). A nil or zero plan gives an error wrapping ErrNilPlan.
func (p *PixelShufflePlan) Backward(gx, gy *Tensor) (err error) {
	const op = "pixelshuffle"
	defer guard(op, &err)
	if p == nil || p.p == nil {
		return nilPlan(op)
	}
	return p.p.run(gx, gy, "gx", "gy", false)
}

// PixelUnshufflePlan is a PixelUnshuffle geometry validated once, for
// running the operator and its gradient again and again. Forward and
// Backward allocate nothing. A plan is not safe for concurrent use.
type PixelUnshufflePlan struct{ p *shufflePlan }

// NewPixelUnshufflePlan validates a PixelUnshuffle by factors of inputs
// of shape x. Errors are as for PixelUnshuffle.
func NewPixelUnshufflePlan(x, factors []int) (plan *PixelUnshufflePlan, err error) {
	const op = "pixelunshuffle"
	defer guard(op, &err)
	p, err := newShufflePlan(op, &Tensor{Shape: x}, factors, true)
	if err != nil {
		return nil, err
	}
	return &PixelUnshufflePlan{p}, nil
}

// OutShape returns the shape of the plan's output, N×(C·R)×D1×…×Dn, or
// nil for a nil or zero plan.
func (p *PixelUnshufflePlan) OutShape() []int {
	if p == nil || p.p == nil {
		return nil
	}
	return append([]int(nil), p.p.deep...)
}

// Forward computes PixelUnshuffle(x) into y, a tensor of shape OutShape
// but with x's batch, which may be any up to the plan's. y may have any
// layout that does not overlap itself (see ConvPlan.Forward) and must not
// overlap x in memory (ErrData). A nil or zero plan gives an error wrapping
// ErrNilPlan.
func (p *PixelUnshufflePlan) Forward(y, x *Tensor) (err error) {
	const op = "pixelunshuffle"
	defer guard(op, &err)
	if p == nil || p.p == nil {
		return nilPlan(op)
	}
	return p.p.run(y, x, "y", "x", false)
}

// Backward computes the gradient of PixelUnshuffle for the output
// gradient gy, which is PixelShuffle(gy), into gx, a tensor of the input's
// shape but with gy's batch, which may be any up to the plan's. gx may have
// any layout that does not overlap itself and must not overlap gy in memory
// (ErrData). A nil or zero plan gives an error wrapping ErrNilPlan.
func (p *PixelUnshufflePlan) Backward(gx, gy *Tensor) (err error) {
	const op = "pixelunshuffle"
	defer guard(op, &err)
	if p == nil || p.p == nil {
		return nilPlan(op)
	}
	return p.p.run(gx, gy, "gx", "gy", true)
}

// shufflePlan is a validated pixel shuffle geometry between its deep side,
// N×(C·R)×D1×…×Dn, and its wide side, N×C×(r1·D1)×…×(rn·Dn).
type shufflePlan struct {
	io         planIO
	deep, wide []int
	r          []int
	phases     int   // R
	st         []int // scratch: the wide side's strides within one phase
}

// newShufflePlan validates a shuffle (unshuffle false: x is the deep side)
// or an unshuffle (x is the wide side) of x by factors.
func newShufflePlan(op string, x *Tensor, factors []int, unshuffle bool) (*shufflePlan, error) {
	nsp, err := checkInput(op, "x", x, nil)
	if err != nil {
		return nil, err
	}
	if len(factors) != nsp {
		return nil, errorf(op, ErrOption, "factors has %d values for %d spatial axes", len(factors), nsp)
	}
	if err := positive(op, "factor", factors); err != nil {
		return nil, err
	}
	var ck checked
	phases := 1
	for _, r := range factors {
		phases = ck.mul(phases, r)
	}
	if ck.overflow {
		return nil, errorf(op, ErrTooLarge, "factors %v: their product overflows", factors)
	}
	n, c := x.Shape[0], x.Shape[1]
	small := make([]int, nsp)
	large := make([]int, nsp)
	if unshuffle {
		for a, d := range x.Shape[2:] {
			if d%factors[a] != 0 {
				return nil, errorf(op, ErrShape, "axis %d: x has size %d, not a multiple of factor %d", a, d, factors[a])
			}
			small[a], large[a] = d/factors[a], d
		}
		if c = ck.mul(c, phases); ck.overflow {
			return nil, errorf(op, ErrTooLarge, "x: %d channels times %d phases overflow", x.Shape[1], phases)
		}
	} else {
		if c%phases != 0 {
			return nil, errorf(op, ErrShape, "x has %d channels, not a multiple of the %d phases of factors %v", c, phases, factors)
		}
		for a, d := range x.Shape[2:] {
			if large[a] = ck.mul(d, factors[a]); ck.overflow {
				return nil, errorf(op, ErrTooLarge, "axis %d: size %d times factor %d overflows", a, d, factors[a])
			}
			small[a] = d
		}
		c /= phases
	}
	p := &shufflePlan{io: newPlanIO(op, nsp+2), r: append([]int(nil), factors...), phases: phases, st: make([]int, nsp)}
	if unshuffle {
		p.wide = append([]int(nil), x.Shape...)
		p.deep, err = outShape(op, n, c, small)
	} else {
		p.deep = append([]int(nil), x.Shape...)
		p.wide, err = outShape(op, n, c, large)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// run validates src and dst and copies src into dst: from the deep side to
// the wide side when toWide, else back.
func (p *shufflePlan) run(dst, src *Tensor, dstName, srcName string, toWide bool) error {
	srcShape, dstShape := p.deep, p.wide
	if !toWide {
		srcShape, dstShape = dstShape, srcShape
	}
	n, err := p.io.input(srcName, src, srcShape)
	if err != nil {
		return err
	}
	if err := p.io.result(dstName, dst, dstShape, n); err != nil {
		return err
	}
	if err := checkDisjoint(p.io.op, []string{dstName}, []*Tensor{dst}, []string{srcName}, []*Tensor{src}); err != nil {
		return err
	}
	if toWide {
		p.move(p.io.view(dst, 0), p.io.view(src, 1), n, true)
	} else {
		p.move(p.io.view(src, 0), p.io.view(dst, 1), n, false)
	}
	return nil
}

// move copies every phase of every channel between the views: phase q of
// wide channel c, the samples at d·r + i, is deep channel c·R + q, where q
// is the index i read with the last axis fastest, for a batch of nb.
func (p *shufflePlan) move(wide, deep view, nb int, toWide bool) {
	for a, r := range p.r {
		p.st[a] = r * wide.sp[a]
	}
	space := p.deep[2:]
	for n := 0; n < nb; n++ {
		for c := 0; c < p.wide[1]; c++ {
			for q := range p.phases {
				off, rest := 0, q
				for a := len(p.r) - 1; a >= 0; a-- {
					off += rest % p.r[a] * wide.sp[a]
					rest /= p.r[a]
				}
				w := wide.data[n*wide.sn+c*wide.sc+off:]
				d := deep.data[n*deep.sn+(c*p.phases+q)*deep.sc:]
				if toWide {
					copyND(w, p.st, d, deep.sp, space)
				} else {
					copyND(d, deep.sp, w, p.st, space)
				}
			}
		}
	}
}

// copyND copies the strided array (shape, ss) at src to the strided array
// (shape, ds) at dst, a line at a time, with copy where both lines are
// contiguous.
func copyND(dst []float32, ds []int, src []float32, ss []int, shape []int) {
	if len(shape) == 1 {
		n, di, si := shape[0], ds[0], ss[0]
		if di == 1 && si == 1 {
			copy(dst[:n], src[:n])
			return
		}
		for i := range n {
			dst[i*di] = src[i*si]
		}
		return
	}
	for i := range shape[0] {
		copyND(dst[i*ds[0]:], ds[1:], src[i*ss[0]:], ss[1:], shape[1:])
	}
}
