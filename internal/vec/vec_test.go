package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// lengths are the run lengths the tests try: every length up to 100,
// which covers every tail of every vector width, and a few long ones.
var lengths = func() []int {
	var ns []int
	for n := 0; n <= 100; n++ {
		ns = append(ns, n)
	}
	return append(ns, 255, 256, 1000, 4099)
}()

// guard is the number of sentinels before and after the elements a test
// hands to an operation.
const guard = 40

// sentinel marks the elements that no operation may write.
var sentinel = float32(math.NaN())

// buffer returns a buffer of guard sentinels, off more sentinels, m
// elements and guard sentinels, and its m elements, which hold random
// values at the indices i·inc and sentinels in between.
func buffer(rng *rand.Rand, off, m, inc int) (buf, s []float32) {
	buf = make([]float32, 2*guard+off+m)
	for i := range buf {
		buf[i] = sentinel
	}
	s = buf[guard+off : guard+off+m]
	for i := 0; i < m; i += max(inc, 1) {
		s[i] = 2*rng.Float32() - 1
	}
	return buf, s
}

// withLevel runs f at every level this machine runs.
func withLevel(t *testing.T, f func(t *testing.T)) {
	saved := use
	defer func() { use = saved }()
	for _, l := range levels {
		use = l
		t.Run(l.String(), f)
	}
}

// span is the number of elements a run of n elements inc apart spans.
func span(n, inc int) int {
	if n == 0 {
		return 0
	}
	return (n-1)*inc + 1
}

// same reports the first index where a and b differ in bits, or −1.
func same(a, b []float32) int {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i
		}
	}
	return -1
}

// cases calls f for every length, an aligned and an unaligned offset, and
// the strides 0 (a broadcast axis), 1, 2, 3 and 7.
func cases(t *testing.T, f func(t *testing.T, n, off, inc int)) {
	for _, inc := range []int{0, 1, 2, 3, 7} {
		for _, n := range lengths {
			for _, off := range []int{0, 3} {
				f(t, n, off, inc)
			}
		}
	}
}

// The tests below compare each operation at the current level with the
// generic version on the same data: the strided operand holds sentinels in
// its gaps and around it, which must come out unchanged.

// stridedDst runs op and its generic version ref on the same data for
// every case of cases: a destination run of n elements inc apart, with
// sentinels in its gaps and around it, a contiguous source of n elements
// srcOff past its guard, and a random scalar a. Every element of the
// buffer around dst must come out with the bits ref gives it.
func stridedDst(t *testing.T, srcOff int, ref, op func(dst []float32, inc int, src []float32, a float32)) {
	cases(t, func(t *testing.T, n, off, inc int) {
		rng := rand.New(rand.NewPCG(uint64(n), uint64(inc)))
		buf, dst := buffer(rng, off, span(n, inc), inc)
		want := append([]float32(nil), buf...)
		_, src := buffer(rng, srcOff, n, 1)
		a := 2*rng.Float32() - 1
		ref(want[guard+off:], inc, src, a)
		op(dst, inc, src, a)
		if i := same(buf, want); i >= 0 {
			t.Fatalf("n=%d off=%d inc=%d: element %d is %v, want %v", n, off, inc, i-guard-off, buf[i], want[i])
		}
	})
}

// stridedSrc runs op and its generic version ref on the same data for
// every case of cases: a source run of n elements inc apart, with
// sentinels in its gaps and around it, a contiguous destination of n
// elements between sentinels, and a random scalar a. Every element of the
// buffer around dst must come out with the bits ref gives it, and none of
// dst may hold a sentinel read from a gap.
func stridedSrc(t *testing.T, ref, op func(dst []float32, a float32, src []float32, inc int)) {
	cases(t, func(t *testing.T, n, off, inc int) {
		rng := rand.New(rand.NewPCG(uint64(n), uint64(inc)))
		_, src := buffer(rng, off, span(n, inc), inc)
		buf, dst := buffer(rng, 3-off, n, 1)
		want := append([]float32(nil), buf...)
		a := 2*rng.Float32() - 1
		ref(want[guard+3-off:guard+3-off+n], a, src, inc)
		op(dst, a, src, inc)
		if i := same(buf, want); i >= 0 {
			t.Fatalf("n=%d off=%d inc=%d: element %d is %v, want %v", n, off, inc, i-guard-3+off, buf[i], want[i])
		}
		for i, x := range dst {
			if x != x {
				t.Fatalf("n=%d off=%d inc=%d: element %d read a gap", n, off, inc, i)
			}
		}
	})
}

func TestAddInc(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		stridedDst(t, 1, func(dst []float32, inc int, src []float32, _ float32) {
			addIncGeneric(dst, inc, src)
		}, func(dst []float32, inc int, src []float32, _ float32) {
			if inc == 1 {
				Add(dst, src)
			} else {
				AddInc(dst, inc, src)
			}
		})
	})
}

func TestAddIncOne(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		for _, n := range lengths {
			rng := rand.New(rand.NewPCG(uint64(n), 9))
			buf, dst := buffer(rng, 1, n, 1)
			want := append([]float32(nil), buf...)
			_, src := buffer(rng, 2, n, 1)
			addGeneric(want[guard+1:], src)
			AddInc(dst, 1, src)
			if i := same(buf, want); i >= 0 {
				t.Fatalf("n=%d: element %d is %v, want %v", n, i-guard-1, buf[i], want[i])
			}
		}
	})
}

func TestGather(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		stridedSrc(t, func(dst []float32, _ float32, src []float32, inc int) {
			gatherGeneric(dst, src, inc)
		}, func(dst []float32, _ float32, src []float32, inc int) {
			Gather(dst, src, inc)
		})
	})
}

func TestScatterBias(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		stridedDst(t, 2, scatterBiasGeneric, ScatterBias)
	})
}

// TestGenericFormulas checks the generic versions, which the others are
// compared with, against the formulas on a small case: where the generic
// versions are the only ones (purego), the comparisons could not find an
// error in them.
func TestGenericFormulas(t *testing.T) {
	src := []float32{1, 2, 3}
	dst := []float32{10, 20, 30, 40, 50}
	addIncGeneric(dst, 2, src)
	if got := fmt.Sprint(dst); got != "[11 20 32 40 53]" {
		t.Errorf("addIncGeneric: %s", got)
	}
	scatterBiasGeneric(dst, 2, src, 0.5)
	if got := fmt.Sprint(dst); got != "[1.5 20 2.5 40 3.5]" {
		t.Errorf("scatterBiasGeneric: %s", got)
	}
	g := make([]float32, 3)
	gatherGeneric(g, dst, 2)
	if got := fmt.Sprint(g); got != "[1.5 2.5 3.5]" {
		t.Errorf("gatherGeneric: %s", got)
	}
	addGeneric(g, src)
	if got := fmt.Sprint(g); got != "[2.5 4.5 6.5]" {
		t.Errorf("addGeneric: %s", got)
	}
	a := []float32{1, 2, 3}
	axpyGeneric(a, 2, []float32{1, 0, 2, 0, 3}, 2)
	if got := fmt.Sprint(a); got != "[3 6 9]" {
		t.Errorf("axpyGeneric: %s", got)
	}
	a = []float32{1, 2, 3, 4, 5}
	axpyIncGeneric(a, 2, 2, src)
	if got := fmt.Sprint(a); got != "[3 2 7 4 11]" {
		t.Errorf("axpyIncGeneric: %s", got)
	}
	w := []float64{1, 2, 3, 4, 5}
	addWideRowsGeneric(w, 3, []float32{10, 20, 99, 30, 40}, 3, 2, 2)
	if got := fmt.Sprint(w); got != "[11 22 3 34 45]" {
		t.Errorf("addWideRowsGeneric: %s", got)
	}
}

func TestAxpy(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		stridedSrc(t, axpyGeneric, Axpy)
	})
}

func TestAxpyInc(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		stridedDst(t, 2, func(dst []float32, inc int, src []float32, a float32) {
			axpyIncGeneric(dst, inc, a, src)
		}, func(dst []float32, inc int, src []float32, a float32) {
			AxpyInc(dst, inc, a, src)
		})
	})
}

// TestAxpyRounding checks that every version rounds the product before
// the sum: x·x rounds to 1 + 2⁻¹¹, which y cancels, where a fused
// multiply-add would leave 2⁻²⁴.
func TestAxpyRounding(t *testing.T) {
	x := float32(1 + 1.0/(1<<12))
	y := float32(-1 - 1.0/(1<<11))
	withLevel(t, func(t *testing.T) {
		for _, n := range []int{1, 8, 16, 17, 64, 100} {
			for _, inc := range []int{1, 2} {
				src := make([]float32, n*inc)
				dst := make([]float32, n*inc)
				for i := range src {
					src[i], dst[i] = x, y
				}
				Axpy(dst[:n], x, src, inc)
				for i, v := range dst[:n] {
					if v != 0 {
						t.Fatalf("Axpy n=%d inc=%d: element %d is %g, want 0", n, inc, i, v)
					}
				}
				for i := range dst {
					dst[i] = y
				}
				AxpyInc(dst, inc, x, src[:n])
				for i := 0; i < n; i++ {
					if v := dst[i*inc]; v != 0 {
						t.Fatalf("AxpyInc n=%d inc=%d: element %d is %g, want 0", n, inc, i, v)
					}
				}
			}
		}
	})
}

func TestRepeat2(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		for _, n := range lengths {
			for _, off := range []int{0, 3} {
				rng := rand.New(rand.NewPCG(uint64(n), 11))
				_, src := buffer(rng, off, (n+1)/2, 1)
				buf, dst := buffer(rng, 3-off, n, 1)
				want := append([]float32(nil), buf...)
				repeat2Generic(want[guard+3-off:guard+3-off+n], src)
				Repeat2(dst, src)
				if i := same(buf, want); i >= 0 {
					t.Fatalf("n=%d off=%d: element %d is %v, want %v", n, off, i-guard-3+off, buf[i], want[i])
				}
				for i, x := range dst {
					if x != x {
						t.Fatalf("n=%d off=%d: element %d read past src", n, off, i)
					}
				}
			}
		}
	})
}

func TestAddPairs(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		for _, n := range lengths {
			for _, off := range []int{0, 3} {
				rng := rand.New(rand.NewPCG(uint64(n), 12))
				_, src := buffer(rng, off, 2*n, 1)
				buf, dst := buffer(rng, 3-off, n, 1)
				want := append([]float32(nil), buf...)
				addPairsGeneric(want[guard+3-off:guard+3-off+n], src)
				AddPairs(dst, src)
				if i := same(buf, want); i >= 0 {
					t.Fatalf("n=%d off=%d: element %d is %v, want %v", n, off, i-guard-3+off, buf[i], want[i])
				}
			}
		}
	})
}

// TestPairFormulas checks the generic versions of Repeat2 and AddPairs,
// including the order of AddPairs' additions: 1 + 2²⁴ rounds to 2²⁴
// before −2²⁴ is added.
func TestPairFormulas(t *testing.T) {
	d := make([]float32, 5)
	repeat2Generic(d, []float32{1, 2, 3})
	if got := fmt.Sprint(d); got != "[1 1 2 2 3]" {
		t.Errorf("repeat2Generic: %s", got)
	}
	d = []float32{1, 10}
	addPairsGeneric(d, []float32{1 << 24, -(1 << 24), 2, 3})
	if got := fmt.Sprint(d); got != "[0 15]" {
		t.Errorf("addPairsGeneric: %s", got)
	}
}

// sumFormula is Sum written from its definition: partial sum j adds the
// elements j, j + 32, … in order, and the partial sums are added pairwise,
// the upper half onto the lower one.
func sumFormula(x []float32) float64 {
	part := make([]float64, 32)
	for i, v := range x {
		part[i%32] += float64(v)
	}
	for w := 16; w > 0; w /= 2 {
		for j := 0; j < w; j++ {
			part[j] += part[j+w]
		}
	}
	return part[0]
}

// sum returns the sum of x as Partials computes it.
func sum(x []float32) float64 {
	var p Partials
	p.Add(0, x)
	return p.Sum()
}

// TestSum compares the sum of Partials at every level, bit for bit, with
// its formula on every length and alignment; the sentinels around the
// elements would turn a read outside them into NaN.
func TestSum(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		for _, n := range append(lengths, 32*1024+5) {
			for off := 0; off < 4; off++ {
				rng := rand.New(rand.NewPCG(uint64(n), uint64(off)))
				_, x := buffer(rng, off, n, 1)
				got, want := sum(x), sumFormula(x)
				if math.Float64bits(got) != math.Float64bits(want) {
					t.Fatalf("n=%d off=%d: sum is %v, want %v", n, off, got, want)
				}
			}
		}
	})
}

// TestSumPrecision checks that Partials adds in float64: 2²⁴ + 1 + … + 1 − 2²⁴
// is lost in float32, and the large values keep the small ones from
// cancelling in any order of partial sums.
func TestSumPrecision(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		for _, n := range []int{3, 33, 64, 100, 1000} {
			x := make([]float32, n)
			for i := range x {
				x[i] = 1
			}
			x[0], x[n-1] = 1<<24, -(1 << 24)
			if got := sum(x); got != float64(n-2) {
				t.Errorf("n=%d: sum is %v, want %d", n, got, n-2)
			}
		}
	})
}

// TestPartials hands a sequence to Partials.Add in random pieces, each
// from a buffer of its own between sentinels, and checks that the sum has
// the bits of the formula for the whole sequence at every level.
func TestPartials(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		for trial := 0; trial < 200; trial++ {
			rng := rand.New(rand.NewPCG(uint64(trial), 21))
			var seq []float32
			var p Partials
			lane := 32 * rng.IntN(3)
			for pieces := rng.IntN(6); pieces >= 0; pieces-- {
				n := lengths[rng.IntN(len(lengths))]
				_, x := buffer(rng, rng.IntN(4), n, 1)
				p.Add(lane+len(seq), x)
				seq = append(seq, x...)
			}
			if got, want := p.Sum(), sumFormula(seq); math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("trial %d, %d elements: sum is %v, want %v", trial, len(seq), got, want)
			}
		}
	})
}

// TestAddWideRows compares AddWideRows at every level with the generic
// version on rows with gaps between them on both sides; the gaps and the
// sentinels around hold NaN, which a wrong read would carry into dst and
// a wrong write would overwrite.
func TestAddWideRows(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		for _, rows := range []int{1, 2, 3, 33} {
			for cols := 1; cols <= 40; cols++ {
				for _, gap := range []int{0, 3} {
					rng := rand.New(rand.NewPCG(uint64(rows), uint64(cols*4+gap)))
					lds, ldd := cols+gap, cols+2*gap
					_, src := buffer(rng, gap, (rows-1)*lds+cols, 1)
					for i := 0; i < rows-1; i++ {
						for j := cols; j < lds; j++ {
							src[i*lds+j] = sentinel
						}
					}
					buf := make([]float64, 2*guard+(rows-1)*ldd+cols)
					for i := range buf {
						buf[i] = math.NaN()
					}
					dst := buf[guard : len(buf)-guard]
					for i := 0; i < rows; i++ {
						for j := 0; j < cols; j++ {
							dst[i*ldd+j] = rng.NormFloat64()
						}
					}
					want := append([]float64(nil), buf...)
					addWideRowsGeneric(want[guard:len(buf)-guard], ldd, src, lds, rows, cols)
					AddWideRows(dst, ldd, src, lds, rows, cols)
					for i := range buf {
						if math.Float64bits(buf[i]) != math.Float64bits(want[i]) {
							t.Fatalf("rows=%d cols=%d gap=%d: element %d is %v, want %v", rows, cols, gap, i-guard, buf[i], want[i])
						}
					}
					for i := 0; i < rows; i++ {
						for j := 0; j < cols; j++ {
							if v := dst[i*ldd+j]; v != v {
								t.Fatalf("rows=%d cols=%d gap=%d: element (%d, %d) read a gap", rows, cols, gap, i, j)
							}
						}
					}
				}
			}
		}
	})
}

func BenchmarkSum(b *testing.B) {
	saved := use
	defer func() { use = saved }()
	x := make([]float32, 10000)
	for i := range x {
		x[i] = float32(i % 7)
	}
	for _, l := range levels {
		use = l
		b.Run("level="+l.String(), func(b *testing.B) {
			b.SetBytes(int64(4 * len(x)))
			for b.Loop() {
				sum(x)
			}
		})
	}
}

// TestAddRuns compares AddRuns with its formula on random runs of every
// length, some overlapping in dst, with sentinels around the elements the
// runs name.
func TestAddRuns(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(21, 22))
		for range 200 {
			var runs []Run
			pos := 0
			for range rng.IntN(8) {
				n := lengths[rng.IntN(len(lengths)-2)]
				pos += rng.IntN(3)
				runs = append(runs, Run{Pos: pos, N: n, Off: rng.IntN(400 - n + 1)})
				pos += n
			}
			buf, dst := buffer(rng, 1, 400, 1)
			for _, r := range runs {
				for i := range r.N {
					dst[r.Off+i] = 2*rng.Float32() - 1
				}
			}
			want := append([]float32(nil), buf...)
			_, src := buffer(rng, 0, pos, 1)
			// The formula, not addRunsGeneric: where addRuns is the generic
			// version (purego), the test would compare it with itself.
			for _, r := range runs {
				for i := range r.N {
					want[guard+1+r.Off+i] += src[r.Pos+i]
				}
			}
			AddRuns(dst, src, runs)
			if i := same(buf, want); i >= 0 {
				t.Fatalf("runs %v: element %d is %v, want %v", runs, i-guard-1, buf[i], want[i])
			}
		}
		for _, bad := range []Run{{-1, 1, 0}, {0, 1, -1}, {0, 401, 0}, {0, 2, 399}} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("run %v outside the operands did not panic", bad)
					}
				}()
				AddRuns(make([]float32, 400), make([]float32, 400), []Run{bad})
			}()
		}
	})
}
