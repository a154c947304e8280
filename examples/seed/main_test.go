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
	rs, eqs, err := measure(in, out, 1, 2, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(methods.Names) {
		t.Fatalf("%d results, want %d", len(rs), len(methods.Names))
	}
	for i, r := range rs {
		if r.Name != methods.Names[i] || !slices.Equal(r.Out, out) {
			t.Errorf("result %d: %s with shape %v, want %s with %v", i, r.Name, r.Out, methods.Names[i], out)
		}
		if r.Forward <= 0 || r.Total <= 0 || r.Bytes == 0 || r.MACs == 0 || r.Params == 0 {
			t.Errorf("%s: incomplete measurement %+v", r.Name, r)
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
}

// synthetic returns measurements in which stretch-zeros is fastest and
// leanest, nothing loses gradient and the zero-interleaving methods print
// a checkerboard.
func synthetic() ([]result, []equivalence) {
	rs := []result{
		{Name: "conv-deconv", Steps: 2, Params: 8, MACs: 400, Forward: 30 * time.Millisecond, Total: 90 * time.Millisecond, Bytes: 4e6, Flow: 1.4, Spread: 1.3},
		{Name: "unpool-conv", Steps: 2, Params: 16, MACs: 1600, Forward: 40 * time.Millisecond, Total: 120 * time.Millisecond, Bytes: 7e6, Flow: 1.4, Spread: 0},
		{Name: "upsample-conv", Steps: 2, Params: 16, MACs: 1630, Forward: 50 * time.Millisecond, Total: 150 * time.Millisecond, Bytes: 9e6, Flow: 0.98, Spread: 1.2},
		{Name: "stretch-nearest", Steps: 1, Params: 16, MACs: 1000, Forward: 25 * time.Millisecond, Total: 80 * time.Millisecond, Bytes: 3e6, Flow: 1.4, Spread: 0},
		{Name: "stretch-zeros", Steps: 1, Params: 16, MACs: 800, Forward: 20 * time.Millisecond, Total: 60 * time.Millisecond, Bytes: 2e6, Flow: 0.98, Spread: 1.2},
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

func TestVerdictFollowsNumbers(t *testing.T) {
	rs, eqs := synthetic()
	v := verdict(rs, eqs)
	contains(t, v,
		"Fastest forward: stretch-zeros (20.0 ms), 2.50× faster than the slowest, upsample-conv",
		"Fastest forward+backward: stretch-zeros (60.0 ms)",
		"Least memory: stretch-zeros allocates 2.0 MB",
		"closest to 1 for upsample-conv (0.980)",
		"no method shrinks the gradient",
		"stays flat through unpool-conv, stretch-nearest",
		"upsample-conv is the same function as stretch-zeros",
		"2.50× faster forward and 2.50× forward+backward, does 49% of the multiply-adds",
		"unpool-conv is not the same function as a StretchConv: given its weights, the closest, stretch-zeros, differs by 0.7")

	// Other numbers, other verdict.
	rs, eqs = synthetic()
	rs[0].Forward, rs[0].Total, rs[0].Bytes = 5*time.Millisecond, 10*time.Millisecond, 1e6
	rs[1].Flow = 0.05
	rs[3].Spread = 0.4
	eqs[1].RelDiff = 2e-6
	eqs[3].RelDiff = 3e-3
	v = verdict(rs, eqs)
	contains(t, v,
		"Fastest forward: conv-deconv (5.0 ms), 10.00× faster",
		"Fastest forward+backward: conv-deconv (10.0 ms)",
		"Least memory: conv-deconv allocates 1.0 MB",
		"the gradient shrinks below 0.5× through unpool-conv (0.050)",
		"stays flat through unpool-conv; a checkerboard appears through stretch-nearest 0.40",
		"unpool-conv is the same function as stretch-zeros",
		"upsample-conv is not the same function as a StretchConv")
	for _, line := range v {
		if strings.Contains(line, "no method shrinks") || strings.Contains(line, "upsample-conv is the same") {
			t.Errorf("verdict kept a statement the numbers no longer support: %s", line)
		}
	}
}
