package aniso

// UnpoolOptions is the geometry of UnpoolND, following Chainer's
// unpooling_nd.
type UnpoolOptions struct {
	Ksize    []int // per spatial axis window size, ≥ 1
	Stride   []int // ≥ 1; nil means Ksize
	Pad      []int // cropped from both ends, ≥ 0; nil means 0
	CoverAll bool  // Chainer's cover_all (Chainer's default is true; ours is the zero value)
	OutSize  []int // optional explicit output size; positions beyond the computed size are zero
}

// UnpoolND copies every input sample into a k-wide window at stride s along
// each spatial axis, adds up overlapping windows (k > s), leaves gaps zero
// (k < s) and crops p from both ends, as Chainer's unpooling_nd:
//
//	y[o] = Σ { x[i] : i·s + j − p = o, 0 ≤ j < k },   0 ≤ o < out,
//	out  = s(n − 1) + k − 2p            (CoverAll false)
//	out  = s(n − 1) + k − s + 1 − 2p    (CoverAll true)
//
// unless OutSize gives out explicitly. x is N×C×D1×…×Dn for any n ≥ 1; the
// result is a new contiguous N×C×… tensor. It equals a depthwise Deconv
// with an all-ones kernel. When k = s on every axis (plain repetition, with
// any factor per axis) it copies directly; otherwise it runs on the
// convolution engine. Errors wrap ErrNilTensor, ErrShape, ErrOption,
// ErrGeometry, ErrData or ErrTooLarge.
func UnpoolND(x *Tensor, o UnpoolOptions) (y *Tensor, err error) {
	defer guard("unpool", &err)
	p, err := newUnpoolPlan(x, o)
	if err != nil {
		return nil, err
	}
	y = New(p.yShape...)
	if p.yShape[0] == 0 {
		return y, nil
	}
	if p.e == nil {
		p.repeat(y, x)
		return y, nil
	}
	p.e.backwardData(viewOf(y), viewOf(x), p.ones())
	return y, nil
}

// UnpoolNDBackward returns the gradient of UnpoolND(x, o) with respect to
// x for the output gradient gy: each input sample receives the sum of gy
// over its window. gx is a new contiguous tensor of x's shape.
func UnpoolNDBackward(x, gy *Tensor, o UnpoolOptions) (gx *Tensor, err error) {
	defer guard("unpool", &err)
	p, err := newUnpoolPlan(x, o)
	if err != nil {
		return nil, err
	}
	if err := checkGrad("unpool", gy, p.yShape); err != nil {
		return nil, err
	}
	if err := checkData("unpool", []string{"gy"}, gy); err != nil {
		return nil, err
	}
	gx = New(p.xShape...)
	if p.yShape[0] == 0 {
		return gx, nil
	}
	if p.e == nil {
		p.windowSum(gx, gy)
		return gx, nil
	}
	p.e.forward(viewOf(gx), viewOf(gy), p.ones(), nil)
	return gx, nil
}

// unpoolPlan is a validated UnpoolND geometry. e is nil when k = s on
// every axis and the direct path applies.
type unpoolPlan struct {
	e              *engine
	xShape, yShape []int
	k, s, p        []int
}

func newUnpoolPlan(x *Tensor, o UnpoolOptions) (*unpoolPlan, error) {
	const op = "unpool"
	nsp, err := checkInput(op, "x", x)
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
	if o.Stride != nil {
		if s, err = perAxis(op, "Stride", o.Stride, nsp, 1); err != nil {
			return nil, err
		}
	}
	pad, err := perAxis(op, "Pad", o.Pad, nsp, 0)
	if err != nil {
		return nil, err
	}
	if o.OutSize != nil && len(o.OutSize) != nsp {
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
	if o.OutSize != nil {
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
		if o.OutSize != nil {
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
	if err := checkData(op, []string{"x"}, x); err != nil {
		return nil, err
	}
	p := &unpoolPlan{xShape: x.Shape, yShape: yShape, k: k, s: s, p: pad}
	if direct {
		return p, nil
	}
	// A depthwise transposed convolution with an all-ones kernel: the
	// engine's gathered side is the unpooled output.
	specs := make([]axisSpec, nsp)
	for a := range nsp {
		specs[a] = axisSpec{k: k[a], s: s[a], d: 1, lo: pad[a], u: 1}
	}
	p.e, err = newEngine(op, x.Shape[0], x.Shape[1], 1, 1, dst, src, specs, Nearest)
	return p, err
}

// ones returns the all-ones depthwise kernel of the general path.
func (p *unpoolPlan) ones() []float32 {
	w := make([]float32, p.e.groups*p.e.kvol)
	for i := range w {
		w[i] = 1
	}
	return w
}

// repeat is the direct forward path for k = s: y[o] = x[⌊(o + p)/s⌋]
// where that sample exists.
func (p *unpoolPlan) repeat(y, x *Tensor) {
	xs, ys := x.strides(), y.strides()
	for n := 0; n < p.yShape[0]; n++ {
		for c := 0; c < p.yShape[1]; c++ {
			p.repeatAxis(y.Data[n*ys[0]+c*ys[1]:], x.Data[n*xs[0]+c*xs[1]:], ys[2:], xs[2:], 0)
		}
	}
}

func (p *unpoolPlan) repeatAxis(dst, src []float32, ds, ss []int, a int) {
	n, out, s, pad := p.xShape[2+a], p.yShape[2+a], p.s[a], p.p[a]
	last := a == len(p.s)-1
	for o := 0; o < out; o++ {
		i := (o + pad) / s
		if i >= n {
			return
		}
		if last {
			dst[o*ds[a]] = src[i*ss[a]]
			continue
		}
		p.repeatAxis(dst[o*ds[a]:], src[i*ss[a]:], ds, ss, a+1)
	}
}

// windowSum is the direct backward path for k = s: gx[i] is the sum of gy
// over the window [i·s − p, i·s − p + s), which never overlap.
func (p *unpoolPlan) windowSum(gx, gy *Tensor) {
	xs, ys := gx.strides(), gy.strides()
	for n := 0; n < p.xShape[0]; n++ {
		for c := 0; c < p.xShape[1]; c++ {
			p.windowAxis(gx.Data[n*xs[0]+c*xs[1]:], gy.Data[n*ys[0]+c*ys[1]:], xs[2:], ys[2:], 0)
		}
	}
}

func (p *unpoolPlan) windowAxis(dst, src []float32, ds, ss []int, a int) {
	last := a == len(p.s)-1
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
