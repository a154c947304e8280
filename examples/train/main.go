// Command train answers the seed question by learning: which of the
// methods of the internal methods package learns an anisotropic
// resampling best, per step and per second of training?
//
// Each method is the resampling layer of the same small network,
//
//	3×3 conv C_in→C, ReLU, the method C→C, 3×3 conv C→C_out
//
// trained with Adam on the mean squared error, with the same batches and
// the same budgets, from several seeds, on synthetic scenes the program
// renders itself:
//
//	A  anti-aliased 2-D scenes (discs, rectangles, lines, edges at every
//	   orientation) rendered at 100×200; the input is the scene at
//	   100×100, averaged over pairs along the second axis, the target the
//	   scene at 50×200, averaged over pairs along the first. The network
//	   must sharpen one axis while it pools the other.
//	B  the same in 3-D: spheres, boxes, rods and planes at 16×32×16,
//	   (16,16,16) → (8,32,16).
//	C  2-D scenes in two colours, input 2×100×100 as in A; the target is
//	   what a sensor with a two-colour filter mosaic records at 50×200:
//	   colour j mod 2 at column j. Every output phase is a different
//	   function of the input, which a repetition (Nearest) stretch cannot
//	   give on flat areas, while zero-interleaving and sub-pixel methods
//	   can.
//
// It prints a table per task (final validation MSE, mean ± standard
// deviation over seeds, after a fixed number of steps and within a fixed
// training time, PSNR, time per step, gradient across the method and
// through the network) and a verdict computed from those numbers, and
// with -figures writes the loss curves, the gradients and a grid of
// predictions as PNG files.
//
// Usage:
//
//	go run ./examples/train [-tasks A,B,C] [-methods m1,m2,…] [-seeds 3] [-steps 300] [-budget 4s]
//		[-channels 16] [-batch 4] [-lr 0.002] [-train 256] [-val 16]
//		[-scene2 100,200] [-scene3 16,32,16] [-cpu] [-figures docs/train] [-markdown]
//		[-save FILE | -load FILE]
package main

import (
	"encoding/gob"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/anisoconv/aniso/internal/methods"
)

// options are the command's settings.
type options struct {
	Tasks, Methods []string
	Seeds          int
	Scene2, Scene3 []int
	Train, Val     int
	Config         config
}

func main() {
	var (
		tasksFlag   = flag.String("tasks", "A,B,C", "tasks to run, from A, B and C")
		methodsFlag = flag.String("methods", strings.Join(methods.Names, ","), "methods to compare")
		seeds       = flag.Int("seeds", 3, "training runs per method and task, from seeds 1, 2, …")
		steps       = flag.Int("steps", 300, "training steps of the fixed-step budget")
		budget      = flag.Duration("budget", 4*time.Second, "training time of the fixed-time budget, validation excluded")
		channels    = flag.Int("channels", 16, "channels C around and inside the method")
		batch       = flag.Int("batch", 4, "scenes per training step")
		lr          = flag.Float64("lr", 2e-3, "Adam's learning rate")
		ntrain      = flag.Int("train", 256, "training scenes rendered per task")
		nval        = flag.Int("val", 16, "held-out validation scenes per task")
		scene2      = flag.String("scene2", "100,200", "size of the rendered 2-D scenes of tasks A and C")
		scene3      = flag.String("scene3", "16,32,16", "size of the rendered 3-D scenes of task B")
		figures     = flag.String("figures", "", "write PNG figures to files starting with this path (e.g. docs/train)")
		markdown    = flag.Bool("markdown", false, "print the tables as Markdown")
		saveFile    = flag.String("save", "", "also write the runs to this file, for -load")
		loadFile    = flag.String("load", "", "report the runs saved by -save in this file instead of training")
		cpu         = flag.Bool("cpu", false, "measure training time as processor time of all threads, not wall-clock time (for a shared machine)")
	)
	flag.Parse()
	o := options{
		Tasks: split(*tasksFlag), Methods: split(*methodsFlag), Seeds: *seeds, Train: *ntrain, Val: *nval,
		Config: config{Steps: *steps, Budget: *budget, Batch: *batch, Channels: *channels, LR: *lr, Checks: 20, Show: 2, MaxFactor: 20, CPU: *cpu},
	}
	var err error
	if *loadFile != "" {
		if o, err = load(*loadFile); err != nil {
			fmt.Fprintln(os.Stderr, "train:", err)
			os.Exit(1)
		}
	} else if o.Scene2, err = methods.Sizes(*scene2); err != nil {
		err = fmt.Errorf("-scene2: %v", err)
	} else if o.Scene3, err = methods.Sizes(*scene3); err != nil {
		err = fmt.Errorf("-scene3: %v", err)
	}
	var tasks []task
	if err == nil {
		tasks, err = o.check()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(2)
	}
	var res results
	if *loadFile != "" {
		res, err = reload(*loadFile, tasks, o)
	} else {
		res, err = compare(tasks, o, os.Stderr)
	}
	if err == nil && *saveFile != "" {
		err = save(*saveFile, o, res)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
	clock := "wall-clock"
	if o.Config.CPU {
		clock = "processor"
	}
	fmt.Printf("%s; %d seeds, batch %d, C = %d, Adam lr %g, %d training and %d validation scenes per task; training time is %s time; %s in all\n\n",
		res.machine, o.Seeds, o.Config.Batch, o.Config.Channels, o.Config.LR, o.Train, o.Val, clock, res.took.Round(time.Second))
	printTables(os.Stdout, res.summaries, tasks, o.Config, *markdown)
	printLayers(os.Stdout, res.summaries)
	fmt.Println()
	for _, line := range verdict(res.summaries, res.runs, o.Config) {
		fmt.Println(line)
	}
	if *figures != "" {
		files, err := writeFigures(*figures, res, tasks, o.Config)
		if err != nil {
			fmt.Fprintln(os.Stderr, "train:", err)
			os.Exit(1)
		}
		fmt.Printf("\nFigures: %s\n", strings.Join(files, ", "))
	}
}

// check validates the options and builds the tasks.
func (o options) check() ([]task, error) {
	c := o.Config
	switch {
	case o.Seeds < 1, c.Steps < 1, c.Batch < 1, c.Channels < 1, o.Train < 1, o.Val < 1:
		return nil, fmt.Errorf("-seeds, -steps, -batch, -channels, -train and -val must be at least 1")
	case c.Budget <= 0:
		return nil, fmt.Errorf("-budget must be positive")
	case !(c.LR > 0):
		return nil, fmt.Errorf("-lr must be positive")
	case len(o.Tasks) == 0 || len(o.Methods) == 0:
		return nil, fmt.Errorf("-tasks and -methods must name at least one each")
	}
	if _, ok := cpuTime(); c.CPU && !ok {
		return nil, fmt.Errorf("-cpu: this system does not report processor time")
	}
	for _, m := range o.Methods {
		if !slices.Contains(methods.Names, m) {
			return nil, fmt.Errorf("-methods: unknown method %q (want some of %s)", m, strings.Join(methods.Names, ", "))
		}
	}
	var tasks []task
	for _, name := range o.Tasks {
		size := o.Scene2
		if name == "B" {
			size = o.Scene3
		}
		t, err := newTask(name, size)
		if err != nil {
			return nil, err
		}
		tasks = append(tasks, t)
	}
	return tasks, nil
}

// results are the runs of a comparison, their summaries and the
// validation scenes the predictions were made on.
type results struct {
	runs      []run
	summaries []summary
	val       map[string]samples
	machine   string        // where the runs ran
	took      time.Duration // how long the comparison took
}

// compare trains every method on every task from every seed. Each task's
// scenes are rendered once, from seeds of their own, and shared by all
// runs; a training seed fixes the initialisation and the order of the
// batches. Within a seed the methods take turns, so that a drift in the
// speed of a shared machine spreads over all of them.
func compare(tasks []task, o options, progress io.Writer) (results, error) {
	res := results{val: map[string]samples{}}
	total := len(tasks) * o.Seeds * len(o.Methods)
	done := 0
	start := time.Now()
	for ti, t := range tasks {
		fmt.Fprintf(progress, "\r%-100s\rtask %s: rendering %d scenes", "", t.Name, o.Train+o.Val)
		train := t.sample(o.Train, trainSeed(ti))
		val := t.sample(o.Val, valSeed(ti))
		res.val[t.Name] = val
		for seed := uint64(1); seed <= uint64(o.Seeds); seed++ {
			for _, name := range o.Methods {
				head := fmt.Sprintf("run %d of %d (%s), task %s, seed %d, %s", done+1, total, time.Since(start).Round(time.Second), t.Name, seed, name)
				r, err := trainRun(t, name, seed, o.Config, train, val, func(s string) {
					fmt.Fprintf(progress, "\r%-100s\r%s: %s", "", head, s)
				})
				if err != nil {
					return results{}, err
				}
				res.runs = append(res.runs, r)
				done++
			}
		}
	}
	fmt.Fprintf(progress, "\r%-100s\r", "")
	res.summaries = summarise(res.runs, twoStep(o.Methods))
	res.machine, res.took = methods.Machine(), time.Since(start)
	return res, nil
}

// twoStep tells which methods apply two operators in a row.
func twoStep(names []string) map[string]bool {
	two := map[string]bool{}
	for _, name := range names {
		if m, err := methods.New(name, []int{1, 1, 2, 2}, []int{1, 1, 1, 4}); err == nil {
			two[name] = m.Steps() > 1
		}
	}
	return two
}

// saved is what -save writes: the options and the runs, from which the
// validation scenes can be rendered again.
type saved struct {
	Options options
	Machine string
	Took    time.Duration
	Runs    []run
}

func save(file string, o options, res results) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := gob.NewEncoder(f).Encode(saved{o, res.machine, res.took, res.runs}); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %v", file, err)
	}
	return f.Close()
}

func load(file string) (options, error) {
	s, err := readSaved(file)
	return s.Options, err
}

func readSaved(file string) (saved, error) {
	f, err := os.Open(file)
	if err != nil {
		return saved{}, err
	}
	defer f.Close()
	var s saved
	if err := gob.NewDecoder(f).Decode(&s); err != nil {
		return saved{}, fmt.Errorf("reading %s: %v", file, err)
	}
	return s, nil
}

// reload returns the saved runs with their summaries and the validation
// scenes rendered again.
func reload(file string, tasks []task, o options) (results, error) {
	s, err := readSaved(file)
	if err != nil {
		return results{}, err
	}
	res := results{runs: s.Runs, val: map[string]samples{}, machine: s.Machine, took: s.Took}
	for ti, t := range tasks {
		res.val[t.Name] = t.sample(o.Val, valSeed(ti))
	}
	res.summaries = summarise(res.runs, twoStep(o.Methods))
	return res, nil
}

// trainSeed and valSeed are the seeds the scenes of the tasks are
// rendered from, by the task's position.
func trainSeed(ti int) uint64 { return uint64(1000 + 2*ti) }
func valSeed(ti int) uint64   { return uint64(1001 + 2*ti) }

func split(s string) []string {
	var v []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			v = append(v, f)
		}
	}
	return v
}
