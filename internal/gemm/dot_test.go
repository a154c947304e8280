package gemm

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"
)

// TestFMA32 checks the reference fused multiply-add against exact
// arithmetic, on random operands and on sums that fall next to a tie of
// float32, where rounding twice would go wrong.
func TestFMA32(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	exact := func(a, b, c float32) float32 {
		x := new(big.Float).SetPrec(200).SetFloat64(float64(a))
		x.Mul(x, new(big.Float).SetFloat64(float64(b)))
		x.Add(x, new(big.Float).SetFloat64(float64(c)))
		f, _ := x.Float32()
		return f
	}
	cases := [][3]float32{
		// The exact sum lies just above the tie 1 + 2⁻²⁴ of float32,
		// and float64 rounds it onto the tie.
		{math.Float32frombits(0x3f800ffc), math.Float32frombits(0x337fe00c), 1},
		{math.Float32frombits(0x337fe00c), math.Float32frombits(0xbf800ffc), -1},
		{3, 5, -15}, {0, 0, float32(math.Copysign(0, -1))},
	}
	for range 100000 {
		e := rng.IntN(60) - 30
		cases = append(cases, [3]float32{
			float32(rng.NormFloat64()),
			float32(math.Ldexp(rng.NormFloat64(), e)),
			float32(rng.NormFloat64()),
		})
	}
	for _, c := range cases {
		got, want := fma32(c[0], c[1], c[2]), exact(c[0], c[1], c[2])
		if math.Float32bits(got) != math.Float32bits(want) && !(got == 0 && want == 0) {
			t.Fatalf("fma32(%g, %g, %g) = %g, want %g", c[0], c[1], c[2], got, want)
		}
	}
}

// randomSegments returns up to five segments of at most maxN elements
// inside k columns and len elements of b.
func randomSegments(rng *rand.Rand, k, maxN, room int) []Segment {
	var segs []Segment
	for range 1 + rng.IntN(5) {
		n := 1 + rng.IntN(min(maxN, k))
		segs = append(segs, Segment{Pos: rng.IntN(k - n + 1), N: n, Off: rng.IntN(room - n + 1)})
	}
	return segs
}

// TestSgemmRuns compares SgemmRuns with float64 sums on products of every
// shape of edge tile, over several lists of segments (one of them empty),
// with leading dimensions longer than the rows, C_l interleaved as the
// taps of a weight gradient are, with gaps between rows, and
// NaN in every gap, which must be neither read nor written.
func TestSgemmRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, sh := range [][3]int{{1, 1, 1}, {4, 4, 16}, {5, 7, 33}, {16, 27, 100}, {3, 9, 1}, {32, 384, 250}, {2, 1, 17}} {
		m, n, k := sh[0], sh[1], sh[2]
		lda, ldb, incc, incl := k+3, k+5, 3, 1
		ldc := n*incc + 1
		nl := 3
		var segs []Segment
		lists := []int{0}
		for l := range nl {
			if l != 1 {
				segs = append(segs, randomSegments(rng, k, 40, ldb)...)
			}
			lists = append(lists, len(segs))
		}
		a, b, c := make([]float32, m*lda), make([]float32, n*ldb), make([]float32, m*ldc+incl*(nl-1))
		for _, s := range [][]float32{a, b, c} {
			for i := range s {
				s[i] = float32(math.NaN())
			}
		}
		for i := range m {
			for p := range k {
				a[i*lda+p] = float32(rng.NormFloat64())
			}
			for j := range n {
				for l := range nl {
					c[l*incl+i*ldc+j*incc] = float32(rng.NormFloat64())
				}
			}
		}
		for _, sg := range segs {
			for j := range n {
				for t := range sg.N {
					b[j*ldb+sg.Off+t] = float32(rng.NormFloat64())
				}
			}
		}
		c0 := append([]float32(nil), c...)
		if !SgemmRuns(m, n, k, a, lda, b, ldb, segs, lists, c, ldc, incc, incl) {
			t.Fatal("SgemmRuns declined with gonum's default implementation")
		}
		inside := make([]bool, len(c))
		for l := range nl {
			for i := range m {
				for j := range n {
					e := l*incl + i*ldc + j*incc
					inside[e] = true
					want, mag := float64(c0[e]), math.Abs(float64(c0[e]))
					for _, sg := range segs[lists[l]:lists[l+1]] {
						for t := range sg.N {
							x := float64(a[i*lda+sg.Pos+t]) * float64(b[j*ldb+sg.Off+t])
							want += x
							mag += math.Abs(x)
						}
					}
					if tol := float64(k+2) * 0x1p-24 * mag; !(math.Abs(float64(c[e])-want) <= tol) {
						t.Errorf("%v: C_%d[%d][%d] = %g, want %g ± %g", sh, l, i, j, c[e], want, tol)
					}
				}
			}
		}
		for e, in := range inside {
			if !in && !math.IsNaN(float64(c[e])) {
				t.Fatalf("%v: c[%d] outside the matrices written", sh, e)
			}
		}
	}
}

func TestSgemmRunsRoutes(t *testing.T) {
	blas32.Use(&counting{})
	defer blas32.Use(gonum.Implementation{})
	c := []float32{1}
	if SgemmRuns(1, 1, 1, []float32{2}, 1, []float32{3}, 1, []Segment{{0, 1, 0}}, []int{0, 1}, c, 1, 1, 1) || c[0] != 1 {
		t.Error("SgemmRuns ran with another implementation installed")
	}
}

func TestSgemmRunsPanics(t *testing.T) {
	buf := make([]float32, 20)
	seg, one := []Segment{{0, 4, 0}}, []int{0, 1}
	for _, f := range []func(){
		func() { SgemmRuns(-1, 1, 1, buf, 1, buf, 1, seg, one, buf, 1, 1, 1) },
		func() { SgemmRuns(2, 2, 4, buf, 3, buf, 4, seg, one, buf, 2, 1, 1) },
		func() { SgemmRuns(2, 2, 4, buf[:5], 4, buf, 4, seg, one, buf, 2, 1, 1) },
		func() { SgemmRuns(2, 2, 4, buf, 4, buf, 4, seg, one, buf[:3], 2, 1, 1) },
		func() { SgemmRuns(2, 2, 4, buf, 4, buf, 4, seg, []int{0, 1, 1}, buf[:4], 2, 1, 1) },
		func() { SgemmRuns(2, 2, 4, buf, 4, buf, 4, []Segment{{1, 4, 0}}, one, buf, 2, 1, 1) },
		func() { SgemmRuns(2, 2, 4, buf, 4, buf[:7], 4, seg, one, buf, 2, 1, 1) },
		func() { SgemmRuns(2, 2, 4, buf, 4, buf, 4, []Segment{{0, 0, 0}}, one, buf, 2, 1, 1) },
		func() { SgemmRuns(2, 2, 4, buf, 4, buf, 4, seg, []int{0, 2}, buf, 2, 1, 1) },
		func() { SgemmRuns(2, 2, 4, buf, 4, buf, 4, append(seg, seg...), []int{1, 0}, buf, 2, 1, 1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("bad arguments did not panic")
				}
			}()
			f()
		}()
	}
}
