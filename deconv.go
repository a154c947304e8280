package aniso

// DeconvOptions is the geometry of a transposed convolution: the
// ConvOptions of the convolution it transposes, plus output padding or a
// wanted output size.
type DeconvOptions struct {
	ConvOptions // geometry of the convolution this operator transposes
	// OutputPadding adds size at the high end of each spatial axis,
	// 0 ≤ a < max(stride, dilation); nil or empty means 0. It adds no
	// values.
	OutputPadding []int
	// OutSize, if not empty, gives the spatial output sizes wanted, one
	// per spatial axis, as Chainer's outsize and PyTorch's output_size.
	// Conv maps up to s input sizes to one output size, so the geometry
	// alone cannot tell which of them Deconv should restore. With the
	// default size of an axis
	//
	//	def = s(D − 1) + dk − lo − hi,   dk = d(k − 1) + 1,
	//
	// a size out from def to def + max(s, d) − 1 is output padding
	// out − def, and a size from def − (s − 1) to def − 1 crops def − out
	// more outputs at the high end, as PadHi = hi + def − out would (as
	// Chainer's deconvolution_nd does). Any other size is an error
	// wrapping ErrOption. OutputPadding may be given as well only if it
	// agrees: def + OutputPadding must equal OutSize on every axis. (Where
	// the geometry fixes the size, as for StretchConv, OutSize only checks
	// it; here it picks one of the sizes the geometry leaves open.)
	OutSize []int
}

// Deconv returns the transposed convolution of x with w plus the bias b,
// the adjoint of Conv with the same geometry. Input sample i with kernel
// tap j lands on output
//
//	o = i·s + j·d − lo
//
// per spatial axis; contributions outside the output are dropped, so
// positive padding crops and negative padding extends. x is N×C×D1×…×Dn, w
// is C×(O/G)×k1×…×kn (the layout of PyTorch, Chainer and ONNX), b has O
// elements or is nil. Each spatial output size is
//
//	s(D − 1) + dk − lo − hi + a,   dk = d(k − 1) + 1,
//
// unless o.OutSize gives it, and must be at least 1. The result is a new
// contiguous N×O×… tensor.
// Errors wrap ErrNilTensor, ErrShape, ErrOption, ErrGeometry, ErrData or
// ErrTooLarge.
func Deconv(x, w, b *Tensor, o DeconvOptions) (y *Tensor, err error) {
	defer guard("deconv", &err)
	c, err := deconvPlan("deconv", x, w, o)
	if err != nil {
		return nil, err
	}
	y, err = c.plan.run(x, w, b)
	convPlans.put(c)
	return y, err
}

// DeconvBackward returns the gradients of Deconv(x, w, b, o) with respect
// to x, w and b for the output gradient gy. The input gradient is the
// convolution of gy with w (see Conv). gx has x's shape, gw has w's shape
// and gb has O elements; all are new contiguous tensors.
func DeconvBackward(x, w, gy *Tensor, o DeconvOptions) (gx, gw, gb *Tensor, err error) {
	defer guard("deconv", &err)
	c, err := deconvPlan("deconv", x, w, o)
	if err != nil {
		return nil, nil, nil, err
	}
	gx, gw, gb, err = c.plan.runBackward(x, w, gy)
	convPlans.put(c)
	return gx, gw, gb, err
}

// DeconvPlan is a Deconv geometry validated once, with its scratch, for
// running the operator and its gradients again and again: after the first
// call of each, Forward, Backward and BackwardAdd allocate nothing. A plan
// is not safe for concurrent use.
type DeconvPlan struct{ weightPlan }

// NewDeconvPlan validates a Deconv of inputs of shape x and weights of
// shape w and allocates its scratch. Errors are as for Deconv.
func NewDeconvPlan(x, w []int, o DeconvOptions) (plan *DeconvPlan, err error) {
	defer guard("deconv", &err)
	p, err := newDeconvPlan("deconv", &Tensor{Shape: x}, &Tensor{Shape: w}, o)
	if err != nil {
		return nil, err
	}
	return &DeconvPlan{weightPlan{p}}, nil
}

// base returns the shared methods of p, nil for a nil plan.
func (p *DeconvPlan) base() *weightPlan {
	if p == nil {
		return nil
	}
	return &p.weightPlan
}

// OutShape returns the shape of the plan's output for the batch it was
// made for, or nil for a nil or zero plan; a call with a smaller batch has
// an output of that batch.
func (p *DeconvPlan) OutShape() []int { return p.base().outShape() }

// Workspace returns the number of float32 values of scratch the plan
// holds, or 0 for a nil or zero plan.
func (p *DeconvPlan) Workspace() int { return p.base().workspace() }

// MACs returns the multiply-adds of one forward pass as the plan computes
// them, or 0 for a nil or zero plan. A backward pass computing both the
// input and the weight gradient does twice as many.
func (p *DeconvPlan) MACs() int { return p.base().macs() }

// SetThreads bounds the goroutines each later call of the plan uses, the
// calling goroutine included, to n; n ≤ 0 removes the plan's own bound. A
// call uses at most the smallest of n, the bound of SetMaxThreads and
// GOMAXPROCS, and never more goroutines than the plan was built for
// (GOMAXPROCS at NewDeconvPlan, fewer for small geometries). Results do not depend
// on the bound. SetThreads does nothing on a nil or zero plan.
func (p *DeconvPlan) SetThreads(n int) { p.base().setThreads(n) }

// Forward computes Deconv(x, w, b) into y, a tensor of shape OutShape but with
// x's batch. b may be nil. x may have any batch up to the plan's, so that a
// short last batch of an epoch runs on the same plan; a batch of 0 does
// nothing.
//
// y may have any layout that does not overlap itself, for example a
// channels-last view made with Permute or a view with gaps: the plan writes
// every element of y and nothing between them. An overlapping y is an
// ErrData error, and so is a y that overlaps x, w or b in memory (their
// spans from first to last element). A nil or zero plan gives an error
// wrapping ErrNilPlan.
func (p *DeconvPlan) Forward(y, x, w, b *Tensor) error {
	return p.base().forward("deconv", y, x, w, b)
}

// Backward computes the gradients of Deconv for the output gradient gy
// into gx, gw and gb, tensors of the shapes of x, w and the bias. Any of
// them may be nil to skip that gradient. As for Forward, x may have any
// batch up to the plan's, and gy and gx then have that batch too; the
// results may have any layout that does not overlap itself. No result may
// overlap another result or x, w or gy in memory, which is an ErrData
// error. A strided gw is computed in the plan's scratch and copied in. A
// nil or zero plan gives an error wrapping ErrNilPlan.
func (p *DeconvPlan) Backward(gx, gw, gb, x, w, gy *Tensor) error {
	return p.base().backward("deconv", gx, gw, gb, x, w, gy, false)
}

// BackwardAdd is Backward with the weight and bias gradients added to gw
// and gb instead of written over them, for gradients accumulated over
// several batches or over several uses of one layer:
//
//	gw += ∂⟨y, gy⟩/∂w,   gb += ∂⟨y, gy⟩/∂b
//
// gx is still overwritten. The addition costs no extra pass: the weight
// gradient's GEMM runs with β = 1 on gw itself. The sums are rounded in an
// order fixed by the geometry, so the result does not depend on the number
// of threads, but it may differ in the last bits from adding Backward's gw
// afterwards. gw and gb are left as they are for a batch of 0. Shapes,
// layouts and errors are as for Backward.
func (p *DeconvPlan) BackwardAdd(gx, gw, gb, x, w, gy *Tensor) error {
	return p.base().backward("deconv", gx, gw, gb, x, w, gy, true)
}

// newDeconvPlan validates the options of a Deconv and the shapes of x and
// w, and builds the engine of the convolution that Deconv transposes: its
// gathered side is Deconv's output and its output side Deconv's input.
func newDeconvPlan(op string, x, w *Tensor, o DeconvOptions) (*convPlan, error) {
	nsp, err := checkInput(op, "x", x, w, convHints(o.ConvOptions, axisHint{"OutputPadding", len(o.OutputPadding)}, axisHint{"OutSize", len(o.OutSize)})...)
	if err != nil {
		return nil, err
	}
	g, err := resolveConv(op, nsp, o.ConvOptions)
	if err != nil {
		return nil, err
	}
	outPad, err := perAxis(op, "OutputPadding", o.OutputPadding, nsp, 0)
	if err != nil {
		return nil, err
	}
	// An empty OutSize, like a nil one, keeps the default sizes.
	wanted := len(o.OutSize) > 0
	if wanted && len(o.OutSize) != nsp {
		return nil, errorf(op, ErrOption, "OutSize has %d values for %d spatial axes", len(o.OutSize), nsp)
	}
	for a, v := range outPad {
		if m := max(g.stride[a], g.dilation[a]); v < 0 || v >= m {
			return nil, errorf(op, ErrOption, "axis %d: output padding %d is outside [0, %d), max(stride %d, dilation %d)", a, v, m, g.stride[a], g.dilation[a])
		}
	}
	if err := checkKernel(op, w, nsp+2, "C×(O/G)×k1×…×kn"); err != nil {
		return nil, err
	}
	c := x.Shape[1]
	if w.Shape[0] != c {
		return nil, errorf(op, ErrShape, "w has %d input channels, x has %d", w.Shape[0], c)
	}
	if c%g.groups != 0 {
		return nil, errorf(op, ErrShape, "x has %d channels, not divisible by %d groups", c, g.groups)
	}
	outC, ok := mul(w.Shape[1], g.groups)
	if !ok || outC > MaxElements {
		return nil, errorf(op, ErrTooLarge, "%d output channels per group times %d groups is too large", w.Shape[1], g.groups)
	}
	src := x.Shape[2:]
	kernel := w.Shape[2:]
	if err := checkRows(op, w.Shape[1], kernel); err != nil {
		return nil, err
	}
	dst := make([]int, nsp)
	specs := make([]axisSpec, nsp)
	for a := range nsp {
		var ck checked
		n, k, s, d, lo, hi := src[a], kernel[a], g.stride[a], g.dilation[a], g.padLo[a], g.padHi[a]
		full := ck.add(ck.mul(s, n-1), ck.add(ck.mul(d, k-1), 1))
		def := ck.sub(ck.sub(full, lo), hi)
		out := ck.add(def, outPad[a])
		lowest, highest := ck.sub(def, s-1), ck.add(def, max(s, d)-1)
		if ck.overflow {
			return nil, errorf(op, ErrTooLarge, "axis %d: input %d, stride %d, kernel %d, dilation %d and pad %s overflow", a, n, s, k, d, pads(lo, hi))
		}
		if wanted {
			want := o.OutSize[a]
			lowest = max(lowest, 1)
			if highest < lowest {
				return nil, errorf(op, ErrGeometry, "axis %d: pad %s crops the full output %d to nothing", a, pads(lo, hi), full)
			}
			if want < lowest || want > highest {
				return nil, errorf(op, ErrOption, "axis %d: output size %d is outside [%d, %d], the default %d less up to stride %d − 1 or plus up to max(stride, dilation %d) − 1", a, want, lowest, highest, def, s, d)
			}
			if len(o.OutputPadding) > 0 && want != out {
				return nil, errorf(op, ErrOption, "axis %d: OutSize %d and OutputPadding %d disagree: the default %d plus the output padding is %d", a, want, outPad[a], def, out)
			}
			if want < def {
				// The outputs cropped at the high end count as padding
				// there for the check below.
				hi += def - want
			}
			out = want
		}
		kept := out + min(lo, 0) + min(hi, 0)
		if out < 1 {
			return nil, errorf(op, ErrGeometry, "axis %d: pad %s crops the full output %d to nothing", a, pads(lo, hi), full)
		}
		if kept < 0 {
			return nil, errorf(op, ErrGeometry, "axis %d: pad %s crops past the output %d", a, pads(lo, hi), out)
		}
		dst[a] = out
		specs[a] = axisSpec{k: k, s: s, d: d, lo: lo, u: 1}
	}
	return newConvPlan(op, x, w, outC, g.groups, dst, specs, Nearest, true)
}
