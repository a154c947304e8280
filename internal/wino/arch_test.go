package wino

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// withLevel runs f at every level this build runs on this machine.
func withLevel(t *testing.T, f func(t *testing.T)) {
	saved := use
	defer func() { use = saved }()
	for _, l := range levels {
		use = l
		t.Run(l.String(), f)
	}
}

// sizes are the numbers of tiles the comparisons run: every count up to
// beyond four blocks of 16, and a few larger ones about whole blocks.
func sizes() []int {
	var ns []int
	for n := 0; n <= 70; n++ {
		ns = append(ns, n)
	}
	return append(ns, 127, 128, 129, 255, 256, 257)
}

// value returns a random float32 among which signed zeros, subnormals,
// exact cancellations and NaNs are common. When wild is false its NaNs
// all have one bit pattern and its magnitudes stay below 2¹²⁰, so that no
// sum of the transforms overflows and every NaN of a result is that one.
// When wild is true it also returns infinities and NaNs of any sign and
// payload, signalling ones included.
func value(rng *rand.Rand, wild bool) float32 {
	sign := rng.Uint32N(2) << 31
	switch rng.IntN(16) {
	case 0:
		return math.Float32frombits(sign)
	case 1:
		return math.Float32frombits(sign | rng.Uint32N(1<<23))
	case 2:
		return math.Float32frombits(sign | (1<<23 + rng.Uint32N(1<<23)))
	case 3:
		if wild {
			return math.Float32frombits(sign | 0x7f800000 | (1 + rng.Uint32N(1<<23-1)))
		}
		return math.Float32frombits(0x7fc00000)
	case 4:
		if wild {
			return math.Float32frombits(sign | 0x7f800000)
		}
		return math.Float32frombits(sign | (247<<23 + rng.Uint32N(1<<23)))
	case 5, 6:
		return []float32{1, -1, 0.5, -0.5, 3}[rng.IntN(5)]
	default:
		return float32(math.Ldexp(2*rng.Float64()-1, rng.IntN(60)-30))
	}
}

// same reports whether a and b have the same bits or, unless strict, are
// both NaN. Which of two NaN operands an addition passes on depends on
// their order, and the Go compiler may swap the operands of a
// commutative addition: only a result with no two distinct NaNs among its
// operands is sure to have one NaN pattern.
func same(a, b float32, strict bool) bool {
	return math.Float32bits(a) == math.Float32bits(b) || !strict && a != a && b != b
}

// A layout is a matrix of rows rows ld apart, of which columns 0 to cols−1
// are read or written.
type layout struct{ rows, ld, cols int }

// span is the number of elements from the layout's first to its last.
func (l layout) span() int { return (l.rows-1)*l.ld + l.cols }

// sentinel fills what lies around and between the rows of a destination:
// a NaN whose pattern no transform makes from the inputs of value.
const sentinel = 0x7fa5a5a5

// gap fills the elements between the rows of a source, which no
// transform may read: a NaN that would show in any result made from it.
const gap = 0x7f9c3c3c

// compare runs run and ref, the version under test and the definition, on
// a source of layout sl whose slice ends at its last element, with gap
// after the columns of each row, and a destination of layout dl within
// guards of sentinel, and reports any element of the destination they set
// differently, any element outside dl's columns that run writes and any
// change to the source.
func compare(t *testing.T, name string, rng *rand.Rand, wild bool, sl, dl layout, run, ref func(dst, src []float32)) {
	t.Helper()
	src := make([]float32, sl.span())
	for i := range src {
		src[i] = value(rng, wild)
		if i%sl.ld >= sl.cols {
			src[i] = math.Float32frombits(gap)
		}
	}
	orig := append([]float32(nil), src...)
	const guard = 37
	got := make([]float32, guard+dl.span()+guard)
	want := make([]float32, len(got))
	for i := range got {
		got[i] = math.Float32frombits(sentinel)
		want[i] = math.Float32frombits(sentinel)
	}
	run(got[guard:guard+dl.span()], src)
	ref(want[guard:guard+dl.span()], orig)
	for i := range src {
		if !same(src[i], orig[i], true) {
			t.Fatalf("%s: src[%d] changed from %#x to %#x", name, i, math.Float32bits(orig[i]), math.Float32bits(src[i]))
		}
	}
	for i := range got {
		j := i - guard
		inside := j >= 0 && j < dl.span() && j%dl.ld < dl.cols
		if !same(got[i], want[i], !wild || !inside) {
			t.Fatalf("%s: dst[%d] (row %d, column %d) = %#x, want %#x", name, j, j/dl.ld, j%dl.ld, math.Float32bits(got[i]), math.Float32bits(want[i]))
		}
	}
}

// strides returns a tight and an odd, wider distance between rows of at
// least cols elements, never 0.
func strides(cols int) []int {
	return []int{max(cols, 1), cols | 1 + 2}
}

func TestInputLevels(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for _, n := range sizes() {
			for _, ld := range strides(n) {
				for _, lds := range strides(2*n + 2) {
					for _, wild := range []bool{false, true} {
						name := fmt.Sprintf("n=%d ld=%d lds=%d wild=%t", n, ld, lds, wild)
						compare(t, name, rng, wild, layout{4, lds, 2*n + 2}, layout{16, ld, n},
							func(dst, src []float32) { Input(dst, ld, src, lds, n) },
							func(dst, src []float32) { inputGo(dst, ld, src, lds, n) })
					}
				}
			}
		}
	})
}

func TestOutputLevels(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		for _, n := range sizes() {
			for _, ld := range strides(n) {
				for _, ldd := range strides(2 * n) {
					for _, wild := range []bool{false, true} {
						bias := value(rng, wild)
						name := fmt.Sprintf("n=%d ld=%d ldd=%d wild=%t bias=%v", n, ld, ldd, wild, bias)
						compare(t, name, rng, wild, layout{16, ld, n}, layout{2, ldd, 2 * n},
							func(dst, src []float32) { Output(dst, ldd, src, ld, n, bias) },
							func(dst, src []float32) { outputGo(dst, ldd, src, ld, n, bias) })
					}
				}
			}
		}
	})
}

func TestGradLevels(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 8))
		for _, n := range sizes() {
			for _, ld := range strides(n) {
				for _, lds := range strides(2 * n) {
					for _, wild := range []bool{false, true} {
						name := fmt.Sprintf("n=%d ld=%d lds=%d wild=%t", n, ld, lds, wild)
						compare(t, name, rng, wild, layout{2, lds, 2 * n}, layout{16, ld, n},
							func(dst, src []float32) { Grad(dst, ld, src, lds, n) },
							func(dst, src []float32) { gradGo(dst, ld, src, lds, n) })
					}
				}
			}
		}
	})
}

// edgeCase is a random plane of h rows of w samples and a row of n tiles
// over it, as the Edge functions take them.
type edgeCase struct{ h, w, r0, c0, rows int }

func randomEdge(rng *rand.Rand) edgeCase {
	h := 1 + rng.IntN(7)
	return edgeCase{h: h, w: 1 + rng.IntN(80), r0: rng.IntN(h+6) - 4, c0: rng.IntN(9) - 4, rows: 1 + rng.IntN(2)}
}

func TestInputEdgeLevels(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(11, 12))
		for _, n := range sizes() {
			for range 4 {
				e := randomEdge(rng)
				for _, ld := range strides(n) {
					for _, lds := range strides(e.w) {
						wild := rng.IntN(2) == 0
						next := []int{0, e.h * lds, -e.h * lds, 1 << 40}[rng.IntN(4)]
						name := fmt.Sprintf("n=%d %+v ld=%d lds=%d next=%d wild=%t", n, e, ld, lds, next, wild)
						compare(t, name, rng, wild, layout{e.h, lds, e.w}, layout{16, ld, n},
							func(dst, src []float32) { InputEdge(dst, ld, src, lds, e.h, e.w, e.r0, e.c0, n, next) },
							func(dst, src []float32) { inputEdgeGo(dst, ld, src, lds, e.h, e.w, e.r0, e.c0, 0, n) })
					}
				}
			}
		}
	})
}

func TestOutputEdgeLevels(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(13, 14))
		for _, n := range sizes()[1:] {
			for range 4 {
				e := randomEdge(rng)
				cols := min(e.w, 2*n)
				for _, ld := range strides(n) {
					for _, ldd := range strides(cols) {
						wild := rng.IntN(2) == 0
						bias := value(rng, wild)
						next := []int{0, 2 * ldd, -2 * ldd, 1 << 40}[rng.IntN(4)]
						name := fmt.Sprintf("n=%d rows=%d w=%d ld=%d ldd=%d next=%d wild=%t bias=%v", n, e.rows, e.w, ld, ldd, next, wild, bias)
						compare(t, name, rng, wild, layout{16, ld, n}, layout{e.rows, ldd, cols},
							func(dst, src []float32) { OutputEdge(dst, ldd, e.rows, e.w, src, ld, n, bias, next) },
							func(dst, src []float32) { outputEdgeGo(dst, ldd, e.rows, e.w, src, ld, 0, n, bias) })
					}
				}
			}
		}
	})
}

func TestGradEdgeLevels(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(15, 16))
		for _, n := range sizes()[1:] {
			for range 4 {
				e := randomEdge(rng)
				cols := min(e.w, 2*n)
				for _, ld := range strides(n) {
					for _, lds := range strides(cols) {
						wild := rng.IntN(2) == 0
						next := []int{0, 2 * lds, -2 * lds, 1 << 40}[rng.IntN(4)]
						name := fmt.Sprintf("n=%d rows=%d w=%d ld=%d lds=%d next=%d wild=%t", n, e.rows, e.w, ld, lds, next, wild)
						compare(t, name, rng, wild, layout{e.rows, lds, cols}, layout{16, ld, n},
							func(dst, src []float32) { GradEdge(dst, ld, src, lds, e.rows, e.w, n, next) },
							func(dst, src []float32) { gradEdgeGo(dst, ld, src, lds, e.rows, e.w, 0, n) })
					}
				}
			}
		}
	})
}
