package aniso

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// GradCheckOptions configures CheckGradient. The zero value suits the
// package's operators, which are linear in each input.
type GradCheckOptions struct {
	// Eps is the step along the direction; 0 means 1e-2. Nonlinear
	// functions want a smaller step.
	Eps float64
	// A directional derivative passes when
	//	|numeric − analytic| ≤ Atol + Rtol·max(|numeric|, |analytic|);
	// zero values mean Atol 1e-4 and Rtol 1e-3.
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
	failed := 0
	for _, x := range r.Results {
		if !x.Pass {
			failed++
		}
	}
	w := r.Results[r.Worst]
	fmt.Fprintf(&b, "gradient check: %d of %d directional derivatives pass; worst: input %d trial %d: numeric %.9g, analytic %.9g, abs err %.3g, rel err %.3g",
		len(r.Results)-failed, len(r.Results), w.Input, w.Trial, w.Numeric, w.Analytic, w.AbsErr, w.RelErr)
	return b.String()
}

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
// The report lists every directional derivative and the worst one; the
// error wraps ErrGradient when any fails, ErrShape when f returns a nil
// output or outputs of different shapes, or grad returns the wrong number
// of gradients or one of the wrong shape, ErrData for tensors whose Data
// does not cover their shape, or the error f or grad returned.
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
		gd := packed(g)
		x := work[i].Data
		orig := append([]float32(nil), x...)
		plus := make([]float32, len(x))
		minus := make([]float32, len(x))
		for t := 0; t < trials; t++ {
			for j, v := range orig {
				d := eps * (2*rng.Float64() - 1)
				plus[j] = float32(float64(v) + d)
				minus[j] = float32(float64(v) - d)
			}
			var analytic float64
			for j := range gd {
				analytic += float64(gd[j]) * (float64(plus[j]) - float64(minus[j]))
			}
			analytic /= 2 * eps
			copy(x, plus)
			fp, err := objective()
			if err == nil {
				copy(x, minus)
				var fm float64
				fm, err = objective()
				fp -= fm
			}
			copy(x, orig)
			if err != nil {
				return rep, err
			}
			r := GradResult{Input: i, Trial: t, Analytic: analytic, Numeric: fp / (2 * eps)}
			r.AbsErr = math.Abs(r.Numeric - r.Analytic)
			scale := math.Max(math.Abs(r.Numeric), math.Abs(r.Analytic))
			if scale > 0 {
				r.RelErr = r.AbsErr / scale
			}
			tol := atol + rtol*scale
			r.Pass = r.AbsErr <= tol
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
