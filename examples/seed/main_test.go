package main

import (
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anisoconv/aniso/internal/methods"
)

func TestShapesFlags(t *testing.T) {
	for _, c := range []struct {
		in, out  string
		channels int
		wantIn   []int
		wantOut  []int
	}{
		{"8,32,100,100", "50,200", 0, []int{8, 32, 100, 100}, []int{8, 32, 50, 200}},
		{"8,32,100,100", "8,32,50,200", 0, []int{8, 32, 100, 100}, []int{8, 32, 50, 200}},
		{"8,32,100,100", "50,200", 4, []int{8, 4, 100, 100}, []int{8, 4, 50, 200}},
		{"2,16,16,16,16", "8,32,16", 0, []int{2, 16, 16, 16, 16}, []int{2, 16, 8, 32, 16}},
	} {
		in, out, err := shapes(c.in, c.out, c.channels)
		if err != nil || !slices.Equal(in, c.wantIn) || !slices.Equal(out, c.wantOut) {
			t.Errorf("shapes(%q, %q, %d) = %v, %v, %v; want %v, %v", c.in, c.out, c.channels, in, out, err, c.wantIn, c.wantOut)
		}
	}
	for _, c := range [][2]string{{"8,32", "50"}, {"8,32,100,100", "50"}, {"8,32,100,100", "8,16,50,200"}, {"8,x,100,100", "50,200"}, {"8,32,100,0", "50,200"}} {
		if _, _, err := shapes(c[0], c[1], 0); err == nil {
			t.Errorf("shapes(%q, %q): no error", c[0], c[1])
		}
	}
}

func TestMeasure(t *testing.T) {
	in, out := []int{2, 3, 12, 10}, []int{2, 3, 6, 20}
	mt, err := measure(in, out, config{minReps: 2, seeds: 2}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	rs, eqs := mt.results, mt.eqs
	if len(rs) != len(methods.Names) || mt.reps != 2 {
		t.Fatalf("%d results of %d repetitions, want %d of 2", len(rs), mt.reps, len(methods.Names))
	}
	for i, r := range rs {
		if r.Name != methods.Names[i] || !slices.Equal(r.Out, out) {
			t.Errorf("result %d: %s with shape %v, want %s with %v", i, r.Name, r.Out, methods.Names[i], out)
		}
		if len(r.Forward) != 2 || len(r.Total) != 2 || r.Bytes == 0 || r.MACs == 0 || r.Params == 0 {
			t.Errorf("%s: incomplete measurement %+v", r.Name, r)
		}
		for _, d := range append(slices.Clone(r.Forward), r.Total...) {
			if d <= 0 {
				t.Errorf("%s: time %v", r.Name, d)
			}
		}
	}
	same := map[string]string{}
	for _, e := range eqs {
		if e.RelDiff <= sameTol {
			same[e.Chain] = e.Fused
		}
	}
	want := map[string]string{"upsample-conv": "stretch-zeros", methods.RepeatConv: "stretch-nearest"}
	if len(same) != len(want) {
		t.Errorf("equivalences %v, want %v", same, want)
	}
	for chain, fused := range want {
		if same[chain] != fused {
			t.Errorf("%s equals %q, want %s", chain, same[chain], fused)
		}
	}

	// With a budget, measuring stops when every comparison is decided or
	// the budget is spent, whichever comes first, and after the minimum.
	mt, err = measure(in, out, config{minReps: 3, budget: 50 * time.Millisecond, seeds: 1}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if mt.reps < 3 || !mt.decided && mt.elapsed < 50*time.Millisecond || mt.decided && undecided(mt.results, mt.eqs, nil, stopLevel) != 0 {
		t.Errorf("stopped after %d repetitions, %v, decided %v", mt.reps, mt.elapsed, mt.decided)
	}
}

// reps is the number of repetitions of the synthetic timings.
const reps = 12

// jitter returns reps times around ms milliseconds, each off by a
// multiple of spread (a fraction) that follows a fixed pattern whose
// median is 0, so the median time is exactly ms. shift rotates the
// pattern, so methods with different shifts are disturbed in different
// repetitions.
func jitter(ms, spread float64, shift int) []time.Duration {
	pattern := []float64{0, 0.6, -0.6, 1, -1, 0.3, -0.3, 0.8, -0.8, 0.1, -0.1, 0}
	v := make([]time.Duration, reps)
	for i := range v {
		f := 1 + spread*pattern[(i+shift)%reps]
		v[i] = time.Duration(ms * f * float64(time.Millisecond))
	}
	return v
}

// synthetic returns measurements in which stretch-zeros is clearly
// fastest and leanest, nothing loses gradient and the zero-interleaving
// methods print a checkerboard.
func synthetic() ([]result, []equivalence) {
	rs := []result{
		{Name: "conv-deconv", Steps: 2, Params: 8, MACs: 400, Forward: jitter(30, 0.02, 1), Total: jitter(90, 0.02, 1), Bytes: 4e6, Flow: 1.4, Spread: 1.3},
		{Name: "unpool-conv", Steps: 2, Params: 16, MACs: 1600, Forward: jitter(40, 0.02, 2), Total: jitter(120, 0.02, 2), Bytes: 7e6, Flow: 1.4, Spread: 0},
		{Name: "upsample-conv", Steps: 2, Params: 16, MACs: 1630, Forward: jitter(50, 0.02, 3), Total: jitter(150, 0.02, 3), Bytes: 9e6, Flow: 0.98, Spread: 1.2},
		{Name: "stretch-nearest", Steps: 1, Params: 16, MACs: 1000, Forward: jitter(25, 0.02, 4), Total: jitter(80, 0.02, 4), Bytes: 3e6, Flow: 1.4, Spread: 0},
		{Name: "stretch-zeros", Steps: 1, Params: 16, MACs: 800, Forward: jitter(20, 0.02, 5), Total: jitter(60, 0.02, 5), Bytes: 2e6, Flow: 0.98, Spread: 1.2},
	}
	eqs := []equivalence{
		{"unpool-conv", "stretch-nearest", 1.1},
		{"unpool-conv", "stretch-zeros", 0.7},
		{"upsample-conv", "stretch-nearest", 1},
		{"upsample-conv", "stretch-zeros", 1e-7},
	}
	return rs, eqs
}

func contains(t *testing.T, lines []string, want ...string) {
	t.Helper()
	all := strings.Join(lines, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("verdict lacks %q:\n%s", w, all)
		}
	}
}

func lacks(t *testing.T, lines []string, unwanted ...string) {
	t.Helper()
	all := strings.Join(lines, "\n")
	for _, w := range unwanted {
		if strings.Contains(all, w) {
			t.Errorf("verdict holds %q, which the numbers do not support:\n%s", w, all)
		}
	}
}

func TestVerdictFollowsNumbers(t *testing.T) {
	rs, eqs := synthetic()
	v := verdict(rs, eqs)
	contains(t, v,
		"Fastest forward: stretch-zeros (20.0 ms); the next, stretch-nearest (25.0 ms), takes 1.25× (95% interval",
		"the slowest, upsample-conv (50.0 ms), takes 2.50× (95% interval",
		"Fastest forward+backward: stretch-zeros (60.0 ms); the next, stretch-nearest (80.0 ms), takes 1.33×",
		"Least memory: stretch-zeros allocates 2.0 MB",
		"closest to 1 for upsample-conv (0.980)",
		"no method shrinks the gradient",
		"stays flat through unpool-conv, stretch-nearest",
		"upsample-conv is the same function as stretch-zeros",
		"the fused operator is 2.50× faster forward (95% interval 2.4",
		"and 2.50× faster forward+backward (95% interval 2.4",
		"does 49% of the multiply-adds",
		"unpool-conv is not the same function as a StretchConv: given its weights, the closest, stretch-zeros, differs by 0.7")
	lacks(t, v, "tied")

	// Other numbers, other verdict.
	rs, eqs = synthetic()
	rs[0].Forward, rs[0].Total, rs[0].Bytes = jitter(5, 0.02, 0), jitter(10, 0.02, 0), 1e6
	rs[1].Flow = 0.05
	rs[3].Spread = 0.4
	eqs[1].RelDiff = 2e-6
	eqs[3].RelDiff = 3e-3
	v = verdict(rs, eqs)
	contains(t, v,
		"Fastest forward: conv-deconv (5.0 ms); the next, stretch-zeros (20.0 ms), takes 4.00×",
		"Fastest forward+backward: conv-deconv (10.0 ms)",
		"Least memory: conv-deconv allocates 1.0 MB",
		"the gradient shrinks below 0.5× through unpool-conv (0.050)",
		"stays flat through unpool-conv; a checkerboard appears through stretch-nearest 0.40",
		"unpool-conv is the same function as stretch-zeros",
		"upsample-conv is not the same function as a StretchConv")
	lacks(t, v, "no method shrinks", "upsample-conv is the same")
}

// TestVerdictTimes feeds the verdict a clear winner, a tie within the
// noise and a winner with one disturbed repetition.
func TestVerdictTimes(t *testing.T) {
	// A clear winner: 10% apart with 2% noise.
	rs, eqs := synthetic()
	rs[3].Forward = jitter(22, 0.02, 7)
	v := verdict(rs, eqs)
	contains(t, v, "Fastest forward: stretch-zeros (20.0 ms); the next, stretch-nearest (22.0 ms), takes 1.10× (95% interval 1.0")
	lacks(t, v, "tied")

	// A tie: 2% apart with 20% noise that strikes the two methods in
	// different repetitions.
	rs[3].Forward = jitter(20.4, 0.2, 7)
	rs[4].Forward = jitter(20, 0.2, 1)
	v = verdict(rs, eqs)
	contains(t, v, "Fastest forward: stretch-zeros (20.0 ms), tied within the noise with stretch-nearest 1.02× (95% interval 0.",
		"(time ratio to stretch-zeros); the next, conv-deconv (30.0 ms), takes")
	if r := ratio(rs[4], rs[3], forward, level); r.Decided() || !(r.Lo < 1 && 1 < r.Hi) {
		t.Errorf("tie: %+v", r)
	}

	// One repetition in which the winner was held up tenfold, long enough
	// to make it the slowest in a comparison of means: the median and the
	// verdict stand.
	rs, eqs = synthetic()
	rs[4].Forward[10] *= 10
	rs[4].Total[10] *= 10
	v = verdict(rs, eqs)
	contains(t, v,
		"Fastest forward: stretch-zeros (20.0 ms); the next, stretch-nearest (25.0 ms), takes 1.2",
		"Fastest forward+backward: stretch-zeros (60.0 ms); the next, stretch-nearest (80.0 ms), takes 1.3",
		"the fused operator is 2.")
	lacks(t, v, "tied")
	if q1, m, q3 := rs[4].quartiles(forward); m != 20*time.Millisecond || q3 > 21*time.Millisecond || q1 < 19*time.Millisecond {
		t.Errorf("the outlier moved the quartiles to %v, %v, %v", q1, m, q3)
	}

	// A fused operator as fast as the chain it equals, and one slower.
	rs, eqs = synthetic()
	rs[2].Forward, rs[4].Forward = jitter(20.4, 0.2, 7), jitter(20, 0.2, 1)
	rs[2].Total = jitter(50, 0.02, 3)
	contains(t, verdict(rs, eqs), "the fused operator is as fast forward within the noise (0.98× the time, 95% interval 0.",
		"and 1.20× slower forward+backward (95% interval 1.1")

	// Every comparison the verdict makes, and every pair asked for, is
	// one measuring waits for.
	pair := [][2]string{{"stretch-zeros", "stretch-nearest"}}
	for _, c := range []struct {
		name           string
		rs             []result
		want, withPair int
	}{
		{"clear", func() []result { rs, _ := synthetic(); return rs }(), 0, 0},
		{"tie", func() []result {
			rs, _ := synthetic()
			rs[3].Forward, rs[4].Forward = jitter(20.4, 0.2, 7), jitter(20, 0.2, 1)
			return rs
		}(), 1, 2},
	} {
		if n := undecided(c.rs, eqs, nil, level); n != c.want {
			t.Errorf("%s: %d comparisons undecided, want %d", c.name, n, c.want)
		}
		if n := undecided(c.rs, eqs, pair, level); n != c.withPair {
			t.Errorf("%s, with the pair %v: %d comparisons undecided, want %d", c.name, pair, n, c.withPair)
		}
	}
}

func TestVersus(t *testing.T) {
	rs, _ := synthetic()
	v := versus(rs, [][2]string{{"stretch-nearest", "unpool-conv"}, {"stretch-nearest", "absent"}})
	if len(v) != 1 || !strings.HasPrefix(v[0], "stretch-nearest against unpool-conv: 1.60× faster forward (95% interval 1.5") ||
		!strings.Contains(v[0], "and 1.50× faster forward+backward (95% interval 1.4") {
		t.Errorf("versus = %q", v)
	}
	rs[1].Forward = jitter(25.5, 0.2, 9)
	rs[3].Forward = jitter(25, 0.2, 4)
	if v := versus(rs, [][2]string{{"unpool-conv", "stretch-nearest"}}); len(v) != 1 || !strings.Contains(v[0], "unpool-conv against stretch-nearest: as fast forward within the noise") {
		t.Errorf("versus = %q", v)
	}
}

func TestLegend(t *testing.T) {
	l := legend()
	if len(l) != len(header) {
		t.Fatalf("%d legend lines for %d columns", len(l), len(header))
	}
	for i, h := range header {
		if !strings.HasPrefix(l[i], h+" ") {
			t.Errorf("legend line %d, %q, does not start with the column %q", i, l[i], h)
		}
		if !strings.Contains(l[i], "better") && !strings.Contains(l[i], "best") && i > 1 && h != "params" {
			t.Errorf("legend line for %q does not say which way is better", h)
		}
	}
}
