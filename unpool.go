package aniso

import "github.com/anisoconv/aniso/internal/vec"

// UnpoolOptions is the geometry of UnpoolND, following Chainer's
// unpooling_nd.
type UnpoolOptions struct {
	Ksize    []int // per spatial axis window size, ≥ 1
	Stride   []int // ≥ 1; nil or empty means Ksize
	Pad      []int // cropped from both ends, ≥ 0; nil or empty means 0
	CoverAll bool  // Chainer's cover_all (Chainer's default is true; ours is the zero value)
	OutSize  []int // optional explicit output size (Chainer's outsize); nil or empty means the computed size; positions no window reaches are zero
}

// UnpoolND copies every input sample into a k-wide window at stride s along
// each spatial axis, adds up overlapping windows (k > s), leaves gaps zero
// (k < s) and crops p from both ends, as Chainer's unpooling_nd:
//
//	y[o] = Σ { x[i] : i·s + j − p = o, 0 ≤ j < k },   0 ≤ o < out,
//	out  = s(n − 1) + k − 2p            (CoverAll false)
//	out  = s(n − 1) + k − s + 1 − 2p    (CoverAll true)
//
// unless OutSize gives out explicitly: the same sum over a longer or
// shorter range, so positions beyond every window are zero and, with
// CoverAll, the copy it drops reappears when OutSize reaches it (as
// Chainer's col2im does). x is N×C×D1×…×Dn for any n ≥ 1; the
// result is a new contiguous N×C×… tensor. It equals a depthwise Deconv
// with an all-ones kernel. When k = s on every axis (plain repetition, with
// any factor per axis) it copies directly; otherwise it runs on the
// convolution engine. Errors wrap ErrNilTensor, ErrShape, ErrOption,
// ErrGeometry, ErrData or ErrTooLarge.
func UnpoolND(x *Tensor, o UnpoolOptions) (y *Tensor, err error) {
	defer guard("unpool", &err)
	c, err := unpoolPlanFor(x, o)
	if err != nil {
		return nil, err
	}
	y = New(c.plan.yShape...)
	err = c.plan.forward(y, x, true)
	unpoolPlans.put(c)
	if err != nil {
		return nil, err
	}
	return y, nil
}

// UnpoolNDBackward returns the gradient of UnpoolND(x, o) with respect to
// x for the output gradient gy: each input sample receives the sum of gy
// over its window. gx is a new contiguous tensor of x's shape.
func UnpoolNDBackward(x, gy *Tensor, o UnpoolOptions) (gx *Tensor, err error) {
	defer guard("unpool", &err)
	c, err := unpoolPlanFor(x, o)
	if err != nil {
		return nil, err
	}
	if err := checkGrad("unpool", gy, c.plan.yShape); err != nil {
		unpoolPlans.put(c)
		return nil, err
	}
	gx = New(c.plan.xShape...)
	err = c.plan.backward(gx, gy, true)
	unpoolPlans.put(c)
	if err != nil {
		return nil, err
	}
	return gx, nil
}

// UnpoolPlan is an UnpoolND geometry validated once, with its scratch, for
// running the operator and its gradient again and again: after the first
// call of each, Forward and Backward allocate nothing. A plan is not safe
// for concurrent use.
type UnpoolPlan struct{ p *unpoolPlan }

// NewUnpoolPlan validates an UnpoolND of inputs of shape x. Errors are as
// for UnpoolND.
func NewUnpoolPlan(x []int, o UnpoolOptions) (plan *UnpoolPlan, err error) {
	defer guard("unpool", &err)
	p, err := newUnpoolPlan(&Tensor{Shape: x}, o)
	if err != nil {
		return nil, err
	}
	return &UnpoolPlan{p}, nil
}

// plan returns the validated plan, or an ErrNilPlan error for a nil or
// zero plan.
func (p *UnpoolPlan) plan() (*unpoolPlan, error) {
	if p == nil || p.p == nil {
		return nil, nilPlan("unpool")
	}
	return p.p, nil
}

// OutShape returns the shape of the plan's output for the batch it was
// made for, or nil for a nil or zero plan; a call with a smaller batch has
// an output of that batch.
func (p *UnpoolPlan) OutShape() []int {
	q, err := p.plan()
	if err != nil {
		return nil
	}
	return append([]int(nil), q.yShape...)
}

// Workspace returns the number of float32 values of scratch the plan
// holds, or 0 for a nil or zero plan.
func (p *UnpoolPlan) Workspace() int {
	q, err := p.plan()
	if err != nil || q.e == nil {
		return 0
	}
	return q.e.workspace() + q.adj.workspace() + len(q.ones)
}

// SetThreads bounds the goroutines each later call of the plan uses, as
// ConvPlan.SetThreads does. Plans with ksize equal to the stride copy on
// the calling goroutine alone. SetThreads does nothing on a nil or zero
// plan.
func (p *UnpoolPlan) SetThreads(n int) {
	if q, err := p.plan(); err == nil && q.e != nil {
		q.e.threads = max(n, 0)
	}
}

// Forward computes UnpoolND(x) into y, a tensor of shape OutShape but with
// x's batch, which may be any up to the plan's. y may have any layout that
// does not overlap itself (see ConvPlan.Forward). y must not overlap x in
// memory (their spans from first to last element), which is an ErrData
// error. A nil or zero plan gives an error wrapping ErrNilPlan.
func (p *UnpoolPlan) Forward(y, x *Tensor) (err error) {
	defer guard("unpool", &err)
	q, err := p.plan()
	if err != nil {
		return err
	}
	return q.forward(y, x, false)
}

// Backward computes the gradient of UnpoolND for the output gradient gy
// into gx, a tensor of x's shape but with gy's batch, which may be any up
// to the plan's. gx may have any layout that does not overlap itself. gx
// must not overlap gy in memory, which is an ErrData error. A nil or zero
// plan gives an error wrapping ErrNilPlan.
func (p *UnpoolPlan) Backward(gx, gy *Tensor) (err error) {
	defer guard("unpool", &err)
	q, err := p.plan()
	if err != nil {
		return err
	}
	return q.backward(gx, gy, false)
}

// unpoolPlan is a validated UnpoolND geometry. e is nil when k = s on
// every axis and the direct path applies.
type unpoolPlan struct {
	e              *engine
	adj            adjoint // the forward pass as a gather, see adjoint.go
	io             planIO
	ones           []float32 // the all-ones kernel of one channel, shared by all channels
	xShape, yShape []int
	k, s, p        []int
}

func newUnpoolPlan(x *Tensor, o UnpoolOptions) (*unpoolPlan, error) {
	const op = "unpool"
	nsp, err := checkInput(op, "x", x, nil, axisHint{"Ksize", len(o.Ksize)}, axisHint{"Stride", len(o.Stride)}, axisHint{"Pad", len(o.Pad)}, axisHint{"OutSize", len(o.OutSize)})
	if err != nil {
		return nil, err
	}
	if len(o.Ksize) != nsp {
		return nil, errorf(op, ErrOption, "Ksize has %d values for %d spatial axes", len(o.Ksize), nsp)
	}
	k := append([]int(nil), o.Ksize...)
	if err := positive(op, "ksize", k); err != nil {
		return nil, err
	}
	s := k
	if len(o.Stride) != 0 {
		if s, err = perAxis(op, "Stride", o.Stride, nsp, 1); err != nil {
			return nil, err
		}
	}
	pad, err := perAxis(op, "Pad", o.Pad, nsp, 0)
	if err != nil {
		return nil, err
	}
	explicit := len(o.OutSize) != 0
	if explicit && len(o.OutSize) != nsp {
		return nil, errorf(op, ErrOption, "OutSize has %d values for %d spatial axes", len(o.OutSize), nsp)
	}
	if err := positive(op, "stride", s); err != nil {
		return nil, err
	}
	for a, v := range pad {
		if v < 0 {
			return nil, errorf(op, ErrOption, "axis %d: pad %d must not be negative", a, v)
		}
	}
	if explicit {
		if err := positive(op, "output size", o.OutSize); err != nil {
			return nil, err
		}
	}
	if err := checkRows(op, 1, k); err != nil {
		return nil, err
	}
	src := x.Shape[2:]
	dst := make([]int, nsp)
	direct := true
	for a := range nsp {
		var ck checked
		n := src[a]
		out := ck.sub(ck.add(ck.mul(s[a], n-1), k[a]), ck.mul(2, pad[a]))
		if o.CoverAll {
			out = ck.add(ck.sub(out, s[a]), 1)
		}
		if ck.overflow {
			return nil, errorf(op, ErrTooLarge, "axis %d: input %d, ksize %d, stride %d and pad %d overflow", a, n, k[a], s[a], pad[a])
		}
		if explicit {
			out = o.OutSize[a]
		}
		if out < 1 {
			return nil, errorf(op, ErrGeometry, "axis %d: input %d with ksize %d, stride %d and pad %d gives output size %d", a, n, k[a], s[a], pad[a], out)
		}
		dst[a] = out
		direct = direct && k[a] == s[a]
	}
	yShape, err := outShape(op, x.Shape[0], x.Shape[1], dst)
	if err != nil {
		return nil, err
	}
	p := &unpoolPlan{io: newPlanIO(op, nsp+2), xShape: append([]int(nil), x.Shape...), yShape: yShape, k: k, s: s, p: pad}
	if direct {
		return p, nil
	}
	// A depthwise transposed convolution with an all-ones kernel: the
	// engine's gathered side is the unpooled output.
	specs := make([]axisSpec, nsp)
	for a := range nsp {
		specs[a] = axisSpec{k: k[a], s: s[a], d: 1, lo: pad[a], u: 1}
	}
	if p.e, err = newEngine(op, x.Shape[0], x.Shape[1], 1, 1, dst, p.xShape[2:], specs, Nearest); err != nil {
		return nil, err
	}
	// Every channel has the same kernel: one row of ones serves them all,
	// so the scratch does not grow with the channel count.
	p.e.shared = true
	p.adj = newAdjoint(specs, Nearest)
	p.ones = make([]float32, p.e.kvol)
	for i := range p.ones {
		p.ones[i] = 1
	}
	return p, nil
}

// forward runs UnpoolND into y; zeroed says that y holds zeros already.
func (p *unpoolPlan) forward(y, x *Tensor, zeroed bool) error {
	n, err := p.io.input("x", x, p.xShape)
	if err != nil {
		return err
	}
	if err := p.io.result("y", y, p.yShape, n); err != nil {
		return err
	}
	if err := checkDisjoint(p.io.op, []string{"y"}, []*Tensor{y}, []string{"x"}, []*Tensor{x}); err != nil {
		return err
	}
	switch {
	case n == 0:
	case p.e != nil && p.adj.run(p.io.op, p.e, p.io.view(y, 0), p.io.view(x, 1), p.ones, nil, n):
		// The gather writes every element of y.
	case p.e == nil:
		if !zeroed {
			clearTensor(y)
		}
		p.repeat(p.io.view(y, 0), p.io.view(x, 1), n)
	default:
		if !zeroed {
			clearTensor(y)
		}
		p.e.batch = n
		p.e.backwardData(p.io.view(y, 0), p.io.view(x, 1), p.ones)
	}
	return nil
}

// backward runs the gradient into gx; zeroed says that gx holds zeros
// already.
func (p *unpoolPlan) backward(gx, gy *Tensor, zeroed bool) error {
	n, err := p.io.input("gy", gy, p.yShape)
	if err != nil {
		return err
	}
	if err := p.io.result("gx", gx, p.xShape, n); err != nil {
		return err
	}
	if err := checkDisjoint(p.io.op, []string{"gx"}, []*Tensor{gx}, []string{"gy"}, []*Tensor{gy}); err != nil {
		return err
	}
	if !zeroed {
		clearTensor(gx)
	}
	switch {
	case n == 0:
	case p.e == nil:
		p.windowSum(p.io.view(gx, 0), p.io.view(gy, 1), n)
	default:
		p.e.batch = n
		p.e.forward(p.io.view(gx, 0), p.io.view(gy, 1), p.ones, nil)
	}
	return nil
}

// repeat is the direct forward path for k = s: y[o] = x[⌊(o + p)/s⌋]
// where that sample exists, for a batch of nb.
func (p *unpoolPlan) repeat(y, x view, nb int) {
	for n := 0; n < nb; n++ {
		for c := 0; c < p.yShape[1]; c++ {
			p.repeatAxis(y.data[n*y.sn+c*y.sc:], x.data[n*x.sn+c*x.sc:], y.sp, x.sp, 0)
		}
	}
}

func (p *unpoolPlan) repeatAxis(dst, src []float32, ds, ss []int, a int) {
	n, out, s, pad := p.xShape[2+a], p.yShape[2+a], p.s[a], p.p[a]
	if a == len(p.s)-1 {
		// Outputs from n·s − pad on read past the input.
		m := min(out, n*s-pad)
		if s == 2 && ds[a] == 1 && ss[a] == 1 && m > 0 {
			d, x := dst[:m], src[pad/2:]
			if pad%2 == 1 {
				d[0] = x[0]
				d, x = d[1:], x[1:]
			}
			vec.Repeat2(d, x)
			return
		}
		for o := 0; o < m; o++ {
			dst[o*ds[a]] = src[(o+pad)/s*ss[a]]
		}
		return
	}
	for o := 0; o < out; o++ {
		i := (o + pad) / s
		if i >= n {
			return
		}
		p.repeatAxis(dst[o*ds[a]:], src[i*ss[a]:], ds, ss, a+1)
	}
}

// windowSum is the direct backward path for k = s: gx[i] is the sum of gy
// over the window [i·s − p, i·s − p + s), which never overlap, for a batch
// of nb.
func (p *unpoolPlan) windowSum(gx, gy view, nb int) {
	for n := 0; n < nb; n++ {
		for c := 0; c < p.xShape[1]; c++ {
			p.windowAxis(gx.data[n*gx.sn+c*gx.sc:], gy.data[n*gy.sn+c*gy.sc:], gx.sp, gy.sp, 0)
		}
	}
}

func (p *unpoolPlan) windowAxis(dst, src []float32, ds, ss []int, a int) {
	last := a == len(p.s)-1
	if last && p.s[a] == 2 && p.k[a] == 2 && ds[a] == 1 && ss[a] == 1 {
		// The windows wholly inside gy, from i0 to i1, are pairs.
		n, out, pad := p.xShape[2+a], p.yShape[2+a], p.p[a]
		i0 := min(n, (pad+1)/2)
		i1 := max(i0, min(n, (out+pad)/2))
		p.windowLast(dst[:i0], src, 0)
		vec.AddPairs(dst[i0:i1], src[2*i0-pad:])
		p.windowLast(dst[i1:n], src, i1)
		return
	}
	for i := 0; i < p.xShape[2+a]; i++ {
		lo := max(0, i*p.s[a]-p.p[a])
		hi := min(p.yShape[2+a], i*p.s[a]-p.p[a]+p.k[a])
		for o := lo; o < hi; o++ {
			if last {
				dst[i*ds[a]] += src[o*ss[a]]
				continue
			}
			p.windowAxis(dst[i*ds[a]:], src[o*ss[a]:], ds, ss, a+1)
		}
	}
}

// windowLast adds the windows of the last axis onto dst[i − i0] for
// i0 ≤ i < i0 + len(dst), both operands at unit stride.
func (p *unpoolPlan) windowLast(dst, src []float32, i0 int) {
	a := len(p.s) - 1
	for i := range dst {
		c := (i0+i)*p.s[a] - p.p[a]
		for o := max(0, c); o < min(p.yShape[2+a], c+p.k[a]); o++ {
			dst[i] += src[o]
		}
	}
}
