// Command seed answers the seed question, "conv → deconv, deconv → conv,
// unpool → conv or upsample → conv: which is better?", with measurements.
//
// It builds every method of the internal methods package for one mapping,
// by default (8, 32, 100, 100) → (8, 32, 50, 200), checks that each lands
// on the requested shape, and prints one table: parameters, multiply-adds,
// median time per forward and per forward+backward, bytes allocated per
// forward+backward, the gradient flow ‖dx‖/‖dy‖ at He initialisation, and
// the checkerboard a constant input leaves. The verdict below the table is
// computed from those numbers.
//
// Usage:
//
//	go run ./examples/seed [-shape N,C,D1,…] [-out E1,…] [-channels C] [-reps R] [-seeds S] [-plot FILE.png] [-markdown] [-steps]
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
	Name    string
	Steps   int
	Out     []int
	Params  int
	MACs    int           // forward multiply-adds
	Forward time.Duration // median time per forward
	Total   time.Duration // median time per forward+backward
	Bytes   uint64        // median bytes allocated per forward+backward
	Flow    float64       // ‖dx‖/‖dy‖ at initialisation
	Spread  float64       // phase spread on a constant input
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

func main() {
	var (
		shapeFlag = flag.String("shape", "8,32,100,100", "input shape N,C,D1,…,Dn")
		outFlag   = flag.String("out", "50,200", "output spatial shape E1,…,En (or N,C,E1,…,En)")
		channels  = flag.Int("channels", 0, "channel count C of every layer; 0 takes it from -shape")
		reps      = flag.Int("reps", 3, "timed repetitions per method and pass")
		nseeds    = flag.Int("seeds", 3, "initialisations averaged for gradient flow and phase spread")
		plotFile  = flag.String("plot", "", "write a chart of the measurements to this PNG file")
		markdown  = flag.Bool("markdown", false, "print the table as Markdown")
		steps     = flag.Bool("steps", false, "list the operators of every method before the table")
	)
	flag.Parse()
	in, out, err := shapes(*shapeFlag, *outFlag, *channels)
	if err == nil && (*reps < 1 || *nseeds < 1) {
		err = fmt.Errorf("-reps and -seeds must be at least 1")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(2)
	}
	rs, eqs, err := measure(in, out, *reps, *nseeds, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
	fmt.Printf("%s → %s; %s\n\n", dims(in), dims(out), machine())
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
	if *markdown {
		printMarkdown(os.Stdout, rs)
	} else {
		printTable(os.Stdout, rs)
	}
	fmt.Println()
	for _, line := range verdict(rs, eqs) {
		fmt.Println(line)
	}
	if *plotFile != "" {
		title := fmt.Sprintf("%s → %s, %s", dims(in), dims(out), machine())
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
	if in, err = ints(inFlag); err != nil {
		return nil, nil, fmt.Errorf("-shape: %v", err)
	}
	if out, err = ints(outFlag); err != nil {
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

func ints(s string) ([]int, error) {
	var v []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a list of positive integers", s)
		}
		v = append(v, n)
	}
	return v, nil
}

// measure builds every method for in → out and measures it. Timings
// interleave the methods within each repetition, so drift of a shared
// machine spreads over all of them. Gradient flow, phase spread and the
// equivalences use one sample of the batch.
func measure(in, out []int, reps, nseeds int, progress io.Writer) ([]result, []equivalence, error) {
	ms, err := methods.All(in, out, 1)
	if err != nil {
		return nil, nil, err
	}
	x := methods.Normal(2, in...)
	gy := methods.Normal(3, out...)
	rs := make([]result, len(ms))
	for i, m := range ms {
		y, err := m.Forward(x)
		if err != nil {
			return nil, nil, err
		}
		if !slices.Equal(y.Shape, out) {
			return nil, nil, fmt.Errorf("%s gives shape %v, not the requested %v", m.Name, y.Shape, out)
		}
		rs[i] = result{Name: m.Name, Steps: m.Steps(), Out: y.Shape, Params: m.NumParams(), MACs: m.MACs()}
	}
	fwd := make([][]time.Duration, len(ms))
	tot := make([][]time.Duration, len(ms))
	alloc := make([][]uint64, len(ms))
	var before, after runtime.MemStats
	for r := 0; r < reps; r++ {
		for i, m := range ms {
			fmt.Fprintf(progress, "\rmeasuring: repetition %d of %d, %-16s", r+1, reps, m.Name)
			runtime.GC()
			t0 := time.Now()
			if _, err := m.Forward(x); err != nil {
				return nil, nil, err
			}
			fwd[i] = append(fwd[i], time.Since(t0))
			runtime.GC()
			runtime.ReadMemStats(&before)
			t0 = time.Now()
			acts, err := m.ForwardTrace(x)
			if err == nil {
				_, _, err = m.Backward(acts, gy)
			}
			d := time.Since(t0)
			runtime.ReadMemStats(&after)
			if err != nil {
				return nil, nil, err
			}
			tot[i] = append(tot[i], d)
			alloc[i] = append(alloc[i], after.TotalAlloc-before.TotalAlloc)
		}
	}
	for i := range rs {
		rs[i].Forward, rs[i].Total, rs[i].Bytes = median(fwd[i]), median(tot[i]), median(alloc[i])
	}

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
			return nil, nil, err
		}
		if m.Steps() > 1 {
			chains = append(chains, m)
		} else {
			fused = append(fused, m)
		}
	}
	for i := range rs {
		fmt.Fprintf(progress, "\rmeasuring: gradient flow and phase spread, %-16s", rs[i].Name)
		m, err := methods.New(rs[i].Name, one, oneOut)
		if err != nil {
			return nil, nil, err
		}
		if rs[i].Flow, err = methods.GradientFlow(m, seeds); err != nil {
			return nil, nil, err
		}
		if rs[i].Spread, err = methods.PhaseSpread(m, seeds); err != nil {
			return nil, nil, err
		}
	}
	fmt.Fprintf(progress, "\r%-70s\r", "")
	var eqs []equivalence
	for _, c := range chains {
		for _, f := range fused {
			d, ok, err := compare(c, f)
			if err != nil {
				return nil, nil, err
			}
			if ok {
				eqs = append(eqs, equivalence{c.Name, f.Name, d})
			}
		}
	}
	return rs, eqs, nil
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

func median[T time.Duration | uint64](v []T) T {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// machine names the CPU, the threads and the Go version.
func machine() string {
	cpu := runtime.GOARCH
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d threads, %s", cpu, runtime.GOMAXPROCS(0), runtime.Version())
}

var header = []string{"method", "output", "params", "MACs", "forward", "fwd+bwd", "alloc/fwd+bwd", "‖dx‖/‖dy‖", "phase spread"}

func (r result) cells() []string {
	return []string{
		r.Name,
		dims(r.Out),
		strconv.Itoa(r.Params),
		si(float64(r.MACs)),
		ms(r.Forward),
		ms(r.Total),
		fmt.Sprintf("%.1f MB", float64(r.Bytes)/1e6),
		fmt.Sprintf("%.3f", r.Flow),
		fmt.Sprintf("%.3f", r.Spread),
	}
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

func dims(s []int) string {
	f := make([]string, len(s))
	for i, v := range s {
		f[i] = strconv.Itoa(v)
	}
	return strings.Join(f, "×")
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", d.Seconds()*1e3) }

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

// verdict states what the measurements say: the fastest and the leanest
// method, the gradient flow, the checkerboard, and which two-step chains
// compute the same function as a one-step StretchConv and what the fused
// operator saves over them.
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
	f := by(func(a, b result) bool { return a.Forward < b.Forward })
	t := by(func(a, b result) bool { return a.Total < b.Total })
	v = append(v,
		fmt.Sprintf("Fastest forward: %s (%s), %.2f× faster than the slowest, %s (%s).",
			f[0].Name, ms(f[0].Forward), ratio(f[len(f)-1].Forward, f[0].Forward), f[len(f)-1].Name, ms(f[len(f)-1].Forward)),
		fmt.Sprintf("Fastest forward+backward: %s (%s), %.2f× faster than the slowest, %s (%s).",
			t[0].Name, ms(t[0].Total), ratio(t[len(t)-1].Total, t[0].Total), t[len(t)-1].Name, ms(t[len(t)-1].Total)))
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

	find := func(name string) (result, bool) {
		for _, r := range rs {
			if r.Name == name {
				return r, true
			}
		}
		return result{}, false
	}
	// Each chain is reported once: as the operator it equals, or as
	// different from the closest one it could be compared with.
	var chains []string
	closest := map[string]equivalence{}
	for _, e := range eqs {
		c, seen := closest[e.Chain]
		if !seen {
			chains = append(chains, e.Chain)
		}
		if !seen || e.RelDiff < c.RelDiff {
			closest[e.Chain] = e
		}
	}
	for _, name := range chains {
		e := closest[name]
		if e.RelDiff > sameTol {
			v = append(v, fmt.Sprintf("%s is not the same function as a StretchConv: given its weights, the closest, %s, differs by %.2g relative.", e.Chain, e.Fused, e.RelDiff))
			continue
		}
		line := fmt.Sprintf("%s is the same function as %s (relative difference %.1g)", e.Chain, e.Fused, e.RelDiff)
		c, ok1 := find(e.Chain)
		fu, ok2 := find(e.Fused)
		if ok1 && ok2 {
			line += fmt.Sprintf(": the fused operator is %.2f× faster forward and %.2f× forward+backward, does %.0f%% of the multiply-adds and allocates %.0f%% of the memory.",
				ratio(c.Forward, fu.Forward), ratio(c.Total, fu.Total), 100*float64(fu.MACs)/float64(c.MACs), 100*float64(fu.Bytes)/float64(max(c.Bytes, 1)))
		} else {
			line += "; it is not in the table."
		}
		v = append(v, line)
	}
	return v
}

const (
	// vanishBelow is the gradient flow under which a method is said to
	// shrink the gradient.
	vanishBelow = 0.5
	// flatBelow is the phase spread under which an output counts as free
	// of checkerboard.
	flatBelow = 1e-3
)

func ratio(a, b time.Duration) float64 { return a.Seconds() / b.Seconds() }
