package aniso

import "fmt"

// StretchMode selects how StretchConv stretches an axis by a factor u.
type StretchMode int

const (
	// Nearest repeats each sample u times: length u·n.
	Nearest StretchMode = iota
	// Zeros puts u−1 zeros between samples: length u(n−1)+1.
	Zeros
)

// String returns "Nearest" or "Zeros".
func (m StretchMode) String() string {
	switch m {
	case Nearest:
		return "Nearest"
	case Zeros:
		return "Zeros"
	}
	return fmt.Sprintf("StretchMode(%d)", int(m))
}

// StretchOptions is the geometry of StretchConv: a convolution applied to
// the input stretched by an integer factor per axis.
type StretchOptions struct {
	ConvOptions       // geometry of the convolution applied to the stretched input
	Stretch     []int // per spatial axis factor ≥ 1; nil or empty means 1 (plain Conv)
	Mode        StretchMode
	// OutSize, when not empty, is the spatial output size the options are
	// meant to give, one value per spatial axis. It does not change the
	// geometry: a plan or call whose input and kernel give another size
	// fails with ErrGeometry, so options solved for one kernel cannot
	// silently produce another shape with a different kernel. SolveStretch
	// fills it.
	OutSize []int
}

// StretchConv returns Conv(stretch(x), w, b) without building the stretched
// input. Each spatial axis of x is stretched by its factor u, by repetition
// (Nearest, length u·D) or by inserting u−1 zeros between samples (Zeros,
// length u(D−1)+1), and then convolved with the ConvOptions geometry, so one
// operator can grow some axes while it shrinks others:
//
//	out = ⌊(L + lo + hi − dk)/s⌋ + 1,   L = u·D or u(D−1)+1.
//
// It works per output phase: along a stretched axis the outputs fall into
// u/gcd(s, u) classes, each of which is an ordinary strided convolution of
// the original x with a folded kernel (Nearest: taps that read the same
// sample have their weights summed) or with the taps that would meet
// inserted zeros dropped (Zeros). No buffer of the stretched size is
// allocated. Shapes and errors are as for Conv; Stretch must hold factors
// ≥ 1, and a stretch so far beyond the stride and the output that the phase
// tables would exceed 2^16 phases (or 2^18 phase taps per axis) is rejected
// with ErrTooLarge.
//
// Doing less work has a price at float32's extremes; elsewhere the result
// agrees with stretch-then-convolve to rounding. Nearest sums the weights of
// the taps that read the same sample in float32 before multiplying, so for
// an output whose folded taps have weights w₁, …, wₘ (m ≥ 2):
//
//   - if w₁ + … + wₘ overflows float32 the result is ±Inf (NaN for x = 0),
//     although the products x·wⱼ and their sum may be finite;
//   - if the sample x is ±Inf and the wⱼ have opposite signs but a nonzero
//     sum, the result is ±Inf where the chain adds Inf − Inf = NaN.
//
// The input gradient folds the same weights and meets the same two cases
// with an infinite output gradient. Zeros never multiplies the inserted
// zeros, so a weight of ±Inf or NaN on a dropped tap leaves the output
// finite where the chain computes 0·Inf = NaN.
func StretchConv(x, w, b *Tensor, o StretchOptions) (y *Tensor, err error) {
	defer guard("stretchconv", &err)
	c, err := stretchPlan("stretchconv", x, w, o)
	if err != nil {
		return nil, err
	}
	y, err = c.plan.run(x, w, b)
	convPlans.put(c)
	return y, err
}

// StretchConvBackward returns the gradients of StretchConv(x, w, b, o) with
// respect to x, w and b for the output gradient gy, computed phase by phase
// like the forward pass: the input gradient gathers the output gradient
// through the flipped (for Nearest, summed) kernel or scatters each phase
// through its folded kernel onto the original samples, whichever reads
// the longer contiguous runs, and the weight gradient of each phase is
// unfolded back onto the original taps.
func StretchConvBackward(x, w, gy *Tensor, o StretchOptions) (gx, gw, gb *Tensor, err error) {
	defer guard("stretchconv", &err)
	c, err := stretchPlan("stretchconv", x, w, o)
	if err != nil {
		return nil, nil, nil, err
	}
	gx, gw, gb, err = c.plan.runBackward(x, w, gy)
	convPlans.put(c)
	return gx, gw, gb, err
}

// StretchConvPlan is a StretchConv geometry validated once, with its
// scratch, for running the operator and its gradients again and again:
// after the first call of each, Forward, Backward and BackwardAdd allocate
// nothing. A plan is not safe for concurrent use.
type StretchConvPlan struct{ weightPlan }

// NewStretchConvPlan validates a StretchConv of inputs of shape x and
// weights of shape w and allocates its scratch. Errors are as for
// StretchConv.
func NewStretchConvPlan(x, w []int, o StretchOptions) (plan *StretchConvPlan, err error) {
	defer guard("stretchconv", &err)
	p, err := newStretchPlan("stretchconv", &Tensor{Shape: x}, &Tensor{Shape: w}, o)
	if err != nil {
		return nil, err
	}
	return &StretchConvPlan{weightPlan{p}}, nil
}

// base returns the shared methods of p, nil for a nil plan.
func (p *StretchConvPlan) base() *weightPlan {
	if p == nil {
		return nil
	}
	return &p.weightPlan
}

// OutShape returns the shape of the plan's output for the batch it was
// made for, or nil for a nil or zero plan; a call with a smaller batch has
// an output of that batch.
func (p *StretchConvPlan) OutShape() []int { return p.base().outShape() }

// Workspace returns the number of float32 values of scratch the plan
// holds, or 0 for a nil or zero plan.
func (p *StretchConvPlan) Workspace() int { return p.base().workspace() }

// MACs returns the multiply-adds of one forward pass as the plan computes
// them: those of the folded or thinned phase kernels, or 0 for a nil or
// zero plan. A backward pass computing both the input and the weight
// gradient does twice as many.
func (p *StretchConvPlan) MACs() int { return p.base().macs() }

// SetThreads bounds the goroutines each later call of the plan uses, the
// calling goroutine included, to n; n ≤ 0 removes the plan's own bound. A
// call uses at most the smallest of n, the bound of SetMaxThreads and
// GOMAXPROCS, and never more goroutines than the plan was built for
// (GOMAXPROCS at NewStretchConvPlan, fewer for small geometries). Results do not depend
// on the bound. SetThreads does nothing on a nil or zero plan.
func (p *StretchConvPlan) SetThreads(n int) { p.base().setThreads(n) }

// Forward computes StretchConv(x, w, b) into y, a tensor of shape OutShape but with
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
func (p *StretchConvPlan) Forward(y, x, w, b *Tensor) error {
	return p.base().forward("stretchconv", y, x, w, b)
}

// Backward computes the gradients of StretchConv for the output gradient gy
// into gx, gw and gb, tensors of the shapes of x, w and the bias. Any of
// them may be nil to skip that gradient. As for Forward, x may have any
// batch up to the plan's, and gy and gx then have that batch too; the
// results may have any layout that does not overlap itself. No result may
// overlap another result or x, w or gy in memory, which is an ErrData
// error. A strided gw is computed in the plan's scratch and copied in. A
// nil or zero plan gives an error wrapping ErrNilPlan.
func (p *StretchConvPlan) Backward(gx, gw, gb, x, w, gy *Tensor) error {
	return p.base().backward("stretchconv", gx, gw, gb, x, w, gy, false)
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
func (p *StretchConvPlan) BackwardAdd(gx, gw, gb, x, w, gy *Tensor) error {
	return p.base().backward("stretchconv", gx, gw, gb, x, w, gy, true)
}

// newStretchPlan validates the options of a StretchConv and the shapes of
// x and w, and builds its engine.
func newStretchPlan(op string, x, w *Tensor, o StretchOptions) (*convPlan, error) {
	nsp, err := checkInput(op, "x", x, w, convHints(o.ConvOptions, axisHint{"Stretch", len(o.Stretch)}, axisHint{"OutSize", len(o.OutSize)})...)
	if err != nil {
		return nil, err
	}
	g, err := resolveConv(op, nsp, o.ConvOptions)
	if err != nil {
		return nil, err
	}
	u, err := perAxis(op, "Stretch", o.Stretch, nsp, 1)
	if err != nil {
		return nil, err
	}
	if err := positive(op, "stretch", u); err != nil {
		return nil, err
	}
	if len(o.OutSize) != 0 && len(o.OutSize) != nsp {
		return nil, errorf(op, ErrOption, "OutSize has %d values for %d spatial axes", len(o.OutSize), nsp)
	}
	if o.Mode != Nearest && o.Mode != Zeros {
		return nil, errorf(op, ErrOption, "unknown Mode %d", int(o.Mode))
	}
	if err := checkKernel(op, w, nsp+2, "O×(C/G)×k1×…×kn"); err != nil {
		return nil, err
	}
	c, outC := x.Shape[1], w.Shape[0]
	if c%g.groups != 0 {
		return nil, errorf(op, ErrShape, "x has %d channels, not divisible by %d groups", c, g.groups)
	}
	if outC%g.groups != 0 {
		return nil, errorf(op, ErrShape, "w has %d output channels, not divisible by %d groups", outC, g.groups)
	}
	if w.Shape[1] != c/g.groups {
		return nil, errorf(op, ErrShape, "w has %d input channels per group, want %d (x has %d channels in %d groups)", w.Shape[1], c/g.groups, c, g.groups)
	}
	src := x.Shape[2:]
	kernel := w.Shape[2:]
	if err := checkRows(op, c/g.groups, kernel); err != nil {
		return nil, err
	}
	dst := make([]int, nsp)
	specs := make([]axisSpec, nsp)
	for a := range nsp {
		var ck checked
		n, k, s, d, lo, hi := src[a], kernel[a], g.stride[a], g.dilation[a], g.padLo[a], g.padHi[a]
		l := ck.mul(u[a], n)
		if o.Mode == Zeros {
			l = ck.add(ck.mul(u[a], n-1), 1)
		}
		dk := ck.add(ck.mul(d, k-1), 1)
		span := ck.add(ck.add(l, lo), hi)
		kept := ck.add(ck.add(l, min(lo, 0)), min(hi, 0))
		if ck.overflow {
			return nil, errorf(op, ErrTooLarge, "axis %d: input %d, stretch %d, kernel %d, dilation %d and pad %s overflow", a, n, u[a], k, d, pads(lo, hi))
		}
		if kept < 0 {
			return nil, errorf(op, ErrGeometry, "axis %d: pad %s crops past the input %d", a, pads(lo, hi), l)
		}
		if span < dk {
			if u[a] > 1 {
				return nil, errorf(op, ErrGeometry, "axis %d: input %d stretched to %d + pad %s is smaller than the dilated kernel %d", a, n, l, pads(lo, hi), dk)
			}
			return nil, errorf(op, ErrGeometry, "axis %d: input %d + pad %s is smaller than the dilated kernel %d", a, n, pads(lo, hi), dk)
		}
		dst[a] = (span-dk)/s + 1
		specs[a] = axisSpec{k: k, s: s, d: d, lo: lo, u: u[a]}
	}
	for a, want := range o.OutSize {
		if dst[a] != want {
			return nil, errorf(op, ErrGeometry, "axis %d: input %d, stretch %d, kernel %d, stride %d and pad %s give output size %d, but OutSize is %d",
				a, src[a], u[a], kernel[a], g.stride[a], pads(g.padLo[a], g.padHi[a]), dst[a], want)
		}
	}
	return newConvPlan(op, x, w, outC, g.groups, dst, specs, o.Mode, false)
}
