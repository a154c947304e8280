package main

import (
	"bytes"
	"fmt"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anisoconv/aniso/internal/methods"
)

func TestPool(t *testing.T) {
	// 2 channels of 2×4: pool pairs along each axis.
	x := []float32{
		1, 2, 3, 4,
		5, 6, 7, 8,
		10, 20, 30, 40,
		50, 60, 70, 80,
	}
	y, d := pool(x, 2, []int{2, 4}, 1, 2)
	if want := []float32{1.5, 3.5, 5.5, 7.5, 15, 35, 55, 75}; !slices.Equal(y, want) || !slices.Equal(d, []int{2, 2}) {
		t.Errorf("pool along axis 1 = %v %v, want %v [2 2]", y, d, want)
	}
	y, d = pool(x, 2, []int{2, 4}, 0, 2)
	if want := []float32{3, 4, 5, 6, 30, 40, 50, 60}; !slices.Equal(y, want) || !slices.Equal(d, []int{1, 4}) {
		t.Errorf("pool along axis 0 = %v %v, want %v [1 4]", y, d, want)
	}
}

func TestTasks(t *testing.T) {
	for _, c := range []struct {
		name    string
		scene   []int
		in, out []int
	}{
		{"A", []int{100, 200}, []int{1, 100, 100}, []int{1, 50, 200}},
		{"B", []int{16, 32, 16}, []int{1, 16, 16, 16}, []int{1, 8, 32, 16}},
		{"C", []int{100, 200}, []int{2, 100, 100}, []int{1, 50, 200}},
	} {
		tk, err := newTask(c.name, c.scene)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(tk.In, c.in) || !slices.Equal(tk.Out, c.out) {
			t.Errorf("task %s: %v → %v, want %v → %v", c.name, tk.In, tk.Out, c.in, c.out)
		}
	}
	for _, c := range []struct {
		name  string
		scene []int
	}{{"A", []int{16, 16, 16}}, {"B", []int{16, 32}}, {"A", []int{15, 32}}, {"C", []int{16}}, {"D", []int{16, 32}}} {
		if _, err := newTask(c.name, c.scene); err == nil {
			t.Errorf("task %s on %v: no error", c.name, c.scene)
		}
	}
}

// TestSamples checks the rendered data: values in [0, 1], anti-aliased
// edges (values strictly between the colours), the same scenes from the
// same seed, the input and target as the averages the tasks promise, and
// the mosaic of task C.
func TestSamples(t *testing.T) {
	for _, name := range []string{"A", "B", "C"} {
		scene := []int{24, 48}
		if name == "B" {
			scene = []int{8, 16, 8}
		}
		tk, err := newTask(name, scene)
		if err != nil {
			t.Fatal(err)
		}
		s := tk.sample(6, 1)
		again := tk.sample(6, 1)
		other := tk.sample(6, 2)
		if !slices.Equal(s.X, again.X) || !slices.Equal(s.Y, again.Y) {
			t.Errorf("task %s: one seed rendered different scenes", name)
		}
		if slices.Equal(s.X, other.X) {
			t.Errorf("task %s: two seeds rendered the same scenes", name)
		}
		if len(s.X) != 6*volume(tk.In) || len(s.Y) != 6*volume(tk.Out) {
			t.Fatalf("task %s: %d inputs and %d targets, want %d and %d", name, len(s.X), len(s.Y), 6*volume(tk.In), 6*volume(tk.Out))
		}
		distinct := map[float32]bool{}
		for _, v := range append(slices.Clone(s.X), s.Y...) {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("task %s: value %v outside [0, 1]", name, v)
			}
			distinct[v] = true
		}
		// A few shapes and a background give a few colours; coverage
		// of the pixels on their edges gives many more.
		if len(distinct) < 100 {
			t.Errorf("task %s: only %d distinct values: edges are not anti-aliased", name, len(distinct))
		}
	}

	// The input and the target are averages of one rendering.
	tk, _ := newTask("C", []int{8, 12})
	rng := rand.New(rand.NewPCG(5, 0))
	sc := randomScene(rng, tk.Scene, 2)
	hi := sc.render(4)
	x, _ := pool(hi, 2, tk.Scene, 1, 2)
	y, _ := pool(hi, 2, tk.Scene, 0, 2)
	// In the scene layout 2×8×12, target pixel (i, j) of colour c is the
	// mean of rows 2i and 2i+1.
	for c := range 2 {
		for i := range 4 {
			for j := range 12 {
				want := (hi[c*96+2*i*12+j] + hi[c*96+(2*i+1)*12+j]) / 2
				if got := y[c*48+i*12+j]; math.Abs(float64(got-want)) > 1e-6 {
					t.Fatalf("target (%d, %d, %d) = %v, want %v", c, i, j, got, want)
				}
			}
		}
	}
	if len(x) != 2*8*6 {
		t.Fatalf("input has %d values, want %d", len(x), 2*8*6)
	}
	s := tk.sample(1, 9)
	sc = randomScene(sceneRand(9), tk.Scene, 2)
	hi = sc.render(4)
	y, _ = pool(hi, 2, tk.Scene, 0, 2)
	for i := range 4 {
		for j := range 12 {
			if got, want := s.Y[i*12+j], y[(j%2)*48+i*12+j]; got != want {
				t.Fatalf("mosaic (%d, %d) = %v, want colour %d's %v", i, j, got, j%2, want)
			}
		}
	}
}

// tiny is the fast setting: every task on small scenes, every method, two
// seeds; under the race detector one task and one seed.
func tiny() (options, []task) {
	o := options{
		Tasks: []string{"A", "B", "C"}, Methods: methods.Names, Seeds: 2,
		Scene2: []int{16, 32}, Scene3: []int{8, 16, 8}, Train: 24, Val: 6,
		Config: config{Steps: 30, Budget: time.Millisecond, Batch: 4, Channels: 4, LR: 1e-2, Checks: 6, Show: 2, MaxFactor: 2},
	}
	if race {
		o.Tasks, o.Seeds = []string{"A"}, 1
	}
	tasks, err := o.check()
	if err != nil {
		panic(err)
	}
	return o, tasks
}

// learnFraction is the share of its starting validation loss below which
// every method must bring it in the fast setting.
const learnFraction = 0.3

// TestTrainingLearns trains every method on every task in the fast
// setting and checks that each learns, that the report's numbers are the
// runs' numbers, that saved runs load back, and that the figures are
// written.
func TestTrainingLearns(t *testing.T) {
	o, tasks := tiny()
	res, err := compare(tasks, o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(tasks) * o.Seeds * len(o.Methods); len(res.runs) != want {
		t.Fatalf("%d runs, want %d", len(res.runs), want)
	}
	worst := 0.0
	for _, r := range res.runs {
		worst = math.Max(worst, r.AtSteps/r.Initial())
		if !(r.AtSteps < learnFraction*r.Initial()) {
			t.Errorf("task %s, %s, seed %d: validation MSE %.3g after %d steps, not below %.2f of the initial %.3g",
				r.Task, r.Method, r.Seed, r.AtSteps, o.Config.Steps, learnFraction, r.Initial())
		}
		if r.StepTime <= 0 || r.BudgetSteps < 1 || r.Params == 0 || len(r.Curve) < 2 || len(r.Pred) != o.Config.Show*volume(tasksByName(tasks)[r.Task].Out) {
			t.Errorf("task %s, %s, seed %d: incomplete run: %d steps in budget, %d params, %d checks, %d predictions",
				r.Task, r.Method, r.Seed, r.BudgetSteps, r.Params, len(r.Curve), len(r.Pred))
		}
		if last := r.Curve[len(r.Curve)-1]; last.Val != r.AtBudget && last.Val != r.AtSteps {
			t.Errorf("task %s, %s: the last check %v is neither budget's end nor the steps' end", r.Task, r.Method, last.Val)
		}
	}

	t.Logf("the worst run ends at %.3g of its initial validation loss", worst)

	// Every number of the summaries comes from the runs.
	if want := len(tasks) * len(o.Methods); len(res.summaries) != want {
		t.Fatalf("%d summaries, want %d", len(res.summaries), want)
	}
	for _, s := range res.summaries {
		var atSteps, atBudget []float64
		for _, r := range res.runs {
			if r.Task == s.Task && r.Method == s.Method {
				atSteps = append(atSteps, r.AtSteps)
				atBudget = append(atBudget, r.AtBudget)
			}
		}
		m, sd := meanSD(atSteps)
		mb, _ := meanSD(atBudget)
		if len(atSteps) != o.Seeds || s.AtSteps != m || s.AtStepsSD != sd || s.AtBudget != mb {
			t.Errorf("task %s, %s: summary %.4g ± %.2g, %.4g from %d seeds; runs give %.4g ± %.2g, %.4g",
				s.Task, s.Method, s.AtSteps, s.AtStepsSD, s.AtBudget, len(atSteps), m, sd, mb)
		}
	}
	var table bytes.Buffer
	printTables(&table, res.summaries, tasks, o.Config, true)
	for _, s := range res.summaries {
		if row := "| " + strings.Join(s.cells(), " | ") + " |"; !strings.Contains(table.String(), row) {
			t.Errorf("table lacks the row %s", row)
		}
	}
	v := strings.Join(verdict(res.summaries, res.runs, o.Config), "\n")
	for _, tk := range tasks {
		best := ""
		lowest := math.Inf(1)
		for _, s := range res.summaries {
			if s.Task == tk.Name && s.AtSteps < lowest {
				best, lowest = s.Method, s.AtSteps
			}
		}
		want := fmt.Sprintf("Task %s, after %d steps: %s learns best, MSE %.3g", tk.Name, o.Config.Steps, best, lowest)
		if !strings.Contains(v, want) {
			t.Errorf("verdict lacks %q:\n%s", want, v)
		}
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "runs.gob")
	if err := save(file, o, res); err != nil {
		t.Fatal(err)
	}
	lo, err := load(file)
	if err != nil {
		t.Fatal(err)
	}
	back, err := reload(file, tasks, lo)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(lo.Methods, o.Methods) || lo.Config != o.Config || back.machine != res.machine || len(back.summaries) != len(res.summaries) {
		t.Fatalf("saved and loaded: %+v, %d summaries; want %+v, %d", lo, len(back.summaries), o, len(res.summaries))
	}
	for i, s := range back.summaries {
		if w := res.summaries[i]; s.AtSteps != w.AtSteps || s.AtBudget != w.AtBudget || s.Flow != w.Flow {
			t.Errorf("loaded summary %d differs: %+v, want %+v", i, s, w)
		}
	}
	for name, v := range back.val {
		if !slices.Equal(v.Y, res.val[name].Y) {
			t.Errorf("task %s: validation scenes rendered again differ", name)
		}
	}

	files, err := writeFigures(filepath.Join(dir, "train"), res, tasks, o.Config)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2+len(tasks) {
		t.Errorf("%d figures, want %d", len(files), 2+len(tasks))
	}
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(r)
		r.Close()
		if err != nil || img.Bounds().Dx() < 100 {
			t.Errorf("%s: not a usable PNG: %v", f, err)
		}
	}
}

func tasksByName(ts []task) map[string]task {
	m := map[string]task{}
	for _, t := range ts {
		m[t.Name] = t
	}
	return m
}

func TestOptionsCheck(t *testing.T) {
	o, _ := tiny()
	for _, c := range []struct {
		name string
		edit func(*options)
	}{
		{"no seeds", func(o *options) { o.Seeds = 0 }},
		{"no steps", func(o *options) { o.Config.Steps = 0 }},
		{"no budget", func(o *options) { o.Config.Budget = 0 }},
		{"bad rate", func(o *options) { o.Config.LR = math.NaN() }},
		{"no tasks", func(o *options) { o.Tasks = nil }},
		{"unknown task", func(o *options) { o.Tasks = []string{"Z"} }},
		{"unknown method", func(o *options) { o.Methods = []string{"conv-conv"} }},
		{"odd scene", func(o *options) { o.Scene2 = []int{15, 32} }},
		{"3-D scene for A", func(o *options) { o.Scene2 = []int{8, 16, 8} }},
	} {
		bad := o
		c.edit(&bad)
		if _, err := bad.check(); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	if ts, err := o.check(); err != nil || len(ts) != len(o.Tasks) {
		t.Errorf("the fast setting: %d tasks, %v", len(ts), err)
	}
}

// synthetic returns summaries and runs of two tasks in which
// stretch-zeros learns A best and conv-deconv B, upsample-conv follows
// stretch-zeros' path on A, and no gradient vanishes.
func synthetic() ([]summary, []run, config) {
	cfg := config{Steps: 100, Budget: 2 * time.Second, Checks: 4}
	type m struct {
		name       string
		two        bool
		steps, sd  float64
		budget     float64
		stepTime   float64
		flow, grad float64
	}
	tasks := map[string][]m{
		"A": {
			{"conv-deconv", true, 0.004, 0.0002, 0.004, 0.010, 1.3, 0.5},
			{"upsample-conv", true, 0.002, 0.0001, 0.0030, 0.040, 1.0, 0.6},
			{"stretch-zeros", false, 0.002, 0.0001, 0.0015, 0.015, 1.0, 0.6},
		},
		"B": {
			{"conv-deconv", true, 0.001, 0.0001, 0.002, 0.020, 1.2, 0.4},
			{"upsample-conv", true, 0.003, 0.0001, 0.004, 0.050, 1.1, 0.3},
			{"stretch-zeros", false, 0.0031, 0.0002, 0.0032, 0.030, 1.1, 0.3},
		},
	}
	var ss []summary
	var runs []run
	for _, name := range []string{"A", "B"} {
		for _, x := range tasks[name] {
			ss = append(ss, summary{Task: name, Method: x.name, TwoStep: x.two, Seeds: 2, AtSteps: x.steps, AtStepsSD: x.sd,
				AtBudget: x.budget, AtBudgetSD: x.sd, StepTime: x.stepTime, Flow: x.flow, FlowMin: x.flow - 0.1, Grad: x.grad, GradMin: x.grad / 2})
			for seed := uint64(1); seed <= 2; seed++ {
				l := x.steps + float64(seed)*x.sd/2
				if x.name == "stretch-zeros" && name == "A" {
					l = 0.002 + float64(seed)*0.0001/2 // upsample-conv's path
				}
				r := run{Task: name, Method: x.name, Seed: seed, AtSteps: l,
					Curve: []point{{Step: 0, Val: 1}, {Step: 50, Val: 2 * l}, {Step: 100, Val: l}, {Step: 150, Val: l / 2}}}
				if x.name == "stretch-zeros" {
					// The check at the end of its time budget, which
					// the other methods reach at other steps.
					r.Curve = slices.Insert(r.Curve, 2, point{Step: 77, Val: 3 * l})
				}
				runs = append(runs, r)
			}
		}
	}
	return ss, runs, cfg
}

func has(t *testing.T, lines []string, want ...string) {
	t.Helper()
	all := strings.Join(lines, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("verdict lacks %q:\n%s", w, all)
		}
	}
}

func TestVerdictFollowsNumbers(t *testing.T) {
	ss, runs, cfg := synthetic()
	v := verdict(ss, runs, cfg)
	has(t, v,
		"Task A, after 100 steps: upsample-conv learns best, MSE 0.002, but within two standard errors of stretch-zeros; worst conv-deconv, 2.00× the best's MSE.",
		"Task A, within 2 s of training: stretch-zeros learns best, MSE 0.0015, clearly ahead of upsample-conv (0.003, 2.00×)",
		"Task A: fastest step conv-deconv (10.0 ms), 4.00× faster than the slowest, upsample-conv (40.0 ms).",
		"Task A: upsample-conv and stretch-zeros follow the same path, within 1% at every check",
		"upsample-conv takes 2.67× the time per step of stretch-zeros",
		"Task B, after 100 steps: conv-deconv learns best, MSE 0.001, clearly ahead of upsample-conv (0.003, 3.00×)",
		"stays between 0.90 and 1.30 for two-step methods",
		"it never falls below 0.5×, so no method makes it vanish.",
		"no method wins everywhere: conv-deconv wins task B; upsample-conv = stretch-zeros wins task A (a = b: two methods that train alike).")

	// Other numbers, other verdict.
	ss, runs, cfg = synthetic()
	ss[2].AtSteps, ss[2].AtStepsSD = 0.0005, 0.00001 // stretch-zeros now leads A clearly
	ss[3].FlowMin = 0.05                             // and the gradient vanishes across conv-deconv on B
	ss[0].StepTime = 0.050                           // conv-deconv is slowest on A
	runs[5].Curve[1].Val = 0.01                      // stretch-zeros leaves upsample-conv's path
	v = verdict(ss, runs, cfg)
	has(t, v,
		"Task A, after 100 steps: stretch-zeros learns best, MSE 0.0005, clearly ahead of upsample-conv (0.002, 4.00×)",
		"Task A: fastest step stretch-zeros (15.0 ms), 3.33× faster than the slowest, conv-deconv (50.0 ms).",
		"it falls below 0.5× through conv-deconv on task B (0.05).",
		"no method wins everywhere: conv-deconv wins task B; stretch-zeros wins task A.")
	for _, line := range v {
		if strings.Contains(line, "same path") || strings.Contains(line, " = ") || strings.Contains(line, "no method makes it vanish") {
			t.Errorf("verdict kept a statement the numbers no longer support: %s", line)
		}
	}
}
