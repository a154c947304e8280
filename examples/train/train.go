package main

import (
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/anisoconv/aniso/internal/methods"
	"github.com/anisoconv/aniso/nn"
)

// config is what every run of a comparison shares.
type config struct {
	Steps     int           // steps of the fixed-step budget
	Budget    time.Duration // training time of the fixed-time budget
	Batch     int
	Channels  int // C, the width of the network around the method
	LR        float64
	Checks    int // validation checks over the fixed-step budget
	Show      int // validation scenes whose predictions are kept
	MaxFactor int // a run stops after MaxFactor·Steps steps even within its time budget
	// CPU measures training time as the processor time of the process,
	// over all its threads, instead of the time on the wall clock: on a
	// machine shared with other work it counts what the method costs, not
	// how long it waited for a core.
	CPU bool
}

// clock returns the current time of the clock cfg measures training by.
func (cfg config) clock() time.Duration {
	if cfg.CPU {
		t, _ := cpuTime()
		return t
	}
	return time.Duration(time.Now().UnixNano())
}

// point is one validation check of a run.
type point struct {
	Step    int
	Seconds float64 // training time so far (see config.CPU), validation excluded
	Val     float64 // validation MSE
	Grads   []float64
	Flow    float64 // mean ‖dx‖/‖dy‖ through the method since the last check
}

// run is one method trained on one task from one seed.
type run struct {
	Task, Method string
	Seed         uint64
	Params       int
	Layers       []string // names of the weights, in Grads order
	Curve        []point  // the first at step 0
	AtSteps      float64  // validation MSE after cfg.Steps steps
	AtBudget     float64  // validation MSE when the training time first reached cfg.Budget
	BudgetSteps  int      // steps done within the time budget
	StepTime     float64  // mean seconds per training step
	Pred         []float32
}

// Initial returns the validation MSE before training.
func (r run) Initial() float64 { return r.Curve[0].Val }

// trainRun trains method on t from seed. The batches come from train in an
// order fixed by the seed, so every method of one seed sees the same
// batches. One run serves both budgets: it stops once it has done
// cfg.Steps steps and spent cfg.Budget training, measuring the validation
// loss when it passes each; a run stopped at either point would have
// followed the same path up to it.
func trainRun(t task, method string, seed uint64, cfg config, train, val samples, progress func(string)) (run, error) {
	net, err := newNetwork(t, method, cfg.Channels, seed)
	if err != nil {
		return run{}, err
	}
	r := run{Task: t.Name, Method: method, Seed: seed, Params: net.numParams(), Layers: net.labels}
	ws := net.weights
	opt := nn.NewAdam(net.params, cfg.LR)
	h := fnv.New64a()
	io.WriteString(h, t.Name)
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	every := max(1, cfg.Steps/max(1, cfg.Checks))
	grads := make([]float64, len(ws))
	sinceCheck := 0
	// check validates the network and records a point of the curve; with
	// pred not nil it keeps the predictions too.
	check := func(step int, seconds float64, pred *[]float32) (float64, error) {
		v, err := validate(net, t, val, cfg.Batch, pred)
		if err != nil {
			return 0, err
		}
		p := point{Step: step, Seconds: seconds, Val: v, Grads: make([]float64, len(ws))}
		if sinceCheck > 0 {
			for i, g := range grads {
				p.Grads[i] = g / float64(sinceCheck)
			}
		}
		if net.method.flows > 0 {
			p.Flow = net.method.flow / float64(net.method.flows)
		}
		clear(grads)
		sinceCheck = 0
		net.method.flow, net.method.flows = 0, 0
		r.Curve = append(r.Curve, p)
		return v, nil
	}
	if _, err := check(0, 0, nil); err != nil {
		return run{}, err
	}
	idx := make([]int, cfg.Batch)
	var spent time.Duration
	budgetDone := false
	last := time.Now()
	maxSteps := max(cfg.Steps, cfg.MaxFactor*cfg.Steps)
	for step := 1; step <= cfg.Steps || (!budgetDone && step <= maxSteps); step++ {
		for i := range idx {
			idx[i] = rng.IntN(train.N)
		}
		x, y := train.batch(t, idx)
		t0 := cfg.clock()
		nn.ZeroGrad(net.params)
		pred, err := net.seq.Forward(x)
		if err != nil {
			return run{}, err
		}
		loss, g, err := nn.MSE(pred, y)
		if err != nil {
			return run{}, err
		}
		if _, err := net.seq.Backward(g); err != nil {
			return run{}, err
		}
		if err := opt.Step(); err != nil {
			return run{}, err
		}
		spent += cfg.clock() - t0
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return run{}, fmt.Errorf("%s on task %s, seed %d: training loss %v at step %d", method, t.Name, seed, loss, step)
		}
		for i, w := range ws {
			grads[i] += methods.Norm(w.Grad)
		}
		sinceCheck++
		reachedBudget := !budgetDone && spent >= cfg.Budget
		if step%every == 0 || step == cfg.Steps || reachedBudget {
			var pred *[]float32
			if step == cfg.Steps {
				pred = &r.Pred
			}
			v, err := check(step, spent.Seconds(), pred)
			if err != nil {
				return run{}, err
			}
			if step == cfg.Steps {
				r.AtSteps = v
				r.StepTime = spent.Seconds() / float64(step)
				r.Pred = r.Pred[:min(cfg.Show, val.N)*volume(t.Out)]
			}
			if reachedBudget {
				r.AtBudget, r.BudgetSteps, budgetDone = v, step, true
			}
		}
		if time.Since(last) > 200*time.Millisecond {
			last = time.Now()
			progress(fmt.Sprintf("step %d, %.1f s, val %.4g", step, spent.Seconds(), r.Curve[len(r.Curve)-1].Val))
		}
	}
	if !budgetDone {
		// MaxFactor·Steps steps ran out before the budget did.
		end := r.Curve[len(r.Curve)-1]
		r.AtBudget, r.BudgetSteps = end.Val, end.Step
	}
	return r, nil
}

// validate returns the mean squared error over all of val, in batches of
// at most batch scenes. With pred not nil, it also stores the predictions
// there, scene after scene.
func validate(net *network, t task, val samples, batch int, pred *[]float32) (float64, error) {
	var sum float64
	n := 0
	if pred != nil {
		*pred = (*pred)[:0]
	}
	for lo := 0; lo < val.N; lo += batch {
		idx := make([]int, 0, batch)
		for i := lo; i < min(lo+batch, val.N); i++ {
			idx = append(idx, i)
		}
		x, y := val.batch(t, idx)
		p, err := net.seq.Forward(x)
		if err != nil {
			return 0, err
		}
		l, _, err := nn.MSE(p, y)
		if err != nil {
			return 0, err
		}
		sum += l * float64(len(p.Data))
		n += len(p.Data)
		if pred != nil {
			*pred = append(*pred, p.Data...)
		}
	}
	return sum / float64(n), nil
}
