package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/anisoconv/aniso/internal/methods"
)

// summary is what the runs of one method on one task say, over seeds.
type summary struct {
	Task, Method string
	TwoStep      bool // the method applies two operators in a row
	Seeds        int
	Params       int
	StepTime     float64 // mean seconds per training step
	// AtSteps and AtBudget are the validation MSE after the fixed number
	// of steps and within the fixed training time, mean and standard
	// deviation over seeds, and PSNR the mean over seeds of
	// 10·log10(1/MSE) (the data lie in [0, 1]).
	AtSteps, AtStepsSD, PSNRSteps    float64
	AtBudget, AtBudgetSD, PSNRBudget float64
	BudgetSteps                      float64 // mean steps done within the time budget
	// Flow is ‖dx‖/‖dy‖ across the method during training, mean and
	// smallest over the checks of every seed.
	Flow, FlowMin float64
	// Grad is ‖∇W_in‖/‖∇W_out‖, the norm of the first convolution's
	// weight gradient, below the method, over that of the last one,
	// above it: mean and smallest over the checks of every seed.
	Grad, GradMin float64
	// Layers are the weights' names and LayerGrads the mean norm of each
	// one's gradient during training.
	Layers     []string
	LayerGrads []float64
}

// summarise groups runs by task and method, in the order they first
// appear, and takes their statistics.
func summarise(runs []run, twoStep map[string]bool) []summary {
	type key struct{ task, method string }
	var order []key
	groups := map[key][]run{}
	for _, r := range runs {
		k := key{r.Task, r.Method}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	var ss []summary
	for _, k := range order {
		rs := groups[k]
		s := summary{Task: k.task, Method: k.method, TwoStep: twoStep[k.method], Seeds: len(rs), Params: rs[0].Params,
			FlowMin: math.Inf(1), GradMin: math.Inf(1), Layers: rs[0].Layers, LayerGrads: make([]float64, len(rs[0].Layers))}
		var steps, budget []float64
		var nchecks int
		for _, r := range rs {
			s.StepTime += r.StepTime / float64(len(rs))
			s.PSNRSteps += psnr(r.AtSteps) / float64(len(rs))
			s.PSNRBudget += psnr(r.AtBudget) / float64(len(rs))
			s.BudgetSteps += float64(r.BudgetSteps) / float64(len(rs))
			steps = append(steps, r.AtSteps)
			budget = append(budget, r.AtBudget)
			for _, p := range r.Curve[1:] { // the check at step 0 has no gradients
				nchecks++
				s.Flow += p.Flow
				s.FlowMin = math.Min(s.FlowMin, p.Flow)
				g := p.Grads[0] / p.Grads[len(p.Grads)-1]
				s.Grad += g
				s.GradMin = math.Min(s.GradMin, g)
				for i, v := range p.Grads {
					s.LayerGrads[i] += v
				}
			}
		}
		if nchecks > 0 {
			s.Flow /= float64(nchecks)
			s.Grad /= float64(nchecks)
			for i := range s.LayerGrads {
				s.LayerGrads[i] /= float64(nchecks)
			}
		}
		s.AtSteps, s.AtStepsSD = meanSD(steps)
		s.AtBudget, s.AtBudgetSD = meanSD(budget)
		ss = append(ss, s)
	}
	return ss
}

func psnr(mse float64) float64 { return -10 * math.Log10(mse) }

// meanSD returns the mean and the sample standard deviation (0 for one
// value).
func meanSD(v []float64) (mean, sd float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	if len(v) < 2 {
		return mean, 0
	}
	for _, x := range v {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(v)-1))
}

func header(cfg config) []string {
	perStep := "ms/step"
	if cfg.CPU {
		perStep = "CPU ms/step"
	}
	return []string{"method", "params", perStep,
		fmt.Sprintf("MSE, %d steps", cfg.Steps), "PSNR",
		fmt.Sprintf("MSE, %s", cfg.budget()), "PSNR", "steps in " + cfg.budget(),
		"‖dx‖/‖dy‖ across", "‖∇W_in‖/‖∇W_out‖"}
}

// budget formats the time budget with its clock.
func (cfg config) budget() string {
	s := strconv.FormatFloat(cfg.Budget.Seconds(), 'g', 3, 64) + " s"
	if cfg.CPU {
		s += " CPU"
	}
	return s
}

func (s summary) cells() []string {
	return []string{
		s.Method,
		strconv.Itoa(s.Params),
		fmt.Sprintf("%.1f", s.StepTime*1e3),
		pm(s.AtSteps, s.AtStepsSD),
		fmt.Sprintf("%.1f dB", s.PSNRSteps),
		pm(s.AtBudget, s.AtBudgetSD),
		fmt.Sprintf("%.1f dB", s.PSNRBudget),
		fmt.Sprintf("%.0f", s.BudgetSteps),
		fmt.Sprintf("%.2f (≥ %.2f)", s.Flow, s.FlowMin),
		fmt.Sprintf("%.2f (≥ %.2f)", s.Grad, s.GradMin),
	}
}

// pm formats a mean and standard deviation with the mean's precision.
func pm(m, sd float64) string {
	return fmt.Sprintf("%.2e ± %.1e", m, sd)
}

// printTables prints one table per task, as aligned text or Markdown.
func printTables(w io.Writer, ss []summary, tasks []task, cfg config, markdown bool) {
	h := header(cfg)
	for _, t := range tasks {
		fmt.Fprintf(w, "Task %s, %s: %s → %s\n\n", t.Name, t.Title, methods.Dims(t.In), methods.Dims(t.Out))
		var rows [][]string
		for _, s := range ss {
			if s.Task == t.Name {
				rows = append(rows, s.cells())
			}
		}
		if markdown {
			fmt.Fprintln(w, "| "+strings.Join(h, " | ")+" |")
			fmt.Fprintln(w, "|---"+strings.Repeat("|--:", len(h)-1)+"|")
			for _, r := range rows {
				fmt.Fprintln(w, "| "+strings.Join(r, " | ")+" |")
			}
		} else {
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, strings.Join(h, "\t")+"\t")
			for _, r := range rows {
				fmt.Fprintln(tw, strings.Join(r, "\t")+"\t")
			}
			tw.Flush()
		}
		fmt.Fprintln(w)
	}
}

// printLayers lists the mean norm of every weight's gradient during
// training, layer by layer from the input, for each task and method.
func printLayers(w io.Writer, ss []summary) {
	fmt.Fprintln(w, "Mean weight-gradient norm per layer during training, from the input up:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range ss {
		var f []string
		for i, g := range s.LayerGrads {
			f = append(f, fmt.Sprintf("%s %.3g", s.Layers[i], g))
		}
		fmt.Fprintf(tw, "\ttask %s\t%s\t%s\n", s.Task, s.Method, strings.Join(f, ", "))
	}
	tw.Flush()
}

// clearly reports whether means a < b differ by more than two standard
// errors of their difference, n seeds each.
func clearly(a, sa, b, sb float64, n int) bool {
	if n < 2 {
		return a < b
	}
	return b-a > 2*math.Sqrt((sa*sa+sb*sb)/float64(n))
}

// verdict states what the runs say, task by task: which method learns
// best within the fixed steps and within the fixed time and whether the
// lead exceeds the spread over seeds, which methods follow the same path,
// which step is fastest, and whether the gradient vanishes across the
// two-step methods. runs give the per-seed losses for the same-path test.
func verdict(ss []summary, runs []run, cfg config) []string {
	var v []string
	var tasks []string
	for _, s := range ss {
		if !slices.Contains(tasks, s.Task) {
			tasks = append(tasks, s.Task)
		}
	}
	winners := map[string][]string{}
	for _, name := range tasks {
		var ts []summary
		for _, s := range ss {
			if s.Task == name {
				ts = append(ts, s)
			}
		}
		if len(ts) == 0 {
			continue
		}
		n := ts[0].Seeds
		rank := func(label string, mean func(summary) float64, sd func(summary) float64) (best summary) {
			s := slices.Clone(ts)
			sort.SliceStable(s, func(i, j int) bool { return mean(s[i]) < mean(s[j]) })
			best, worst := s[0], s[len(s)-1]
			line := fmt.Sprintf("Task %s, %s: %s learns best, MSE %.3g", name, label, best.Method, mean(best))
			if len(s) > 1 {
				second := s[1]
				var tied []string
				for _, o := range s[1:] {
					if !clearly(mean(best), sd(best), mean(o), sd(o), n) {
						tied = append(tied, o.Method)
					}
				}
				if len(tied) == 0 {
					line += fmt.Sprintf(", clearly ahead of %s (%.3g, %.2f×)", second.Method, mean(second), mean(second)/mean(best))
				} else {
					line += fmt.Sprintf(", but within two standard errors of %s", strings.Join(tied, ", "))
				}
				line += fmt.Sprintf("; worst %s, %.2f× the best's MSE", worst.Method, mean(worst)/mean(best))
			}
			if n < 2 {
				line += " (one seed: no spread to judge by)"
			}
			v = append(v, line+".")
			return best
		}
		b := rank(fmt.Sprintf("after %d steps", cfg.Steps), func(s summary) float64 { return s.AtSteps }, func(s summary) float64 { return s.AtStepsSD })
		winner := b.Method
		pairs := samePath(runs, name, cfg.Steps)
		for _, p := range pairs {
			if p[0] == b.Method || p[1] == b.Method {
				winner = p[0] + " = " + p[1]
			}
		}
		winners[winner] = append(winners[winner], name)
		rank(fmt.Sprintf("within %s of training", cfg.budget()), func(s summary) float64 { return s.AtBudget }, func(s summary) float64 { return s.AtBudgetSD })

		f := slices.Clone(ts)
		sort.SliceStable(f, func(i, j int) bool { return f[i].StepTime < f[j].StepTime })
		if len(f) > 1 {
			v = append(v, fmt.Sprintf("Task %s: fastest step %s (%.1f ms), %.2f× faster than the slowest, %s (%.1f ms).",
				name, f[0].Method, f[0].StepTime*1e3, f[len(f)-1].StepTime/f[0].StepTime, f[len(f)-1].Method, f[len(f)-1].StepTime*1e3))
		}
		for _, p := range pairs {
			a, b := find(ts, p[0]), find(ts, p[1])
			v = append(v, fmt.Sprintf("Task %s: %s and %s follow the same path, within %.0f%% at every check from every seed (the same function); %s takes %.2f× the time per step of %s.",
				name, a.Method, b.Method, 100*samePathTol, a.Method, a.StepTime/b.StepTime, b.Method))
		}
	}

	// Gradients, over all tasks.
	lo := map[bool]float64{false: math.Inf(1), true: math.Inf(1)}
	hi := map[bool]float64{false: math.Inf(-1), true: math.Inf(-1)}
	glo := map[bool]float64{false: math.Inf(1), true: math.Inf(1)}
	ghi := map[bool]float64{false: math.Inf(-1), true: math.Inf(-1)}
	var vanish []string
	for _, s := range ss {
		lo[s.TwoStep], hi[s.TwoStep] = math.Min(lo[s.TwoStep], s.FlowMin), math.Max(hi[s.TwoStep], s.Flow)
		glo[s.TwoStep], ghi[s.TwoStep] = math.Min(glo[s.TwoStep], s.Grad), math.Max(ghi[s.TwoStep], s.Grad)
		if s.FlowMin < vanishBelow {
			vanish = append(vanish, fmt.Sprintf("%s on task %s (%.2f)", s.Method, s.Task, s.FlowMin))
		}
	}
	if !math.IsInf(lo[true], 0) || !math.IsInf(lo[false], 0) {
		line := "During training the gradient crossing the method, ‖dx‖/‖dy‖,"
		var parts []string
		for _, two := range []bool{true, false} {
			if math.IsInf(lo[two], 0) {
				continue
			}
			kind := "one-step methods"
			if two {
				kind = "two-step methods"
			}
			parts = append(parts, fmt.Sprintf(" stays between %.2f and %.2f for %s (first over last layer's weight gradient %.2f–%.2f)", lo[two], hi[two], kind, glo[two], ghi[two]))
		}
		line += strings.Join(parts, " and")
		if len(vanish) == 0 {
			line += fmt.Sprintf(": it never falls below %.1f×, so no method makes it vanish.", vanishBelow)
		} else {
			line += fmt.Sprintf(": it falls below %.1f× through %s.", vanishBelow, strings.Join(vanish, ", "))
		}
		v = append(v, line)
	}
	if len(tasks) > 1 {
		var names []string
		alike := ""
		for m := range winners {
			names = append(names, m)
			if strings.Contains(m, " = ") {
				alike = " (a = b: two methods that train alike)"
			}
		}
		sort.Strings(names)
		var parts []string
		for _, m := range names {
			parts = append(parts, fmt.Sprintf("%s wins task %s", m, strings.Join(winners[m], ", ")))
		}
		if len(names) == 1 {
			v = append(v, fmt.Sprintf("By learning after %d steps, %s wins every task%s.", cfg.Steps, names[0], alike))
		} else {
			v = append(v, fmt.Sprintf("By learning after %d steps, no method wins everywhere: %s%s.", cfg.Steps, strings.Join(parts, "; "), alike))
		}
	}
	return v
}

const (
	// vanishBelow is the gradient ratio across a method under which it
	// is said to make the gradient vanish, as in the seed comparison.
	vanishBelow = 0.5
	// samePathTol is the relative difference of validation losses under
	// which two methods trained from the same seed count as following the
	// same path.
	samePathTol = 0.01
)

func find(ss []summary, method string) summary {
	for _, s := range ss {
		if s.Method == method {
			return s
		}
	}
	return summary{}
}

// samePath returns the pairs of methods whose validation losses, at every
// step up to the fixed number that both checked, differ by less than samePathTol
// from every seed of the task: two methods that compute the same function
// from the same parameters follow one path, up to rounding.
func samePath(runs []run, taskName string, steps int) [][2]string {
	curves := map[string]map[uint64][]point{}
	var names []string
	for _, r := range runs {
		if r.Task != taskName {
			continue
		}
		if curves[r.Method] == nil {
			curves[r.Method] = map[uint64][]point{}
			names = append(names, r.Method)
		}
		curves[r.Method][r.Seed] = r.Curve
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= samePathTol*math.Max(a, b) }
	follows := func(a, b []point) bool {
		n := 0
		for _, p := range a {
			if p.Step > steps {
				continue
			}
			// The checks at the end of the time budget fall on
			// different steps for the two; compare the steps both
			// checked.
			i := slices.IndexFunc(b, func(q point) bool { return q.Step == p.Step })
			if i < 0 {
				continue
			}
			if !near(p.Val, b[i].Val) {
				return false
			}
			n++
		}
		return n > 1
	}
	var pairs [][2]string
	for i, a := range names {
		for _, b := range names[i+1:] {
			same := len(curves[a]) == len(curves[b])
			for seed, ca := range curves[a] {
				if cb, ok := curves[b][seed]; !ok || !follows(ca, cb) {
					same = false
				}
			}
			if same {
				pairs = append(pairs, [2]string{a, b})
			}
		}
	}
	return pairs
}
