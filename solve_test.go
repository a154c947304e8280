package aniso

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// solveTestRequired reports whether SolveStretch must solve the axis n → out:
// its wanted ratio lies in [1/8, 8] (in Zeros mode only for n ≥ 2).
func solveTestRequired(n, out int, mode StretchMode) bool {
	a, b := out, n
	if mode == Zeros {
		if n < 2 {
			return false
		}
		a, b = out-1, n-1
	}
	return 8*a >= b && a <= 8*b
}

// solveTestRun applies StretchConv with options o to the 1-D input x and
// kernel w and returns the output size.
func solveTestRun(x, w *Tensor, o StretchOptions) (int, error) {
	y, err := StretchConv(x, w, nil, o)
	if err != nil {
		return 0, err
	}
	if len(y.Shape) != 3 || y.Shape[0] != 1 || y.Shape[1] != 1 {
		return 0, fmt.Errorf("output shape %v, want (1, 1, ·)", y.Shape)
	}
	return y.Shape[2], nil
}

// TestSolveStretchExhaustive solves every n in 1…64, out in 1…128, kernel in
// 1…5 and both modes, and runs StretchConv with each solution.
func TestSolveStretchExhaustive(t *testing.T) {
	var total, solved, required int
	for _, mode := range []StretchMode{Nearest, Zeros} {
		for n := 1; n <= 64; n++ {
			x := New(1, 1, n)
			for k := 1; k <= 5; k++ {
				w := New(1, 1, k)
				for out := 1; out <= 128; out++ {
					total++
					must := solveTestRequired(n, out, mode)
					if must {
						required++
					}
					o, err := SolveStretch([]int{n}, []int{out}, []int{k}, mode)
					if err != nil {
						if must {
							t.Errorf("mode %d, %d → %d, k %d: %v", mode, n, out, k, err)
						}
						if !errors.Is(err, ErrNoSolution) {
							t.Errorf("mode %d, %d → %d, k %d: error %v does not wrap ErrNoSolution", mode, n, out, k, err)
						}
						continue
					}
					if msg := solveTestCheck(x, w, o, n, out, k, mode); msg != "" {
						t.Errorf("mode %d, %d → %d, k %d, options %+v: %s", mode, n, out, k, o, msg)
						continue
					}
					solved++
				}
			}
		}
	}
	t.Logf("solved %d of %d axis pairs; %d have a ratio in [1/8, 8] and must be solved", solved, total, required)
	if solved < required {
		t.Errorf("solved %d pairs, fewer than the %d required", solved, required)
	}
}

// solveTestCheck verifies a solution of the 1-D axis n → out with k taps by
// running StretchConv, and returns a description of what is wrong, or "".
func solveTestCheck(x, w *Tensor, o StretchOptions, n, out, k int, mode StretchMode) string {
	if len(o.Stride) != 1 || len(o.PadLo) != 1 || len(o.PadHi) != 1 || len(o.Stretch) != 1 {
		return "option slices do not have length 1"
	}
	if o.Dilation != nil || o.Groups != 0 || o.Mode != mode {
		return "dilation, groups or mode not as documented"
	}
	u, s, lo, hi := o.Stretch[0], o.Stride[0], o.PadLo[0], o.PadHi[0]
	if u < 1 || u > 8 || s < 1 || s > 8 || !solveCoprime(u, s) {
		return "stretch and stride not in lowest terms within [1, 8]"
	}
	if p := lo + hi; lo != p/2 {
		return "padding not split with the odd one at the high end"
	}
	got, err := solveTestRun(x, w, o)
	if err != nil {
		return err.Error()
	}
	if got != out {
		return fmt.Sprintf("StretchConv gives %d outputs", got)
	}
	// The landing totals are consecutive, so a total of smaller magnitude
	// exists only if the neighbour towards zero also lands.
	if p := lo + hi; p != 0 {
		q := p - 1
		if p < 0 {
			q = p + 1
		}
		c := o
		c.PadLo, c.PadHi = []int{q >> 1}, []int{q - q>>1}
		if got, err := solveTestRun(x, w, c); err == nil && got == out {
			return fmt.Sprintf("total padding %d also lands on out", q)
		}
	}
	l := u * n
	if mode == Zeros {
		l = u*(n-1) + 1
	}
	if lo > k-1 || (out-1)*s-lo > l-1 {
		return "an output window reads padding alone"
	}
	return ""
}

// solveTestRef is an independent reference for one axis: it scans every
// total padding of every pair and compares ratios in floating point.
func solveTestRef(n, out, k int, mode StretchMode) (u, s, lo, hi int, ok bool) {
	rho := float64(out) / float64(n)
	if mode == Zeros {
		rho = float64(out-1) / float64(n-1) // NaN for n = 1: all pairs tie
	}
	best := math.Inf(1)
	for cs := 1; cs <= 8; cs++ {
		for cu := 1; cu <= 8; cu++ {
			if !solveCoprime(cu, cs) {
				continue
			}
			l := cu * n
			if mode == Zeros {
				l = cu*(n-1) + 1
			}
			p, found := 0, false
			for q := -l; q <= (out-1)*cs+k+cs; q++ {
				if l+q < k || (l+q-k)/cs+1 != out {
					continue
				}
				if !found || q*q < p*p || (q*q == p*p && q > p) {
					p, found = q, true
				}
			}
			if !found {
				continue
			}
			clo := int(math.Trunc(float64(p) / 2))
			chi := p - clo
			reads := true
			for j := range out {
				first := j*cs - clo
				if first+k-1 < 0 || first > l-1 {
					reads = false
				}
			}
			if !reads || (p < 0 && !(rho >= 0.125)) {
				continue
			}
			d := math.Abs(float64(cu)/float64(cs) - rho)
			if math.IsNaN(d) {
				d = 0
			}
			const tol = 1e-12
			switch {
			case !ok || d < best-tol:
			case d > best+tol:
				continue
			case cu+cs > u+s || (cu+cs == u+s && cu > u):
				continue
			}
			best, u, s, lo, hi, ok = d, cu, cs, clo, chi, true
		}
	}
	return u, s, lo, hi, ok
}

func TestSolveStretchReference(t *testing.T) {
	for _, mode := range []StretchMode{Nearest, Zeros} {
		for n := 1; n <= 20; n++ {
			for out := 1; out <= 48; out++ {
				for k := 1; k <= 5; k++ {
					u, s, lo, hi, ok := solveTestRef(n, out, k, mode)
					o, err := SolveStretch([]int{n}, []int{out}, []int{k}, mode)
					if ok != (err == nil) {
						t.Errorf("mode %d, %d → %d, k %d: reference solves %t, SolveStretch error %v", mode, n, out, k, ok, err)
						continue
					}
					if !ok {
						continue
					}
					want := []int{u, s, lo, hi}
					got := []int{o.Stretch[0], o.Stride[0], o.PadLo[0], o.PadHi[0]}
					if !slices.Equal(got, want) {
						t.Errorf("mode %d, %d → %d, k %d: got u, s, lo, hi %v, want %v", mode, n, out, k, got, want)
					}
				}
			}
		}
	}
}

func TestSolveStretchCases(t *testing.T) {
	for _, tc := range []struct {
		name                    string
		in, out, kernel         []int
		mode                    StretchMode
		stretch, stride, lo, hi []int
	}{
		{"seed", []int{100, 100}, []int{50, 200}, []int{4, 4}, Nearest,
			[]int{1, 2}, []int{2, 1}, []int{1, 1}, []int{1, 2}},
		{"seed zeros", []int{100, 100}, []int{50, 199}, []int{4, 4}, Zeros,
			[]int{1, 2}, []int{2, 1}, []int{1, 1}, []int{1, 2}},
		{"3-D", []int{16, 16, 16}, []int{8, 32, 16}, []int{3, 3, 3}, Nearest,
			[]int{1, 2, 1}, []int{2, 1, 1}, []int{0, 1, 1}, []int{1, 1, 1}},
		{"3/2 nearest", []int{100}, []int{150}, []int{3}, Nearest,
			[]int{3}, []int{2}, []int{0}, []int{1}},
		{"3/2 zeros", []int{101}, []int{151}, []int{3}, Zeros,
			[]int{3}, []int{2}, []int{1}, []int{1}},
		{"equal k=1", []int{7}, []int{7}, []int{1}, Nearest, []int{1}, []int{1}, []int{0}, []int{0}},
		{"equal k=4", []int{7}, []int{7}, []int{4}, Nearest, []int{1}, []int{1}, []int{1}, []int{2}},
		{"equal k=5 zeros", []int{7}, []int{7}, []int{5}, Zeros, []int{1}, []int{1}, []int{2}, []int{2}},
		{"shrink 4", []int{100}, []int{25}, []int{4}, Nearest, []int{1}, []int{4}, []int{0}, []int{0}},
		{"shrink 8", []int{64}, []int{8}, []int{3}, Nearest, []int{1}, []int{8}, []int{0}, []int{0}},
		{"shrink 4 zeros", []int{9}, []int{3}, []int{3}, Zeros, []int{1}, []int{4}, []int{1}, []int{1}},
		{"grow 4", []int{25}, []int{100}, []int{4}, Nearest, []int{4}, []int{1}, []int{1}, []int{2}},
		{"grow 8", []int{3}, []int{24}, []int{1}, Nearest, []int{8}, []int{1}, []int{0}, []int{0}},
		{"grow 4 zeros", []int{3}, []int{9}, []int{3}, Zeros, []int{4}, []int{1}, []int{1}, []int{1}},
		// 3/7 is reachable with s = 7.
		{"3/7", []int{7}, []int{3}, []int{1}, Nearest, []int{3}, []int{7}, []int{0}, []int{0}},
		// Zeros mode with one sample: u = s = 1, the padding makes out ≤ k.
		{"zeros single", []int{1}, []int{1}, []int{1}, Zeros, []int{1}, []int{1}, []int{0}, []int{0}},
		{"zeros single full", []int{1}, []int{3}, []int{3}, Zeros, []int{1}, []int{1}, []int{2}, []int{2}},
		// Growth beyond 8 within the kernel's padding.
		{"grow 9", []int{1}, []int{9}, []int{3}, Nearest, []int{8}, []int{1}, []int{1}, []int{2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := SolveStretch(tc.in, tc.out, tc.kernel, tc.mode)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(o.Stretch, tc.stretch) || !slices.Equal(o.Stride, tc.stride) ||
				!slices.Equal(o.PadLo, tc.lo) || !slices.Equal(o.PadHi, tc.hi) {
				t.Errorf("got stretch %v stride %v pad %v/%v, want %v %v %v/%v",
					o.Stretch, o.Stride, o.PadLo, o.PadHi, tc.stretch, tc.stride, tc.lo, tc.hi)
			}
			if o.Dilation != nil || o.Groups != 0 || o.Mode != tc.mode {
				t.Errorf("dilation %v, groups %d, mode %d", o.Dilation, o.Groups, o.Mode)
			}
			x := New(append([]int{1, 1}, tc.in...)...)
			w := New(append([]int{1, 1}, tc.kernel...)...)
			y, err := StretchConv(x, w, nil, o)
			if err != nil {
				t.Fatal(err)
			}
			if want := append([]int{1, 1}, tc.out...); !slices.Equal(y.Shape, want) {
				t.Errorf("StretchConv shape %v, want %v", y.Shape, want)
			}
		})
	}
}

// TestSolveStretchPaddingRule checks the choice and split of the total
// padding: least magnitude, the odd one at the high end, for crops too.
func TestSolveStretchPaddingRule(t *testing.T) {
	for _, tc := range []struct {
		n, out, k int
		u, s      int
		lo, hi    int
		comment   string
	}{
		// L = 100, s = 2: totals −1 and 0 land; 0 has the least magnitude.
		{n: 100, out: 50, k: 1, u: 1, s: 2, lo: 0, hi: 0, comment: "zero in range"},
		// L = 200: total 3 = 1 + 2, the odd one after.
		{n: 100, out: 200, k: 4, u: 2, s: 1, lo: 1, hi: 2, comment: "odd pad"},
		// L = 128: total −1 = 0 + −1, the odd crop at the end.
		{n: 64, out: 127, k: 1, u: 2, s: 1, lo: 0, hi: -1, comment: "odd crop"},
		// L = 128: total −3 = −2 + −1.
		{n: 64, out: 125, k: 1, u: 2, s: 1, lo: -1, hi: -2, comment: "odd crop 3"},
		// L = 128: total −4 = −2 + −2.
		{n: 64, out: 124, k: 1, u: 2, s: 1, lo: -2, hi: -2, comment: "even crop"},
	} {
		o, err := SolveStretch([]int{tc.n}, []int{tc.out}, []int{tc.k}, Nearest)
		if err != nil {
			t.Errorf("%s: %v", tc.comment, err)
			continue
		}
		got := []int{o.Stretch[0], o.Stride[0], o.PadLo[0], o.PadHi[0]}
		if want := []int{tc.u, tc.s, tc.lo, tc.hi}; !slices.Equal(got, want) {
			t.Errorf("%s: %d → %d, k %d: got u, s, lo, hi %v, want %v", tc.comment, tc.n, tc.out, tc.k, got, want)
		}
	}
}

// TestSolveStretchRatioTie checks the tie rule between equally close
// ratios. 14 → 15 wants 15/14, exactly halfway between 1 and 8/7.
func TestSolveStretchRatioTie(t *testing.T) {
	// With k = 2, u = s = 1 pads 1/1 and wins the tie by the smaller u + s.
	o, err := SolveStretch([]int{14}, []int{15}, []int{2}, Nearest)
	if err != nil {
		t.Fatal(err)
	}
	if got := []int{o.Stretch[0], o.Stride[0], o.PadLo[0], o.PadHi[0]}; !slices.Equal(got, []int{1, 1, 1, 1}) {
		t.Errorf("k 2: got u, s, lo, hi %v, want [1 1 1 1]", got)
	}
	// With k = 1, u = s = 1 would need an output of padding alone, so
	// 8/7 wins, cropping 112 to 105: total −7 = −3 + −4.
	o, err = SolveStretch([]int{14}, []int{15}, []int{1}, Nearest)
	if err != nil {
		t.Fatal(err)
	}
	if got := []int{o.Stretch[0], o.Stride[0], o.PadLo[0], o.PadHi[0]}; !slices.Equal(got, []int{8, 7, -3, -4}) {
		t.Errorf("k 1: got u, s, lo, hi %v, want [8 7 -3 -4]", got)
	}
}

func TestSolveStretchErrors(t *testing.T) {
	huge := MaxElements + 1
	for _, tc := range []struct {
		in, out, kernel []int
		mode            StretchMode
		kind            error
		words           []string
	}{
		{nil, nil, nil, Nearest, ErrShape, []string{"no spatial axes"}},
		{[]int{4}, []int{4, 4}, []int{3}, Nearest, ErrShape, []string{"output", "2 axes", "1"}},
		{[]int{4, 4}, []int{4, 4}, []int{3}, Nearest, ErrShape, []string{"kernel", "1 axes", "2"}},
		{[]int{4, 0}, []int{4, 4}, []int{3, 3}, Nearest, ErrShape, []string{"axis 1", "input size 0"}},
		{[]int{4, 4}, []int{4, -2}, []int{3, 3}, Nearest, ErrShape, []string{"axis 1", "output size -2"}},
		{[]int{4, 4}, []int{4, 4}, []int{0, 3}, Nearest, ErrShape, []string{"axis 0", "kernel size 0"}},
		{[]int{4, huge}, []int{4, 4}, []int{3, 3}, Nearest, ErrTooLarge, []string{"axis 1", fmt.Sprint(huge)}},
		{[]int{4}, []int{4}, []int{3}, StretchMode(2), ErrOption, []string{"mode 2"}},
		// Growth 20 needs padding far beyond the kernel.
		{[]int{10, 1}, []int{10, 20}, []int{3, 3}, Nearest, ErrNoSolution,
			[]string{"axis 1", "1 → 20", "ratio 20/1", "stretch 8", "kernel 3"}},
		{[]int{10, 2}, []int{10, 22}, []int{3, 3}, Zeros, ErrNoSolution,
			[]string{"axis 1", "Zeros", "2 → 22", "ratio 21/1"}},
		// Shrink 1/64 would crop most of the data.
		{[]int{10, 64}, []int{10, 1}, []int{3, 1}, Nearest, ErrNoSolution,
			[]string{"axis 1", "64 → 1", "ratio 1/64", "1/8"}},
		{[]int{100}, []int{10}, []int{3}, Nearest, ErrNoSolution,
			[]string{"axis 0", "100 → 10", "ratio 10/100"}},
		// One sample in Zeros mode reaches at most k outputs.
		{[]int{1}, []int{4}, []int{3}, Zeros, ErrNoSolution,
			[]string{"axis 0", "kernel 3", "at most 3", "not 4"}},
	} {
		_, err := SolveStretch(tc.in, tc.out, tc.kernel, tc.mode)
		if !errors.Is(err, tc.kind) {
			t.Errorf("%v → %v, kernel %v: error %v, want %v", tc.in, tc.out, tc.kernel, err, tc.kind)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "aniso: solve: ") {
			t.Errorf("message %q does not name the operator", msg)
		}
		for _, w := range tc.words {
			if !strings.Contains(msg, w) {
				t.Errorf("message %q does not contain %q", msg, w)
			}
		}
	}
}

// TestSolveStretchNoPanic feeds odd inputs and checks that every call returns
// either an error or options of the documented form.
func TestSolveStretchNoPanic(t *testing.T) {
	sizes := []int{math.MinInt, -MaxElements - 1, -8, -1, 0, 1, 2, 3, 7, 9, 64, 1000,
		1 << 31, MaxElements - 1, MaxElements, MaxElements + 1, 1 << 40, math.MaxInt - 1, math.MaxInt}
	modes := []StretchMode{Nearest, Zeros, -1, 2, StretchMode(math.MaxInt)}
	check := func(in, out, kernel []int, mode StretchMode) {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("%v → %v, kernel %v, mode %d: panic %v", in, out, kernel, mode, r)
			}
		}()
		o, err := SolveStretch(in, out, kernel, mode)
		if err != nil {
			return
		}
		d := len(in)
		if len(o.Stretch) != d || len(o.Stride) != d || len(o.PadLo) != d || len(o.PadHi) != d {
			t.Errorf("%v → %v, kernel %v: options %+v have wrong lengths", in, out, kernel, o)
		}
	}
	for _, mode := range modes {
		for _, n := range sizes {
			for _, m := range sizes {
				for _, k := range sizes {
					check([]int{n}, []int{m}, []int{k}, mode)
				}
			}
		}
	}
	for _, mode := range modes {
		check(nil, []int{1}, []int{1}, mode)
		check([]int{1}, nil, []int{1}, mode)
		check([]int{1}, []int{1}, nil, mode)
		check([]int{}, []int{}, []int{}, mode)
		check([]int{4, 4}, []int{4}, []int{1, 1}, mode)
		check([]int{4, 4}, []int{4, 4}, []int{1, 1, 1}, mode)
		check([]int{MaxElements, MaxElements}, []int{1, MaxElements}, []int{MaxElements, 1}, mode)
	}
}

// TestSolveStretchLarge solves sizes at the limit, where a careless
// product would overflow, and checks the sizes against the formulas.
func TestSolveStretchLarge(t *testing.T) {
	for _, tc := range [][3]int{
		{MaxElements, MaxElements, MaxElements},
		{MaxElements, MaxElements / 8, 1},
		{MaxElements / 8, MaxElements, 5},
		{MaxElements - 1, MaxElements, 3},
		{3, MaxElements, MaxElements},
	} {
		n, out, k := tc[0], tc[1], tc[2]
		for _, mode := range []StretchMode{Nearest, Zeros} {
			o, err := SolveStretch([]int{n}, []int{out}, []int{k}, mode)
			if err != nil {
				if !errors.Is(err, ErrNoSolution) {
					t.Errorf("mode %d, %d → %d, k %d: %v", mode, n, out, k, err)
				}
				continue
			}
			u, s, lo, hi := o.Stretch[0], o.Stride[0], o.PadLo[0], o.PadHi[0]
			l := u * n
			if mode == Zeros {
				l = u*(n-1) + 1
			}
			if l+lo+hi < k || (l+lo+hi-k)/s+1 != out {
				t.Errorf("mode %d, %d → %d, k %d: u %d, s %d, pad %d/%d do not land on out", mode, n, out, k, u, s, lo, hi)
			}
		}
	}
}

// TestStretchOutSize checks that solved options carry the wanted output
// size and that a kernel other than the one solved for is an error naming
// the axis and both sizes, not another shape.
func TestStretchOutSize(t *testing.T) {
	o, err := SolveStretch([]int{100, 100}, []int{50, 200}, []int{4, 4}, Nearest)
	require.NoError(t, err)
	require.Equal(t, []int{50, 200}, o.OutSize)
	x := New(2, 1, 100, 100)
	p, err := NewStretchConvPlan(x.Shape, []int{3, 1, 4, 4}, o)
	require.NoError(t, err)
	require.Equal(t, []int{2, 3, 50, 200}, p.OutShape())

	_, err = StretchConv(x, New(1, 1, 3, 3), nil, o)
	require.ErrorIs(t, err, ErrGeometry)
	require.ErrorContains(t, err, "stretchconv: axis 1: input 100, stretch 2, kernel 3, stride 1 and pad 1+2 give output size 201, but OutSize is 200")
	_, err = NewStretchConvPlan(x.Shape, []int{1, 1, 5, 4}, o)
	require.ErrorIs(t, err, ErrGeometry)
	require.ErrorContains(t, err, "axis 0:")
	require.ErrorContains(t, err, "output size 49, but OutSize is 50")

	// Another input size is caught the same way.
	_, err = StretchConv(New(1, 1, 100, 50), New(1, 1, 4, 4), nil, o)
	require.ErrorIs(t, err, ErrGeometry)
	require.ErrorContains(t, err, "output size 100, but OutSize is 200")

	o.OutSize = []int{50}
	_, err = StretchConv(x, New(1, 1, 4, 4), nil, o)
	require.ErrorIs(t, err, ErrOption)
	require.ErrorContains(t, err, "OutSize has 1 values for 2 spatial axes")

	// An empty OutSize is the same as none.
	o.OutSize = []int{}
	y, err := StretchConv(x, New(1, 1, 3, 3), nil, o)
	require.NoError(t, err)
	require.Equal(t, []int{2, 1, 50, 201}, y.Shape)
}

// TestSolveStretchFullShapes checks that shapes given as N×C×D1×…×Dn
// instead of spatial sizes are named as such.
func TestSolveStretchFullShapes(t *testing.T) {
	for _, c := range []struct{ in, out, kernel []int }{
		{[]int{8, 1, 100, 100}, []int{8, 1, 50, 200}, []int{4, 4}},
		{[]int{100, 100}, []int{8, 1, 50, 200}, []int{4, 4}},
		{[]int{100, 100}, []int{50, 200}, []int{1, 1, 4, 4}},
	} {
		_, err := SolveStretch(c.in, c.out, c.kernel, Nearest)
		require.ErrorIs(t, err, ErrShape)
		require.ErrorContains(t, err, "spatial sizes D1…Dn alone, without the batch and channel axes")
	}
	// A batch of 8 with one channel cannot be solved to 16 channels with a
	// 3×3 kernel: the message suggests the spatial sizes.
	_, err := SolveStretch([]int{8, 1, 100, 100}, []int{8, 16, 50, 200}, []int{3, 3, 3, 3}, Nearest)
	require.ErrorIs(t, err, ErrNoSolution)
	require.ErrorContains(t, err, "axis 1: Nearest growth 1 → 16")
	require.ErrorContains(t, err, "pass their spatial sizes [100 100] and [50 200]")
	// A genuine 3-D shape gets no such note.
	_, err = SolveStretch([]int{100, 1, 100}, []int{50, 16, 200}, []int{3, 3, 3}, Nearest)
	require.ErrorIs(t, err, ErrNoSolution)
	require.NotContains(t, err.Error(), "N×C")

	// Solved for full shapes, the options then fail on x with a message
	// about its rank.
	o, err := SolveStretch([]int{8, 4, 100, 100}, []int{8, 4, 50, 200}, []int{4, 4, 4, 4}, Nearest)
	require.NoError(t, err)
	_, err = StretchConv(New(8, 4, 100, 100), New(4, 4, 4, 4), nil, o)
	require.ErrorIs(t, err, ErrShape)
	require.ErrorContains(t, err, "x has rank 4; inputs are N×C×D1×…×Dn with 4 spatial axes here (Stride has 4 values, one per dimension of x: were they made for its full shape instead of its spatial sizes?)")
}

// TestRankErrors checks that an input whose rank does not fit the options
// says so in terms of x for every operator.
func TestRankErrors(t *testing.T) {
	x := New(1, 100, 100) // the batch axis forgotten
	want := "x has rank 3; inputs are N×C×D1×…×Dn with 2 spatial axes here"
	_, err := Conv(x, New(1, 1, 4, 4), nil, ConvOptions{Stride: []int{2, 1}})
	require.ErrorIs(t, err, ErrShape)
	require.ErrorContains(t, err, want+" (Stride has 2 values)")
	_, err = NewStretchConvPlan(x.Shape, []int{1, 1, 4, 4}, StretchOptions{Stretch: []int{1, 2}})
	require.ErrorContains(t, err, want+" (Stretch has 2 values)")
	_, err = Deconv(x, New(1, 1, 4, 4), nil, DeconvOptions{OutputPadding: []int{0, 1}, ConvOptions: ConvOptions{Stride: []int{1, 2}}})
	require.ErrorContains(t, err, want+" (Stride has 2 values)")
	_, err = UnpoolND(x, UnpoolOptions{Ksize: []int{2, 2}})
	require.ErrorContains(t, err, want+" (Ksize has 2 values)")
	_, err = UnpoolND(New(2, 2), UnpoolOptions{Ksize: []int{2, 2}})
	require.ErrorContains(t, err, "x has rank 2; inputs are N×C×D1×…×Dn with 2 spatial axes here")
	// Options that disagree among themselves are reported one by one.
	_, err = Conv(New(1, 1, 100, 100), New(1, 1, 4, 4), nil, ConvOptions{Stride: []int{2, 1}, PadLo: []int{1}})
	require.ErrorIs(t, err, ErrOption)
	require.ErrorContains(t, err, "PadLo has 1 values for 2 spatial axes")
	// Without options, the kernel and x disagree.
	_, err = Conv(x, New(1, 1, 4, 4), nil, ConvOptions{})
	require.ErrorIs(t, err, ErrShape)
	require.ErrorContains(t, err, "w has rank 4, want 3 as x has: x is N×C×D1×…×Dn and w is O×(C/G)×k1×…×kn with the same n")
}
