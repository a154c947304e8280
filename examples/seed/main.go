// Command seed answers the seed question, "conv → deconv, deconv → conv,
// unpool → conv or upsample → conv: which is better?", with measurements.
//
// It builds every method of the internal methods package for one mapping,
// by default (8, 32, 100, 100) → (8, 32, 50, 200), checks that each lands
// on the requested shape, and prints one table: parameters, multiply-adds,
// time per forward and per forward+backward (median and interquartile
// range), bytes allocated per forward+backward, the gradient flow
// ‖dx‖/‖dy‖ at He initialisation, and the checkerboard a constant input
// leaves, with a legend of the columns. The verdict below the table is
// computed from those numbers.
//
// On a shared machine one method's time varies from run to run by more
// than the methods differ, so every time comparison in the verdict is the
// ratio of the methods' times within each repetition, with a bootstrap
// interval: a method is named faster only when the interval excludes 1,
// and otherwise the methods are called tied within the noise. It repeats
// the measurements, at least -reps times, until every comparison is
// decided or -budget is spent.
//
// Usage:
//
//	go run ./examples/seed [-shape N,C,D1,…] [-out E1,…] [-channels C] [-reps R] [-budget 20s] [-compare A,B] [-seeds S] [-plot FILE.png] [-markdown] [-steps]
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/anisoconv/aniso"
	"github.com/anisoconv/aniso/internal/methods"
)

// result is the measurement of one method.
type result struct {
	Name   string
	Steps  int
	Out    []int
	Params int
	MACs   int // forward multiply-adds
	// Forward and Total hold the time of one forward and of one
	// forward+backward in every repetition, in the order of the
	// repetitions, so that the methods' times of one repetition, taken
	// close together, can be compared pair by pair.
	Forward, Total []time.Duration
	Bytes          uint64  // median bytes allocated per forward+backward
	Flow           float64 // ‖dx‖/‖dy‖ at initialisation
	Spread         float64 // phase spread on a constant input
}

// equivalence compares a two-step chain with a one-step operator given the
// same parameters: the largest relative difference of outputs and input
// gradients.
type equivalence struct {
	Chain, Fused string
	RelDiff      float64
}

// sameTol is the relative difference below which two methods count as the
// same function; float32 rounding of the two orders of summation stays
// well below it.
const sameTol = 1e-5

// Confidence levels: the verdict reports 95% intervals. Measuring goes on
// until the comparisons are decided at 99%, the stricter level making up
// for the look taken after every repetition, each of which is another
// chance for noise to exclude 1 by luck.
const (
	level     = 0.95
	stopLevel = 0.99
)

// bootSeed seeds the bootstrap, so the same times give the same intervals.
const bootSeed = 1

// config is how much to measure.
type config struct {
	minReps int           // repetitions at least
	budget  time.Duration // measuring stops once this much time is spent; 0 stops at minReps
	seeds   int           // initialisations for gradient flow and phase spread
	pairs   [][2]string   // further pairs of methods whose times to compare
}

// maxReps bounds the repetitions of a tiny problem with a large budget.
const maxReps = 1000

func main() {
	var (
		shapeFlag = flag.String("shape", "8,32,100,100", "input shape N,C,D1,…,Dn")
		outFlag   = flag.String("out", "50,200", "output spatial shape E1,…,En (or N,C,E1,…,En)")
		channels  = flag.Int("channels", 0, "channel count C of every layer; 0 takes it from -shape")
		reps      = flag.Int("reps", 8, "timed repetitions at least, every method in each; from 8 on, one disturbed repetition cannot undo a comparison")
		budget    = flag.Duration("budget", 20*time.Second, "keep repeating until the reported comparisons are decided or this much time is spent; 0 stops after -reps")
		nseeds    = flag.Int("seeds", 3, "initialisations averaged for gradient flow and phase spread")
		plotFile  = flag.String("plot", "", "write a chart of the measurements to this PNG file")
		markdown  = flag.Bool("markdown", false, "print the table as Markdown")
		steps     = flag.Bool("steps", false, "list the operators of every method before the table")
	)
	var pairs [][2]string
	flag.Func("compare", "also compare the times of two methods, `A,B` (repeatable)", func(s string) error {
		a, b, ok := strings.Cut(s, ",")
		if !ok || a == b || !slices.Contains(methods.Names, a) || !slices.Contains(methods.Names, b) {
			return fmt.Errorf("want two different methods of %s, separated by a comma", strings.Join(methods.Names, ", "))
		}
		pairs = append(pairs, [2]string{a, b})
		return nil
	})
	flag.Parse()
	in, out, err := shapes(*shapeFlag, *outFlag, *channels)
	if err == nil && (*reps < 1 || *nseeds < 1 || *budget < 0) {
		err = fmt.Errorf("-reps and -seeds must be at least 1 and -budget not negative")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(2)
	}
	cfg := config{minReps: *reps, budget: *budget, seeds: *nseeds, pairs: pairs}
	mt, err := measure(in, out, cfg, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
	rs := mt.results
	fmt.Printf("%s → %s; %s\n\n", methods.Dims(in), methods.Dims(out), methods.Machine())
	if *steps {
		for _, name := range append(slices.Clone(methods.Names), methods.RepeatConv) {
			m, err := methods.New(name, in, out)
			if err != nil {
				fmt.Fprintln(os.Stderr, "seed:", err)
				os.Exit(1)
			}
			fmt.Printf("%s:\n", name)
			for _, s := range m.Describe() {
				fmt.Printf("\t%s\n", s)
			}
		}
		fmt.Println()
	}
	fmt.Println(mt.summary(cfg))
	fmt.Println()
	if *markdown {
		printMarkdown(os.Stdout, rs)
	} else {
		printTable(os.Stdout, rs)
	}
	fmt.Println()
	for _, line := range legend() {
		fmt.Println(line)
	}
	fmt.Println()
	for _, line := range append(verdict(rs, mt.eqs), versus(rs, pairs)...) {
		fmt.Println(line)
	}
	if *plotFile != "" {
		title := fmt.Sprintf("%s → %s, %s", methods.Dims(in), methods.Dims(out), methods.Machine())
		if err := chart(*plotFile, title, rs); err != nil {
			fmt.Fprintln(os.Stderr, "seed:", err)
			os.Exit(1)
		}
	}
}

// shapes parses the input and output flags. The output may name only the
// spatial sizes; batch and channels are those of the input, which every
// layer keeps.
func shapes(inFlag, outFlag string, channels int) (in, out []int, err error) {
	if in, err = methods.Sizes(inFlag); err != nil {
		return nil, nil, fmt.Errorf("-shape: %v", err)
	}
	if out, err = methods.Sizes(outFlag); err != nil {
		return nil, nil, fmt.Errorf("-out: %v", err)
	}
	if len(in) < 3 {
		return nil, nil, fmt.Errorf("-shape %s: want N,C,D1,…,Dn with at least one spatial axis", inFlag)
	}
	if channels > 0 {
		in[1] = channels
	}
	switch len(out) {
	case len(in) - 2:
		out = append([]int{in[0], in[1]}, out...)
	case len(in):
		if channels > 0 {
			out[1] = channels
		}
		if out[0] != in[0] || out[1] != in[1] {
			return nil, nil, fmt.Errorf("-out %s: batch and channels must be those of the input, %d and %d", outFlag, in[0], in[1])
		}
	default:
		return nil, nil, fmt.Errorf("-out %s: want %d spatial sizes for input %v", outFlag, len(in)-2, in)
	}
	return in, out, nil
}

// measurement is what measure found, and why it stopped repeating.
type measurement struct {
	results []result
	eqs     []equivalence
	reps    int
	elapsed time.Duration // spent on the timed repetitions
	decided bool          // every reported comparison was decided at stopLevel
}

// summary says how the times were taken and how the verdict reads them.
func (m measurement) summary(cfg config) string {
	s := fmt.Sprintf("Times are medians and, in brackets, interquartile ranges of %d repetitions, the methods interleaved in each; ", m.reps)
	switch {
	case cfg.budget <= 0:
		s += fmt.Sprintf("measuring stopped after the %d asked for.", cfg.minReps)
	case m.decided:
		s += fmt.Sprintf("measuring stopped after %.1f s, once every comparison below was decided at %.0f%%.", m.elapsed.Seconds(), 100*stopLevel)
	default:
		s += fmt.Sprintf("measuring stopped when the budget of %.0f s was spent, before every comparison below was decided at %.0f%%.", cfg.budget.Seconds(), 100*stopLevel)
	}
	return s + fmt.Sprintf(" A ratio of times below is the median over the repetitions of the ratio within each, which can differ from the ratio of the medians, with a %.0f%% bootstrap interval; where the interval holds 1 the methods are tied within the noise.", 100*level)
}

// measure builds every method for in → out and measures it. Gradient
// flow, phase spread and the equivalences use one sample of the batch.
// Timings interleave the methods within each repetition, starting each
// repetition one method further on, so drift of a shared machine spreads
// over all of them and no method always runs first; a repetition with
// every method runs untimed first. Repetitions go on until every timing
// comparison the verdict reports is decided or the budget is spent.
func measure(in, out []int, cfg config, progress io.Writer) (measurement, error) {
	var res measurement
	ms, err := methods.All(in, out, 1)
	if err != nil {
		return res, err
	}
	x := methods.Normal(2, in...)
	gy := methods.Normal(3, out...)
	rs := make([]result, len(ms))
	for i, m := range ms {
		y, err := m.Forward(x)
		if err != nil {
			return res, err
		}
		if !slices.Equal(y.Shape, out) {
			return res, fmt.Errorf("%s gives shape %v, not the requested %v", m.Name, y.Shape, out)
		}
		rs[i] = result{Name: m.Name, Steps: m.Steps(), Out: y.Shape, Params: m.NumParams(), MACs: m.MACs()}
	}
	eqs, err := properties(rs, in, out, cfg.seeds, progress)
	if err != nil {
		return res, err
	}

	alloc := make([][]uint64, len(ms))
	var before, after runtime.MemStats
	// fwdBwd runs one forward and one backward pass of m, from a freshly
	// collected heap, and returns the time of the forward pass, the time
	// of both and the bytes both allocated. Timing the forward pass inside
	// the forward+backward, rather than in a call of its own, leaves more
	// repetitions in the budget.
	fwdBwd := func(m *methods.Method) (fwd, tot time.Duration, bytes uint64, err error) {
		runtime.GC()
		runtime.ReadMemStats(&before)
		t0 := time.Now()
		acts, err := m.ForwardTrace(x)
		fwd = elapsed(t0)
		if err == nil {
			_, _, err = m.Backward(acts, gy)
		}
		tot = elapsed(t0)
		runtime.ReadMemStats(&after)
		return fwd, tot, after.TotalAlloc - before.TotalAlloc, err
	}
	for _, m := range ms {
		fmt.Fprintf(progress, "\rmeasuring: warming up %-40s", m.Name)
		if _, _, _, err := fwdBwd(m); err != nil {
			return res, err
		}
	}
	start := time.Now()
	for r := 0; r < maxReps; r++ {
		for k := range ms {
			i := (r + k) % len(ms)
			fmt.Fprintf(progress, "\rmeasuring: repetition %d, %4.1f s, %-24s", r+1, time.Since(start).Seconds(), ms[i].Name)
			f, d, b, err := fwdBwd(ms[i])
			if err != nil {
				return res, err
			}
			rs[i].Forward = append(rs[i].Forward, f)
			rs[i].Total = append(rs[i].Total, d)
			alloc[i] = append(alloc[i], b)
		}
		res.reps, res.elapsed = r+1, time.Since(start)
		if res.reps < cfg.minReps {
			continue
		}
		if cfg.budget <= 0 {
			break
		}
		if res.decided = undecided(rs, eqs, cfg.pairs, stopLevel) == 0; res.decided || res.elapsed >= cfg.budget {
			break
		}
	}
	for i := range rs {
		rs[i].Bytes = median(alloc[i])
	}
	fmt.Fprintf(progress, "\r%-70s\r", "")
	res.results, res.eqs = rs, eqs
	return res, nil
}

// elapsed returns the time since t0, at least 1 ns, so that a clock too
// coarse for a tiny problem cannot give the ratios a zero to divide by.
func elapsed(t0 time.Time) time.Duration { return max(time.Since(t0), 1) }

// properties measures the gradient flow and the phase spread of every
// method of rs on one sample of the batch, and compares every two-step
// chain with every one-step operator.
func properties(rs []result, in, out []int, nseeds int, progress io.Writer) ([]equivalence, error) {
	one, oneOut := slices.Clone(in), slices.Clone(out)
	one[0], oneOut[0] = 1, 1
	seeds := make([]uint64, nseeds)
	for i := range seeds {
		seeds[i] = uint64(100 + i)
	}
	var chains, fused []*methods.Method
	for _, name := range append(slices.Clone(methods.Names), methods.RepeatConv) {
		m, err := methods.New(name, one, oneOut)
		if err != nil {
			return nil, err
		}
		if m.Steps() > 1 {
			chains = append(chains, m)
		} else {
			fused = append(fused, m)
		}
	}
	for i := range rs {
		fmt.Fprintf(progress, "\rmeasuring: gradient flow and phase spread, %-24s", rs[i].Name)
		m, err := methods.New(rs[i].Name, one, oneOut)
		if err != nil {
			return nil, err
		}
		if rs[i].Flow, err = methods.GradientFlow(m, seeds); err != nil {
			return nil, err
		}
		if rs[i].Spread, err = methods.PhaseSpread(m, seeds); err != nil {
			return nil, err
		}
	}
	var eqs []equivalence
	for _, c := range chains {
		for _, f := range fused {
			d, ok, err := compare(c, f)
			if err != nil {
				return nil, err
			}
			if ok {
				eqs = append(eqs, equivalence{c.Name, f.Name, d})
			}
		}
	}
	return eqs, nil
}

// compare gives b the parameters of a, freshly initialised, and returns
// the largest relative difference of their outputs and input gradients.
// ok is false when the parameters do not fit, so the two cannot be
// compared weight for weight.
func compare(a, b *methods.Method) (d float64, ok bool, err error) {
	a.Init(7)
	if b.SetParams(a.Params()) != nil {
		return 0, false, nil
	}
	x, gy := methods.Normal(8, a.In...), methods.Normal(9, a.Out...)
	var ys, gxs [2]*aniso.Tensor
	for i, m := range []*methods.Method{a, b} {
		acts, err := m.ForwardTrace(x)
		if err != nil {
			return 0, false, err
		}
		ys[i] = acts[len(acts)-1]
		if gxs[i], _, err = m.Backward(acts, gy); err != nil {
			return 0, false, err
		}
	}
	return math.Max(methods.RelDiff(ys[0], ys[1]), methods.RelDiff(gxs[0], gxs[1])), true, nil
}

func median(v []uint64) uint64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// pass is the timed part of the work: a forward pass, or a forward and a
// backward pass.
type pass int

const (
	forward pass = iota
	total
)

func (p pass) String() string {
	if p == forward {
		return "forward"
	}
	return "forward+backward"
}

func (r result) times(p pass) []time.Duration {
	if p == forward {
		return r.Forward
	}
	return r.Total
}

func seconds(v []time.Duration) []float64 {
	f := make([]float64, len(v))
	for i, d := range v {
		f[i] = d.Seconds()
	}
	return f
}

// quartiles returns the first quartile, the median and the third quartile
// of r's times in pass p.
func (r result) quartiles(p pass) (q1, med, q3 time.Duration) {
	a, b, c := methods.Quartiles(seconds(r.times(p)))
	sec := func(v float64) time.Duration { return time.Duration(v * float64(time.Second)) }
	return sec(a), sec(b), sec(c)
}

func (r result) median(p pass) time.Duration {
	_, m, _ := r.quartiles(p)
	return m
}

// ratio returns how many times longer b takes than a in pass p, from
// their paired repetitions, with an interval at the given level.
func ratio(a, b result, p pass, level float64) methods.Ratio {
	r, err := methods.PairedRatio(seconds(b.times(p)), seconds(a.times(p)), level, bootSeed)
	if err != nil {
		// Every method has a positive time (see elapsed) in every
		// repetition, so only a program error gets here.
		panic(err)
	}
	return r
}

// ranking orders the methods of rs by their median time in pass p.
func ranking(rs []result, p pass) []result {
	s := slices.Clone(rs)
	sort.SliceStable(s, func(i, j int) bool { return s[i].median(p) < s[j].median(p) })
	return s
}

// comparison is one timing comparison the verdict reports: how many times
// longer b takes than a.
type comparison struct {
	p    pass
	a, b result
}

// comparisons returns the timing comparisons the verdict reports, at the
// given level: in each pass the fastest method against every method tied
// with it, the next one after those, and the slowest; every chain against
// the one-step operator it computes the same function as; and the pairs
// asked for.
func comparisons(rs []result, eqs []equivalence, pairs [][2]string, level float64) []comparison {
	var cs []comparison
	if len(rs) < 2 {
		return nil
	}
	for _, p := range []pass{forward, total} {
		o := ranking(rs, p)
		for _, b := range o[1:] {
			cs = append(cs, comparison{p, o[0], b})
			if ratio(o[0], b, p, level).Decided() {
				break
			}
		}
		if last := o[len(o)-1]; cs[len(cs)-1].b.Name != last.Name {
			cs = append(cs, comparison{p, o[0], last})
		}
	}
	for _, e := range sameFunctions(eqs) {
		c, ok1 := find(rs, e.Chain)
		f, ok2 := find(rs, e.Fused)
		if ok1 && ok2 {
			cs = append(cs, comparison{forward, f, c}, comparison{total, f, c})
		}
	}
	for _, pr := range pairs {
		a, ok1 := find(rs, pr[0])
		b, ok2 := find(rs, pr[1])
		if ok1 && ok2 {
			cs = append(cs, comparison{forward, a, b}, comparison{total, a, b})
		}
	}
	return cs
}

// undecided counts the comparisons of rs whose interval at the given
// level includes 1.
func undecided(rs []result, eqs []equivalence, pairs [][2]string, level float64) int {
	n := 0
	for _, c := range comparisons(rs, eqs, pairs, level) {
		if !ratio(c.a, c.b, c.p, level).Decided() {
			n++
		}
	}
	return n
}

// sameFunctions returns, for every chain compared with a one-step
// operator, the closest one, in the order of eqs, with those that are the
// same function first.
func sameFunctions(eqs []equivalence) []equivalence {
	var out []equivalence
	for _, e := range closest(eqs) {
		if e.RelDiff <= sameTol {
			out = append(out, e)
		}
	}
	return out
}

// closest returns, for every chain in eqs, the comparison with the
// one-step operator closest to it, in the order the chains first appear.
func closest(eqs []equivalence) []equivalence {
	var chains []string
	best := map[string]equivalence{}
	for _, e := range eqs {
		c, seen := best[e.Chain]
		if !seen {
			chains = append(chains, e.Chain)
		}
		if !seen || e.RelDiff < c.RelDiff {
			best[e.Chain] = e
		}
	}
	out := make([]equivalence, len(chains))
	for i, name := range chains {
		out[i] = best[name]
	}
	return out
}

func find(rs []result, name string) (result, bool) {
	for _, r := range rs {
		if r.Name == name {
			return r, true
		}
	}
	return result{}, false
}

var header = []string{"method", "output", "params", "MACs", "forward", "fwd+bwd", "alloc/fwd+bwd", "‖dx‖/‖dy‖", "phase spread"}

// legend says, one line per column of the table, what it measures and
// which way is better.
func legend() []string {
	return []string{
		"method         the operators applied in turn (-steps lists them)",
		"output         the shape every method must and does produce",
		"params         trained weights and biases; fewer is a smaller model that can represent less",
		"MACs           multiply-adds of one forward pass as the operators compute them (a backward pass does twice as many per layer with weights); fewer is better, less work",
		"forward        time of one forward pass: median, and in brackets the interquartile range over the repetitions; lower is better",
		"fwd+bwd        time of a forward pass and the backward pass for the input, weight and bias gradients, likewise; lower is better",
		"alloc/fwd+bwd  bytes allocated by one forward+backward (growth of runtime.MemStats.TotalAlloc), the intermediate maps included; lower is better",
		"‖dx‖/‖dy‖      input-gradient norm over a standard normal output gradient at He initialisation; near 1 is best, far below 1 the gradient vanishes, far above it explodes",
		"phase spread   checkerboard: how much the output phases of a grown axis differ on a constant input, relative to the signal; 0 is best (no checkerboard), about 1 means the pattern is as strong as the signal",
	}
}

func (r result) cells() []string {
	return []string{
		r.Name,
		methods.Dims(r.Out),
		strconv.Itoa(r.Params),
		si(float64(r.MACs)),
		timeCell(r, forward),
		timeCell(r, total),
		fmt.Sprintf("%.1f MB", float64(r.Bytes)/1e6),
		fmt.Sprintf("%.3f", r.Flow),
		fmt.Sprintf("%.3f", r.Spread),
	}
}

// timeCell gives the median time and the interquartile range.
func timeCell(r result, p pass) string {
	q1, m, q3 := r.quartiles(p)
	return fmt.Sprintf("%s (%s–%s)", ms(m), num(q1), num(q3))
}

func printTable(w io.Writer, rs []result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.Join(header, "\t")+"\t")
	for _, r := range rs {
		fmt.Fprintln(tw, strings.Join(r.cells(), "\t")+"\t")
	}
	tw.Flush()
}

func printMarkdown(w io.Writer, rs []result) {
	fmt.Fprintln(w, "| "+strings.Join(header, " | ")+" |")
	fmt.Fprintln(w, "|---"+strings.Repeat("|--:", len(header)-1)+"|")
	for _, r := range rs {
		fmt.Fprintln(w, "| "+strings.Join(r.cells(), " | ")+" |")
	}
}

func ms(d time.Duration) string { return num(d) + " ms" }

// num gives a time in milliseconds without the unit.
func num(d time.Duration) string { return fmt.Sprintf("%.1f", d.Seconds()*1e3) }

// si formats a count with a metric prefix.
func si(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.2fG", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.1fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

// verdict states what the measurements say: which method is fastest,
// and by how much, or which are tied within the noise; the leanest method;
// the gradient flow; the checkerboard; and which two-step chains compute
// the same function as a one-step StretchConv and what the fused operator
// saves over them. A time difference counts as real only when the 95%
// interval of the ratio of the paired times excludes 1.
func verdict(rs []result, eqs []equivalence) []string {
	if len(rs) == 0 {
		return nil
	}
	var v []string
	by := func(less func(a, b result) bool) []result {
		s := slices.Clone(rs)
		sort.SliceStable(s, func(i, j int) bool { return less(s[i], s[j]) })
		return s
	}
	if len(rs) > 1 {
		for _, p := range []pass{forward, total} {
			v = append(v, fastest(rs, p))
		}
	}
	a := by(func(a, b result) bool { return a.Bytes < b.Bytes })
	v = append(v, fmt.Sprintf("Least memory: %s allocates %.1f MB per forward+backward, %.2f× less than %s (%.1f MB).",
		a[0].Name, float64(a[0].Bytes)/1e6, float64(a[len(a)-1].Bytes)/float64(max(a[0].Bytes, 1)), a[len(a)-1].Name, float64(a[len(a)-1].Bytes)/1e6))

	g := by(func(a, b result) bool { return math.Abs(math.Log(a.Flow)) < math.Abs(math.Log(b.Flow)) })
	lo2, hi2, lo1, hi1 := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, r := range rs {
		if r.Steps > 1 {
			lo2, hi2 = math.Min(lo2, r.Flow), math.Max(hi2, r.Flow)
		} else {
			lo1, hi1 = math.Min(lo1, r.Flow), math.Max(hi1, r.Flow)
		}
	}
	line := fmt.Sprintf("Gradient flow ‖dx‖/‖dy‖ at He initialisation is closest to 1 for %s (%.3f)", g[0].Name, g[0].Flow)
	if !math.IsInf(lo2, 0) && !math.IsInf(lo1, 0) {
		line += fmt.Sprintf("; two-step chains give %.3f–%.3f, one-step operators %.3f–%.3f", lo2, hi2, lo1, hi1)
	}
	var vanish []string
	for _, r := range rs {
		if r.Flow < vanishBelow {
			vanish = append(vanish, fmt.Sprintf("%s (%.3f)", r.Name, r.Flow))
		}
	}
	if len(vanish) == 0 {
		line += fmt.Sprintf(": no method shrinks the gradient below %.1f×, so the second layer does not make it vanish.", vanishBelow)
	} else {
		line += fmt.Sprintf(": the gradient shrinks below %.1f× through %s.", vanishBelow, strings.Join(vanish, ", "))
	}
	v = append(v, line)

	var flat, board []string
	for _, r := range by(func(a, b result) bool { return a.Spread < b.Spread }) {
		if r.Spread < flatBelow {
			flat = append(flat, r.Name)
		} else {
			board = append(board, fmt.Sprintf("%s %.2f", r.Name, r.Spread))
		}
	}
	switch {
	case len(board) == 0:
		v = append(v, "No method leaves a checkerboard on a constant input.")
	case len(flat) == 0:
		v = append(v, fmt.Sprintf("Every method leaves a checkerboard on a constant input (phase spread %s).", strings.Join(board, ", ")))
	default:
		v = append(v, fmt.Sprintf("A constant input stays flat through %s; a checkerboard appears through %s (phase spread).",
			strings.Join(flat, ", "), strings.Join(board, ", ")))
	}

	// Each chain is reported once: as the operator it equals, or as
	// different from the closest one it could be compared with.
	for _, e := range closest(eqs) {
		if e.RelDiff > sameTol {
			v = append(v, fmt.Sprintf("%s is not the same function as a StretchConv: given its weights, the closest, %s, differs by %.2g relative.", e.Chain, e.Fused, e.RelDiff))
			continue
		}
		line := fmt.Sprintf("%s is the same function as %s (relative difference %.1g)", e.Chain, e.Fused, e.RelDiff)
		c, ok1 := find(rs, e.Chain)
		fu, ok2 := find(rs, e.Fused)
		if ok1 && ok2 {
			line += fmt.Sprintf(": the fused operator is %s and %s, does %.0f%% of the multiply-adds and allocates %.0f%% of the memory.",
				speed(ratio(fu, c, forward, level), forward), speed(ratio(fu, c, total, level), total),
				100*float64(fu.MACs)/float64(c.MACs), 100*float64(fu.Bytes)/float64(max(c.Bytes, 1)))
		} else {
			line += "; it is not in the table."
		}
		v = append(v, line)
	}
	return v
}

// versus compares the times of each pair of methods asked for: how the
// first compares with the second.
func versus(rs []result, pairs [][2]string) []string {
	var v []string
	for _, pr := range pairs {
		a, ok1 := find(rs, pr[0])
		b, ok2 := find(rs, pr[1])
		if ok1 && ok2 {
			v = append(v, fmt.Sprintf("%s against %s: %s and %s.", a.Name, b.Name,
				speed(ratio(a, b, forward, level), forward), speed(ratio(a, b, total, level), total)))
		}
	}
	return v
}

// fastest states which method is fastest in pass p: the one with the
// lowest median time, how much longer the next one takes, or which ones
// are tied with it within the noise, and how much faster it is than the
// slowest.
func fastest(rs []result, p pass) string {
	o := ranking(rs, p)
	f := o[0]
	var tied []string
	next := len(o)
	for i, b := range o[1:] {
		r := ratio(f, b, p, level)
		if r.Decided() {
			next = i + 1
			break
		}
		tied = append(tied, fmt.Sprintf("%s %s", b.Name, interval(r)))
	}
	line := fmt.Sprintf("Fastest %s: %s (%s)", p, f.Name, ms(f.median(p)))
	if len(tied) > 0 {
		line += fmt.Sprintf(", tied within the noise with %s (time ratio to %s)", strings.Join(tied, ", "), f.Name)
	}
	if next < len(o) {
		b := o[next]
		line += fmt.Sprintf("; the next, %s (%s), takes %s as long", b.Name, ms(b.median(p)), interval(ratio(f, b, p, level)))
	}
	if last := o[len(o)-1]; next < len(o)-1 {
		line += fmt.Sprintf("; the slowest, %s (%s), takes %s as long", last.Name, ms(last.median(p)), interval(ratio(f, last, p, level)))
	}
	return line + "."
}

// interval formats a ratio with its interval: 1.23× (95% interval
// 1.10–1.35).
func interval(r methods.Ratio) string { return fmt.Sprintf("%.2f× (%s)", r.Est, span(r)) }

// span formats the interval of a ratio: 95% interval 1.10–1.35.
func span(r methods.Ratio) string {
	return fmt.Sprintf("%.0f%% interval %.2f–%.2f", 100*r.Level, r.Lo, r.Hi)
}

// speed says how one method compares with another in pass p, from the
// ratio of the other's time to its own.
func speed(r methods.Ratio, p pass) string {
	switch {
	case r.Lo > 1:
		return fmt.Sprintf("%.2f× faster %s (%s)", r.Est, p, span(r))
	case r.Hi < 1:
		inv := r.Inverse()
		return fmt.Sprintf("%.2f× slower %s (%s)", inv.Est, p, span(inv))
	}
	inv := r.Inverse()
	return fmt.Sprintf("as fast %s within the noise (%.2f× the time, %s)", p, inv.Est, span(inv))
}

const (
	// vanishBelow is the gradient flow under which a method is said to
	// shrink the gradient.
	vanishBelow = 0.5
	// flatBelow is the phase spread under which an output counts as free
	// of checkerboard.
	flatBelow = 1e-3
)
