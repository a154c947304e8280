package aniso

// ConvOptions is the geometry of a convolution. Per-axis slices have length
// zero (the default; nil and empty mean the same) or exactly the number of
// spatial axes; the zero value is a stride-1, unpadded, undilated,
// ungrouped convolution.
type ConvOptions struct {
	Stride   []int // per spatial axis, ≥ 1; nil or empty means 1
	PadLo    []int // zeros before each spatial axis; nil or empty means 0; negative crops
	PadHi    []int // zeros after each spatial axis; nil or empty means equal to PadLo
	Dilation []int // spacing of the kernel taps, ≥ 1; nil or empty means 1
	Groups   int   // contiguous channel blocks; 0 or 1 means ungrouped
}

// Conv returns the N-d convolution (cross-correlation) of x with w plus the
// bias b:
//
//	y[n, o, p] = b[o] + Σ_c Σ_j w[o, c, j] · x[n, g·C/G + c, p·s + j·d − lo]
//
// per spatial axis, for output channel o in group g = ⌊o·G/O⌋. x is
// N×C×D1×…×Dn (n ≥ 1), w is O×(C/G)×k1×…×kn, b has O elements or is nil.
// Samples outside the input read as zero; negative padding crops. Each
// spatial output size is
//
//	⌊(D + lo + hi − dk)/s⌋ + 1,   dk = d(k − 1) + 1,
//
// which must be at least 1. The result is a new contiguous N×O×… tensor.
// Errors wrap ErrNilTensor, ErrShape, ErrOption, ErrGeometry, ErrData or
// ErrTooLarge.
func Conv(x, w, b *Tensor, o ConvOptions) (y *Tensor, err error) {
	defer guard("conv", &err)
	c, err := stretchPlan("conv", x, w, StretchOptions{ConvOptions: o})
	if err != nil {
		return nil, err
	}
	y, err = c.plan.run(x, w, b)
	convPlans.put(c)
	return y, err
}

// ConvBackward returns the gradients of Conv(x, w, b, o) with respect to x,
// w and b, for the output gradient gy. gx has x's shape, gw has w's shape
// and gb has O elements; all are new contiguous tensors. The input gradient
// is the transposed convolution of gy (see Deconv).
func ConvBackward(x, w, gy *Tensor, o ConvOptions) (gx, gw, gb *Tensor, err error) {
	defer guard("conv", &err)
	c, err := stretchPlan("conv", x, w, StretchOptions{ConvOptions: o})
	if err != nil {
		return nil, nil, nil, err
	}
	gx, gw, gb, err = c.plan.runBackward(x, w, gy)
	convPlans.put(c)
	return gx, gw, gb, err
}

// ConvPlan is a Conv geometry validated once, with its scratch, for running
// the operator and its gradients again and again: after the first call of
// each, Forward, Backward and BackwardAdd allocate nothing. A plan is not
// safe for concurrent use.
type ConvPlan struct{ weightPlan }

// NewConvPlan validates a Conv of inputs of shape x and weights of shape w
// and allocates its scratch. Errors are as for Conv.
func NewConvPlan(x, w []int, o ConvOptions) (plan *ConvPlan, err error) {
	defer guard("conv", &err)
	p, err := newStretchPlan("conv", &Tensor{Shape: x}, &Tensor{Shape: w}, StretchOptions{ConvOptions: o})
	if err != nil {
		return nil, err
	}
	return &ConvPlan{weightPlan{p}}, nil
}

// base returns the shared methods of p, nil for a nil plan.
func (p *ConvPlan) base() *weightPlan {
	if p == nil {
		return nil
	}
	return &p.weightPlan
}

// OutShape returns the shape of the plan's output for the batch it was
// made for, or nil for a nil or zero plan; a call with a smaller batch has
// an output of that batch.
func (p *ConvPlan) OutShape() []int { return p.base().outShape() }

// Workspace returns the number of float32 values of scratch the plan
// holds, or 0 for a nil or zero plan.
func (p *ConvPlan) Workspace() int { return p.base().workspace() }

// MACs returns the multiply-adds of one forward pass as the plan computes
// them, or 0 for a nil or zero plan. A backward pass computing both the
// input and the weight gradient does twice as many.
func (p *ConvPlan) MACs() int { return p.base().macs() }

// SetThreads bounds the goroutines each later call of the plan uses, the
// calling goroutine included, to n; n ≤ 0 removes the plan's own bound. A
// call uses at most the smallest of n, the bound of SetMaxThreads and
// GOMAXPROCS, and never more goroutines than the plan was built for
// (GOMAXPROCS at NewConvPlan, fewer for small geometries). Results do not depend
// on the bound. SetThreads does nothing on a nil or zero plan.
func (p *ConvPlan) SetThreads(n int) { p.base().setThreads(n) }

// Forward computes Conv(x, w, b) into y, a tensor of shape OutShape but with
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
func (p *ConvPlan) Forward(y, x, w, b *Tensor) error {
	return p.base().forward("conv", y, x, w, b)
}

// Backward computes the gradients of Conv for the output gradient gy
// into gx, gw and gb, tensors of the shapes of x, w and the bias. Any of
// them may be nil to skip that gradient. As for Forward, x may have any
// batch up to the plan's, and gy and gx then have that batch too; the
// results may have any layout that does not overlap itself. No result may
// overlap another result or x, w or gy in memory, which is an ErrData
// error. A strided gw is computed in the plan's scratch and copied in. A
// nil or zero plan gives an error wrapping ErrNilPlan.
func (p *ConvPlan) Backward(gx, gw, gb, x, w, gy *Tensor) error {
	return p.base().backward("conv", gx, gw, gb, x, w, gy, false)
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
func (p *ConvPlan) BackwardAdd(gx, gw, gb, x, w, gy *Tensor) error {
	return p.base().backward("conv", gx, gw, gb, x, w, gy, true)
}
