package aniso

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// GradCheckOptions configures CheckGradient. The zero value suits the
// package's operators, which are linear in each input, smooth functions of
// inputs of order 1, and, in float32, functions that are linear piece by
// piece, such as layers with ReLU, max pooling or absolute values: the
// checker finds the differences that cross a kink and retries them with
// other directions and steps, and it allows for the rounding noise it
// measures in f (see CheckGradient).
//
// Recommended settings: the defaults for both kinds of layer. For smooth
// functions that curve strongly over ±0.01 (tanh or softmax of large
// inputs), lower Eps to 1e-3 rather than raising the tolerances. Raise
// Trials, not the tolerances, to look at more directions; Rtol above 1e-2
// lets through gradients with a wrong constant factor near 1.
type GradCheckOptions struct {
	// Eps is the step ε of the central differences; 0 means 1e-2. f is
	// evaluated up to 2ε from x. Retries after a kink use steps down to
	// ε/10.
	Eps float64
	// A directional derivative passes when
	//	|numeric − analytic| ≤ Atol + Rtol·max(|numeric|, |analytic|) + 6σ/ε,
	// where σ is the rounding noise of ⟨f, gy⟩ that CheckGradient
	// measures (0 for a function computed exactly); zero values mean Atol
	// 1e-4 and Rtol 1e-3.
	Atol, Rtol float64
	// Trials is the number of random directions per input, at most
	// 65536; 0 means 2.
	Trials int
	// Seed seeds the random directions and output weights.
	Seed uint64
}

// maxTrials bounds GradCheckOptions.Trials, which sizes the report.
const maxTrials = 1 << 16

// GradResult is one directional derivative of a gradient check.
type GradResult struct {
	Input    int     // index of the input perturbed
	Trial    int     // index of the random direction
	Analytic float64 // ⟨gx, v⟩ from the backward function
	Numeric  float64 // (⟨f(x + εv), gy⟩ − ⟨f(x − εv), gy⟩) / 2ε
	AbsErr   float64 // |Numeric − Analytic|
	RelErr   float64 // AbsErr / max(|Numeric|, |Analytic|), 0 when both are 0
	Pass     bool
	// Eps is the step ε of the difference: GradCheckOptions.Eps, or a
	// smaller one after a retry.
	Eps float64
	// Retries counts the directions rejected before this one because
	// their differences crossed a kink.
	Retries int
	// Kinked is set when every direction tried crossed a kink, as they do
	// when x lies on one (a ReLU input of exactly 0, say); the result is
	// then the last one tried, and it does not pass.
	Kinked bool
}

// GradReport is the outcome of CheckGradient.
type GradReport struct {
	Results []GradResult
	// Worst indexes the result with the largest error measured against its
	// tolerance, or is -1 when there are no results.
	Worst int
}

// String describes the check and its worst result.
func (r GradReport) String() string {
	if r.Worst < 0 || r.Worst >= len(r.Results) {
		return "gradient check: nothing checked"
	}
	var b strings.Builder
	failed, retries := 0, 0
	for _, x := range r.Results {
		if !x.Pass {
			failed++
		}
		retries += x.Retries
	}
	w := r.Results[r.Worst]
	fmt.Fprintf(&b, "gradient check: %d of %d directional derivatives pass", len(r.Results)-failed, len(r.Results))
	if retries > 0 {
		fmt.Fprintf(&b, " (%d directions retried for crossing a kink)", retries)
	}
	fmt.Fprintf(&b, "; worst: input %d trial %d", w.Input, w.Trial)
	if w.Kinked {
		b.WriteString(", every direction tried crossed a kink")
	}
	fmt.Fprintf(&b, ": numeric %.9g, analytic %.9g, abs err %.3g, rel err %.3g, step %.3g",
		w.Numeric, w.Analytic, w.AbsErr, w.RelErr, w.Eps)
	return b.String()
}

// How CheckGradient retries a difference that crosses a kink: up to
// gradAttempts directions, each with a quarter of the nonzero components
// of the one before (down to 1/256) and a step √2 smaller (down to a tenth
// of Eps). Fewer components and a shorter step meet fewer kinks; fewer
// components lose less of the signal than a shorter step does.
const (
	gradAttempts = 12
	gradSparser  = 4
	gradMinShare = 1.0 / 256
	gradShorter  = math.Sqrt2
	gradMinStep  = 0.1
)

// The rounding noise σ of ⟨f, gy⟩ is measured along gradNoiseSamples
// directions, steps of gradNoiseStep·Eps from x. A numeric derivative
// may then be off by gradNoiseAllow·σ/ε, about 8 of its standard
// deviations, and a direction is trusted when the third differences stay
// within 2ε times gradKinkShare of Atol + Rtol·scale plus that allowance:
// a kink that passes moves the derivative by less than the tolerance, and
// noise alone (third differences of deviation √20·σ) passes but for about
// one direction in a hundred.
const (
	gradNoiseSamples = 4
	gradNoiseStep    = 1e-3
	gradNoiseAllow   = 6
	gradKinkShare    = 0.5
)

// CheckGradient compares the gradients that grad computes for f with
// central differences along random directions, the check Chainer's
// check_backward performs. f maps the inputs xs to one output; grad
// returns the gradients of ⟨f(xs), gy⟩ with respect to each input (a nil
// gradient skips that input). For a random output weight gy and, per input
// and trial, a random direction v, it compares
//
//	analytic = ⟨grad_i, v⟩
//	numeric  = (⟨f(x + εv), gy⟩ − ⟨f(x − εv), gy⟩) / 2ε
//
// with every inner product accumulated in float64. v is taken as the
// float32 difference of the perturbed inputs, so rounding of x ± εv does not
// count as error. The inputs are not modified.
//
// A difference is trusted only where f is smooth along v. f is also
// evaluated at x ± 2εv, and the residuals of the analytic model,
//
//	r(m) = ⟨f(x + mεv), gy⟩ − ⟨f(x), gy⟩ − ⟨grad_i, mεv⟩,   m = −2, …, 2,
//
// have third differences of order ε³ wherever f is smooth, whatever grad
// returns, and of 0 where f is linear. A kink between x − εv and x + εv
// that moves the numeric derivative by e gives a third difference of r of
// at least 2ε·e. So a direction whose third differences exceed 2ε times
// half of Atol + Rtol·max(|numeric|, |analytic|), plus the noise
// allowance below, is rejected and replaced by a new one with a quarter
// of the nonzero components and a step √2 smaller, which meets fewer
// kinks, up to 12 directions; strong curvature is retried the same way.
// The test does not depend on the gradient, so it hides no error of the
// gradient. Before its trials, CheckGradient measures the rounding noise σ
// of the objective from r at 0.001ε and 0.002ε along 4 directions, where
// neither kinks nor errors of grad show, and allows 6σ/ε of error for it.
// A trial costs 4 evaluations of f, and 4 more per retry; the noise, 8 per
// input.
//
// The report lists every directional derivative and the worst one; the
// error wraps ErrGradient when any fails, ErrShape when f returns a nil
// output or outputs of different shapes, or grad returns the wrong number
// of gradients or one of the wrong shape, ErrData for tensors whose Data
// does not cover their shape, ErrOption for bad options (NaN tolerances or
// more than 65536 Trials among them), or the error f or grad returned.
func CheckGradient(f func(xs []*Tensor) (*Tensor, error), grad func(xs []*Tensor, gy *Tensor) ([]*Tensor, error), xs []*Tensor, o GradCheckOptions) (rep GradReport, err error) {
	const op = "gradcheck"
	defer guard(op, &err)
	rep.Worst = -1
	if f == nil || grad == nil {
		return rep, errorf(op, ErrOption, "f and grad must not be nil")
	}
	eps, atol, rtol, trials := o.Eps, o.Atol, o.Rtol, o.Trials
	if eps == 0 {
		eps = 1e-2
	}
	if atol == 0 {
		atol = 1e-4
	}
	if rtol == 0 {
		rtol = 1e-3
	}
	if trials == 0 {
		trials = 2
	}
	if !(eps > 0) || math.IsInf(eps, 0) || atol < 0 || rtol < 0 || trials < 0 {
		return rep, errorf(op, ErrOption, "Eps %g, Atol %g, Rtol %g and Trials %d must not be negative, and Eps must be finite", o.Eps, o.Atol, o.Rtol, o.Trials)
	}
	if math.IsNaN(atol) || math.IsNaN(rtol) {
		return rep, errorf(op, ErrOption, "Atol %g and Rtol %g must be numbers", o.Atol, o.Rtol)
	}
	if trials > maxTrials {
		return rep, errorf(op, ErrOption, "Trials %d is more than %d", trials, maxTrials)
	}
	// Work on contiguous copies so that the caller's inputs stay as they are.
	work := make([]*Tensor, len(xs))
	for i, x := range xs {
		if err := checkData(op, []string{fmt.Sprintf("input %d", i)}, x); err != nil {
			return rep, err
		}
		if x == nil {
			return rep, errorf(op, ErrNilTensor, "input %d is nil", i)
		}
		work[i] = &Tensor{Data: append([]float32(nil), packed(x)...), Shape: append([]int(nil), x.Shape...)}
	}
	y, err := f(work)
	if err != nil {
		return rep, err
	}
	if err := checkOutput(op, y); err != nil {
		return rep, err
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	gy := New(y.Shape...)
	fillUniform(rng, gy.Data)
	f0 := dotStrided(y, gy)
	gs, err := grad(work, gy)
	if err != nil {
		return rep, err
	}
	if len(gs) != len(xs) {
		return rep, errorf(op, ErrShape, "grad returned %d gradients for %d inputs", len(gs), len(xs))
	}
	objective := func() (float64, error) {
		y, err := f(work)
		if err != nil {
			return 0, err
		}
		if err := checkOutput(op, y); err != nil {
			return 0, err
		}
		if !sameShape(y.Shape, gy.Shape) {
			return 0, errorf(op, ErrShape, "f's output changed shape from %v to %v", gy.Shape, y.Shape)
		}
		return dotStrided(y, gy), nil
	}
	worst := -1.0
	for i, g := range gs {
		if g == nil {
			continue
		}
		if !sameShape(g.Shape, xs[i].Shape) {
			return rep, errorf(op, ErrShape, "gradient %d has shape %v, input has %v", i, g.Shape, xs[i].Shape)
		}
		if err := checkData(op, []string{fmt.Sprintf("gradient %d", i)}, g); err != nil {
			return rep, err
		}
		d := difference{x: work[i].Data, g: packed(g), f0: f0, objective: objective}
		d.orig = append([]float32(nil), d.x...)
		d.dir = make([]float64, len(d.x))
		if err := d.measureNoise(rng, eps*gradNoiseStep); err != nil {
			return rep, err
		}
		for t := 0; t < trials; t++ {
			r, err := d.trial(rng, eps, atol, rtol)
			if err != nil {
				return rep, err
			}
			r.Input, r.Trial = i, t
			tol := atol + rtol*math.Max(math.Abs(r.Numeric), math.Abs(r.Analytic))
			if e := r.AbsErr / tol; e > worst || math.IsNaN(e) {
				worst, rep.Worst = e, len(rep.Results)
			}
			rep.Results = append(rep.Results, r)
		}
	}
	for _, r := range rep.Results {
		if !r.Pass {
			return rep, errorf(op, ErrGradient, "%s", rep.String())
		}
	}
	return rep, nil
}

// checkOutput validates an output of f: not nil, and with Data covering
// its shape. A missing output is an ErrShape error: there is nothing of
// the shape of the first output to compare.
func checkOutput(op string, y *Tensor) error {
	if y == nil {
		return errorf(op, ErrShape, "f returned a nil output and no error")
	}
	return checkData(op, []string{"f's output"}, y)
}

// difference computes directional derivatives of one input: x is the
// input the objective reads, orig its values, g its analytic gradient and
// f0 the objective at orig.
type difference struct {
	x, orig, g []float32
	dir        []float64
	f0         float64
	noise      float64 // the rounding noise of the objective near orig
	objective  func() (float64, error)
}

// at returns the objective at orig + t·dir and the analytic model's change
// ⟨g, x − orig⟩ for the x it evaluates, leaving x at orig.
func (d *difference) at(t float64) (f, lin float64, err error) {
	for j, v := range d.orig {
		d.x[j] = float32(float64(v) + t*d.dir[j])
		lin += float64(d.g[j]) * (float64(d.x[j]) - float64(v))
	}
	f, err = d.objective()
	copy(d.x, d.orig)
	return f, lin, err
}

// direction draws a direction with each component nonzero with
// probability p, at least one, and uniform in [−1, 1).
func (d *difference) direction(rng *rand.Rand, p float64) {
	any := false
	for j := range d.dir {
		d.dir[j] = 0
		if p >= 1 || rng.Float64() < p {
			d.dir[j] = 2*rng.Float64() - 1
			any = true
		}
	}
	if !any {
		d.dir[rng.IntN(len(d.dir))] = 2*rng.Float64() - 1
	}
}

// measureNoise sets d.noise to the rounding noise of the objective near
// orig, measured along gradNoiseSamples directions as the second
// difference of the analytic model's residual r at 0, τ and 2τ: r is
// linear there even when orig lies on a kink, and an error of the gradient
// only adds to its slope, so what remains is the rounding of f.
func (d *difference) measureNoise(rng *rand.Rand, tau float64) error {
	var s float64
	for k := range gradNoiseSamples {
		d.direction(rng, 1)
		var r [2]float64
		for i := range r {
			t := float64(i+1) * tau
			if k%2 == 1 {
				t = -t
			}
			f, lin, err := d.at(t)
			if err != nil {
				return err
			}
			r[i] = f - d.f0 - lin
		}
		// The second difference of noise of deviation σ has variance 6σ².
		s += (r[1] - 2*r[0]) * (r[1] - 2*r[0]) / 6
	}
	d.noise = math.Sqrt(s / gradNoiseSamples)
	return nil
}

// trial finds a direction and a step whose differences cross no kink and
// returns their directional derivatives, or the last ones tried with
// Kinked set.
func (d *difference) trial(rng *rand.Rand, eps, atol, rtol float64) (GradResult, error) {
	var r GradResult
	h, p := eps, 1.0
	for a := 0; a < gradAttempts; a++ {
		d.direction(rng, p)
		var fs, lin [5]float64 // objective and analytic model at x + (m−2)·hv
		fs[2] = d.f0
		for m := 0; m < 5; m++ {
			if m == 2 {
				continue
			}
			var err error
			if fs[m], lin[m], err = d.at(float64(m-2) * h); err != nil {
				return r, err
			}
		}
		r = GradResult{Eps: h, Retries: r.Retries}
		r.Analytic = (lin[3] - lin[1]) / (2 * h)
		r.Numeric = (fs[3] - fs[1]) / (2 * h)
		r.AbsErr = math.Abs(r.Numeric - r.Analytic)
		scale := math.Max(math.Abs(r.Numeric), math.Abs(r.Analytic))
		if scale > 0 {
			r.RelErr = r.AbsErr / scale
		}
		base, allow := atol+rtol*scale, gradNoiseAllow*d.noise/h
		r.Pass = r.AbsErr <= base+allow
		// The residuals of the analytic model are linear in m where f is
		// smooth, whether the gradient is right or wrong. A kink between
		// x − hv and x + hv that moves the numeric derivative by e makes
		// a third difference of them at least 2h·e.
		var res [5]float64
		for m := range res {
			res[m] = fs[m] - d.f0 - lin[m]
		}
		third := math.Max(math.Abs(res[3]-3*res[2]+3*res[1]-res[0]), math.Abs(res[4]-3*res[3]+3*res[2]-res[1]))
		if third <= 2*h*(gradKinkShare*base+allow) {
			return r, nil
		}
		r.Retries++
		p = max(p/gradSparser, gradMinShare)
		h = max(h/gradShorter, eps*gradMinStep)
	}
	r.Retries--
	r.Kinked, r.Pass = true, false
	return r, nil
}

// fillUniform fills d with values uniform in [−1, 1).
func fillUniform(rng *rand.Rand, d []float32) {
	for i := range d {
		d[i] = float32(2*rng.Float64() - 1)
	}
}

// dotStrided returns ⟨a, b⟩ in float64 for a strided a and a contiguous b
// of the same shape.
func dotStrided(a, b *Tensor) float64 {
	ad := packed(a)
	var s float64
	for i, v := range ad {
		s += float64(v) * float64(b.Data[i])
	}
	return s
}
