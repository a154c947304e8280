package gemm

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// directCase is one random call of Direct over a source whose unselected
// elements are NaN and which ends right after the last element a mask
// selects, with C holding NaN outside the wanted corner (and inside it
// when beta is 0).
type directCase struct {
	m, cin, taps, cols int
	a                  []float32
	lda                int
	src                []float32
	sc                 int
	bases              []int
	masks              []uint64
	beta               float32
	c                  []float32
	ldc                int
	split              bool // DirectSplit rather than Direct
}

// call runs Direct or DirectSplit on the case, with C and beta given.
func (d directCase) call(beta float32, c []float32) {
	f := Direct
	if d.split {
		f = DirectSplit
	}
	f(d.m, d.cin, d.taps, d.a, d.lda, d.src, d.sc, d.bases, d.masks, d.cols, beta, c, d.ldc)
}

// srcLen returns the length of the shortest src that holds every element
// d's masks select: one past the last.
func (d directCase) srcLen() int {
	end := 0
	for t, mk := range d.masks {
		if mk != 0 {
			end = max(end, (d.cin-1)*d.sc+d.bases[t]+63-bits.LeadingZeros64(mk)+1)
		}
	}
	return end
}

func newDirectCase(rng *rand.Rand) directCase {
	nan := float32(math.NaN())
	d := directCase{
		m:    1 + rng.IntN(13),
		cin:  1 + rng.IntN(6),
		taps: 1 + rng.IntN(9),
		cols: 1 + rng.IntN(64),
	}
	switch rng.IntN(3) {
	case 0:
		d.cols = 64
	case 1:
		d.cols = 1 + rng.IntN(32)
	}
	k := d.cin * d.taps
	d.lda, d.ldc = k+rng.IntN(3), d.cols+rng.IntN(3)
	d.a = randSlice(rng, (d.m-1)*d.lda+k)
	d.sc = 2*d.cols + rng.IntN(50)
	if rng.IntN(4) == 0 {
		// Enough channels for several slices, some with channels
		// 1024 floats apart, whose rows share cache sets.
		d.cin = 1 + rng.IntN(40)
		if rng.IntN(2) == 0 {
			d.sc = 1024
		}
		k = d.cin * d.taps
		d.lda = k + rng.IntN(3)
		d.a = randSlice(rng, (d.m-1)*d.lda+k)
	}
	d.bases = make([]int, d.taps)
	d.masks = make([]uint64, d.taps)
	full := uint64(1)<<d.cols - 1
	if d.cols == 64 {
		full = 1<<64 - 1
	}
	for t := range d.bases {
		d.bases[t] = rng.IntN(d.sc-d.cols+1) - 3
		switch rng.IntN(4) {
		case 0: // every column, as inside a tensor
			d.masks[t] = full
		case 1: // one span, as at a border
			lo, hi := rng.IntN(d.cols), rng.IntN(d.cols)
			lo, hi = min(lo, hi), max(lo, hi)
			d.masks[t] = (uint64(1)<<(hi-lo+1) - 1) << lo
		case 2:
			d.masks[t] = rng.Uint64() & full
		case 3:
			d.masks[t] = 0
		}
		if d.bases[t] < 0 {
			d.masks[t] &^= 1<<-d.bases[t] - 1
		}
	}
	d.src = make([]float32, d.srcLen())
	for i := range d.src {
		d.src[i] = nan
	}
	for t, mk := range d.masks {
		for ch := 0; ch < d.cin; ch++ {
			for j := 0; j < d.cols; j++ {
				if mk>>j&1 != 0 {
					d.src[ch*d.sc+d.bases[t]+j] = float32(rng.NormFloat64())
				}
			}
		}
	}
	if rng.IntN(2) == 1 {
		d.beta = 1
	}
	d.split = rng.IntN(2) == 1
	d.c = make([]float32, (d.m-1)*d.ldc+d.cols+rng.IntN(3))
	for i := range d.c {
		d.c[i] = nan
		if d.beta == 1 && i/d.ldc < d.m && i%d.ldc < d.cols {
			d.c[i] = float32(rng.NormFloat64())
		}
	}
	return d
}

// want returns C computed in float64 and a bound on the error of a float32
// sum of its terms.
func (d directCase) want() (want, tol []float64) {
	want, tol = make([]float64, len(d.c)), make([]float64, len(d.c))
	for i := 0; i < d.m; i++ {
		for j := 0; j < d.cols; j++ {
			var s, abs float64
			if d.beta == 1 {
				s, abs = float64(d.c[i*d.ldc+j]), math.Abs(float64(d.c[i*d.ldc+j]))
			}
			for t, mk := range d.masks {
				if mk>>j&1 == 0 {
					continue
				}
				for ch := 0; ch < d.cin; ch++ {
					p := float64(d.a[i*d.lda+ch*d.taps+t]) * float64(d.src[ch*d.sc+d.bases[t]+j])
					s += p
					abs += math.Abs(p)
				}
			}
			want[i*d.ldc+j] = s
			tol[i*d.ldc+j] = float64(d.cin*d.taps+2) * 0x1p-23 * abs
		}
	}
	return want, tol
}

func directVariants() []*directKernel {
	var ks []*directKernel
	for _, kn := range directKernels {
		if kn.ok {
			ks = append(ks, kn)
		}
	}
	return ks
}

// TestDirect checks every kernel of Direct the machine runs against a
// float64 reference on random
// calls whose every unselected element of the source is NaN, with C's
// elements outside the wanted corner NaN too, which must stay so.
func TestDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	defer func() { directForced = nil }()
	for trial := 0; trial < 400; trial++ {
		d := newDirectCase(rng)
		want, tol := d.want()
		for _, kn := range directVariants() {
			directForced = kn
			got := append([]float32(nil), d.c...)
			d.call(d.beta, got)
			name := fmt.Sprintf("kernel %s, trial %d (m %d, cin %d, taps %d, cols %d, beta %v)", kn.name, trial, d.m, d.cin, d.taps, d.cols, d.beta)
			for i, g := range got {
				if i/d.ldc >= d.m || i%d.ldc >= d.cols {
					if !math.IsNaN(float64(g)) {
						t.Fatalf("%s: C[%d] outside the wanted corner written", name, i)
					}
					continue
				}
				if math.Abs(float64(g)-want[i]) > tol[i] {
					t.Fatalf("%s: C[%d] = %v, want %v ± %v", name, i, g, want[i], tol[i])
				}
			}
		}
	}
}

// TestDirectDeterministic checks that a kernel gives the same bits for the
// same rows of C whatever the other rows of the call.
func TestDirectDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	defer func() { directForced = nil }()
	for _, kn := range directVariants() {
		directForced = kn
		for trial := 0; trial < 50; trial++ {
			d := newDirectCase(rng)
			d.beta = 0
			all := make([]float32, len(d.c))
			Direct(d.m, d.cin, d.taps, d.a, d.lda, d.src, d.sc, d.bases, d.masks, d.cols, 0, all, d.ldc)
			i := rng.IntN(d.m)
			one := make([]float32, d.cols)
			Direct(1, d.cin, d.taps, d.a[i*d.lda:], d.lda, d.src, d.sc, d.bases, d.masks, d.cols, 0, one, d.ldc)
			for j, v := range one {
				if math.Float32bits(v) != math.Float32bits(all[i*d.ldc+j]) {
					t.Fatalf("kernel %s: row %d of %d alone gives C[%d] = %v, with the others %v", kn.name, i, d.m, j, v, all[i*d.ldc+j])
				}
			}
		}
	}
}

func TestDirectPanics(t *testing.T) {
	a := make([]float32, 8)
	src := make([]float32, 10)
	c := make([]float32, 8)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"cols past 64", func() { Direct(1, 1, 1, a, 1, src, 0, []int{0}, []uint64{1}, 65, 0, make([]float32, 65), 65) }},
		{"mask past cols", func() { Direct(1, 1, 1, a, 1, src, 0, []int{0}, []uint64{4}, 2, 0, c, 2) }},
		{"beta", func() { Direct(1, 1, 1, a, 1, src, 0, []int{0}, []uint64{1}, 1, 0.5, c, 1) }},
		{"read past src", func() { Direct(1, 2, 1, a, 1, src, 8, []int{1}, []uint64{3}, 2, 0, c, 2) }},
		{"read before src", func() { Direct(1, 1, 1, a, 1, src, 0, []int{-1}, []uint64{1}, 1, 0, c, 1) }},
		{"short A", func() { Direct(3, 2, 2, a, 4, src, 0, []int{0, 0}, []uint64{1, 1}, 1, 0, c, 1) }},
		{"short C", func() { Direct(2, 1, 1, a, 1, src, 0, []int{0}, []uint64{1}, 8, 0, c, 8) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.f()
		}()
	}
}

func TestDirectSlice(t *testing.T) {
	for _, c := range []struct{ cin, taps, sc, want int }{
		{32, 9, 10000, 16},  // channels spread over every set
		{32, 9, 4096, 8},    // 64×64 images: every channel in the same sets
		{32, 9, 1024, 8},    // 32×32
		{32, 9, 512, 16},    // two cycles of sets
		{64, 25, 10000, 5},  // the depth bounds the slice
		{8, 200, 4096, 1},   // at least one channel
		{32, 1, 16384, 8},   // 128×128, one tap
		{32, 1, 10000, 144}, // one tap, spread
	} {
		if got := directSlice(c.cin, c.taps, c.sc, nil, nil, false); got != c.want {
			t.Errorf("directSlice(%d, %d, %d) = %d, want %d", c.cin, c.taps, c.sc, got, c.want)
		}
	}
	// The sets the channels fall into, by Euclid's gcd.
	for sc := 0; sc < 8192; sc++ {
		step := sc * 4 / 64 % directSets
		g := directSets
		for x := step; x != 0; {
			g, x = x, g%x
		}
		for _, taps := range []int{1, 9} {
			want := min(max(1, directDepth/taps), max(1, directWays*directSets/g))
			if got := directSlice(32, taps, sc, nil, nil, false); got != want {
				t.Fatalf("directSlice(32, %d, %d) = %d, want %d", taps, sc, got, want)
			}
		}
	}
}

// TestDirectSliceLines checks the bound of DirectSplit on the lines a
// slice's taps read: the taps of a 3×3 convolution of unit stride share
// lines and keep their slices of directDepth rows, those of one split
// into the phases of a stride of 2 read rows of their own and take fewer
// channels, Direct never bounds them, and a product of one tap is never
// bounded.
func TestDirectSliceLines(t *testing.T) {
	full := uint64(1<<64 - 1)
	masks := []uint64{full, full, full, full, full, full, full, full, full}
	const o = 1024 // the first column of the panel, at a line boundary
	var unit, split []int
	for r := -1; r <= 1; r++ {
		unit = append(unit, r*100+o-1, r*100+o, r*100+o+1)
	}
	// Phases of 50 sub-samples in planes 900 floats apart, of 8, 8, 5 and
	// 4 lines: rows 2i−1 and
	// 2i+1 from the odd rows, 2i from the even ones; columns 2j−1 and
	// 2j+1 from the odd columns, 2j from the even ones.
	for _, r := range []struct{ plane, row int }{{1, -1}, {0, 0}, {1, 0}} {
		odd, even := (2*r.plane+1)*900+r.row*50+o, 2*r.plane*900+r.row*50+o
		split = append(split, odd-1, even, odd)
	}
	for _, c := range []struct {
		name         string
		bases        []int
		lines, slice int
	}{
		// Three rows of 66 floats, of 5, 6 and 5 lines, the taps of a
		// row on the same lines.
		{"unit", unit, 16, 16},
		{"split", split, 25, directLines / 25},
	} {
		if got := tapLines(c.bases, masks); got != c.lines {
			t.Errorf("%s: tapLines = %d, want %d", c.name, got, c.lines)
		}
		if got := directSlice(32, 9, 10000, c.bases, masks, true); got != c.slice {
			t.Errorf("%s: directSlice = %d, want %d", c.name, got, c.slice)
		}
		if got := directSlice(32, 9, 10000, c.bases, masks, false); got != 16 {
			t.Errorf("%s: directSlice not split = %d, want 16", c.name, got)
		}
	}
	if got := directSlice(200, 1, 10000, []int{0}, []uint64{full}, true); got != directDepth {
		t.Errorf("one tap: directSlice = %d, want %d", got, directDepth)
	}
	// Empty masks read nothing; a tap of one column reads one line.
	if got := tapLines([]int{5, 100, 3}, []uint64{0, 1 << 20, 0}); got != 1 {
		t.Errorf("tapLines of one column = %d, want 1", got)
	}
	// Beyond maxLineTaps every tap counts its own lines.
	many := make([]int, maxLineTaps+1)
	manyMasks := make([]uint64, maxLineTaps+1)
	for i := range manyMasks {
		manyMasks[i] = 0xffff // 16 columns from offset 0: one line
	}
	if got := tapLines(many, manyMasks); got != maxLineTaps+1 {
		t.Errorf("tapLines of %d taps on one line = %d, want %d", maxLineTaps+1, got, maxLineTaps+1)
	}
	if got := tapLines(many[:maxLineTaps], manyMasks[:maxLineTaps]); got != 1 {
		t.Errorf("tapLines of %d taps on one line = %d, want 1", maxLineTaps, got)
	}
}

// directModel returns C as Direct computes it in its documented order:
// the channels in slices of directSlice, each element of a slice summed
// over the taps and within a tap over the channels from zero, the sum of
// each slice added onto C (onto nothing for the first when beta is 0).
// With fused, each product is added by one rounding, as the vector
// kernels' multiply-adds do; without, as the Go kernel's s += a·b.
func (d directCase) directModel(fused bool) []float32 {
	c := append([]float32(nil), d.c...)
	cb := directSlice(d.cin, d.taps, d.sc, d.bases, d.masks, d.split)
	beta := d.beta
	for c0 := 0; c0 < d.cin; c0 += cb {
		c1 := min(d.cin, c0+cb)
		for i := 0; i < d.m; i++ {
			for j := 0; j < d.cols; j++ {
				var s float32
				for t, mk := range d.masks {
					for ch := c0; ch < c1; ch++ {
						var b float32
						if mk>>j&1 != 0 {
							b = d.src[ch*d.sc+d.bases[t]+j]
						}
						x := d.a[i*d.lda+ch*d.taps+t]
						if fused {
							s = float32(math.FMA(float64(x), float64(b), float64(s)))
						} else {
							s += x * b
						}
					}
				}
				if beta != 0 {
					s += c[i*d.ldc+j]
				}
				c[i*d.ldc+j] = s
			}
		}
		beta = 1
	}
	return c
}

// TestDirectBits checks every kernel of Direct the machine runs bit for
// bit against directModel over every block of rows and every width of C,
// with odd strides and guard regions before and after C, whose elements,
// like those between its rows, must keep their bits.
func TestDirectBits(t *testing.T) {
	const guard = 7
	sentinel := math.Float32frombits(0x7fc0_1234)
	rng := rand.New(rand.NewPCG(25, 26))
	defer func() { directForced = nil }()
	bounded := 0 // the trials of DirectSplit whose slices its bound narrows
	for trial := 0; trial < 300; trial++ {
		d := newDirectCase(rng)
		d.m = 1 + rng.IntN(70)
		d.taps = 1
		if rng.IntN(2) == 0 {
			d.taps = 9
		}
		d.cin = 1 + rng.IntN(40)
		d.cols = 1 + rng.IntN(64)
		if trial%4 == 0 {
			d.cols = 64
		}
		k := d.cin * d.taps
		d.lda = k | 1 + 2*rng.IntN(2)
		d.ldc = d.cols | 1 + 2*rng.IntN(2)
		d.sc = d.cols | 1 + 2*rng.IntN(40)
		if rng.IntN(3) == 0 {
			d.sc = 1025 // channels in the same cache sets: slices of 8
		}
		d.split = trial%2 == 1
		if trial%4 == 1 {
			// Taps spread over many lines, which DirectSplit's slices
			// hold fewer of.
			d.sc = 2001
		}
		d.a = randSlice(rng, (d.m-1)*d.lda+k)
		d.bases = make([]int, d.taps)
		d.masks = make([]uint64, d.taps)
		full := uint64(1)<<d.cols - 1
		if d.cols == 64 {
			full = 1<<64 - 1
		}
		for t := range d.bases {
			d.bases[t] = rng.IntN(d.sc-d.cols+1) - 3
			switch rng.IntN(3) {
			case 0:
				d.masks[t] = full
			case 1:
				d.masks[t] = rng.Uint64() & full
			}
			if d.bases[t] < 0 {
				d.masks[t] &^= 1<<-d.bases[t] - 1
			}
		}
		d.src = make([]float32, d.srcLen())
		for i := range d.src {
			d.src[i] = float32(rng.NormFloat64())
		}
		d.beta = float32(rng.IntN(2))
		if d.split && directSlice(d.cin, d.taps, d.sc, d.bases, d.masks, true) < directSlice(d.cin, d.taps, d.sc, d.bases, d.masks, false) {
			bounded++
		}
		buf := make([]float32, guard+(d.m-1)*d.ldc+d.cols+guard)
		for i := range buf {
			buf[i] = sentinel
		}
		d.c = buf[guard : len(buf)-guard]
		if d.beta == 1 {
			for i := 0; i < d.m; i++ {
				for j := 0; j < d.cols; j++ {
					d.c[i*d.ldc+j] = float32(rng.NormFloat64())
				}
			}
		}
		for _, kn := range directVariants() {
			directForced = kn
			// Every kernel but the Go one multiplies and adds in one
			// rounding.
			want := d.directModel(kn != directGeneric)
			got := append([]float32(nil), buf...)
			d.call(d.beta, got[guard:len(got)-guard])
			name := fmt.Sprintf("kernel %s, trial %d (m %d, cin %d, taps %d, cols %d, lda %d, ldc %d, sc %d, beta %v)", kn.name, trial, d.m, d.cin, d.taps, d.cols, d.lda, d.ldc, d.sc, d.beta)
			for i, g := range got {
				w := sentinel
				if i >= guard && i < len(got)-guard {
					w = want[i-guard]
				}
				if math.Float32bits(g) != math.Float32bits(w) {
					t.Fatalf("%s: element %d from the start of C's guard is %v (%#x), want %v (%#x)", name, i, g, math.Float32bits(g), w, math.Float32bits(w))
				}
			}
		}
	}
	if bounded < 10 {
		t.Errorf("only %d trials of DirectSplit with slices narrowed by their lines", bounded)
	}
}
