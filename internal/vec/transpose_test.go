package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// gapBits marks the gaps of a source matrix: a NaN whose payload no
// element of the tests' matrices carries, so a copy of it in dst shows
// that a gap was read.
const gapBits = 0x7fc0dead

// transposeSizes returns, for the test of a rows×cols matrix, leading
// dimensions lds ≥ cols and ldd ≥ rows: odd ones, and when the seed says
// so the tight ones, which leave no gaps.
func transposeSizes(rng *rand.Rand, rows, cols int) (lds, ldd int) {
	if rng.IntN(4) == 0 {
		return cols, rows
	}
	return cols + 1 + 2*rng.IntN(4), rows + 1 + 2*rng.IntN(4)
}

// transposeOperands returns a source of rows×cols elements lds apart whose
// gaps hold gapBits, with NaNs of various payloads among its elements, and
// a destination buffer of guard sentinels, the cols rows ldd apart filled
// with sentinels, and guard sentinels, and the destination itself.
func transposeOperands(rng *rand.Rand, rows, cols, lds, ldd int) (src, buf, dst []float32) {
	src = make([]float32, max((rows-1)*lds+cols, 0))
	for i := range src {
		src[i] = math.Float32frombits(gapBits)
	}
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			x := 2*rng.Float32() - 1
			if rng.IntN(16) == 0 {
				// A quiet or a signalling NaN: the bits must move as they are.
				x = math.Float32frombits(0x7f800001 + rng.Uint32N(0x7fffff) | rng.Uint32N(2)<<31)
			}
			src[i*lds+j] = x
		}
	}
	m := max((cols-1)*ldd+rows, 0)
	buf = make([]float32, 2*guard+m)
	for i := range buf {
		buf[i] = sentinel
	}
	return src, buf, buf[guard : guard+m]
}

// checkTranspose runs Transpose on a rows×cols matrix and compares the
// whole destination buffer, guards and gaps included, bit for bit with
// what the generic version writes into a copy of it; it also checks the
// generic version's result against the formula and that no gap of the
// source was read.
func checkTranspose(t *testing.T, rng *rand.Rand, rows, cols, lds, ldd int) {
	t.Helper()
	src, buf, dst := transposeOperands(rng, rows, cols, lds, ldd)
	want := append([]float32(nil), buf...)
	if rows > 0 && cols > 0 {
		transposeGeneric(want[guard:guard+len(dst)], ldd, src, lds, rows, cols)
	}
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			if g, w := math.Float32bits(want[guard+j*ldd+i]), math.Float32bits(src[i*lds+j]); g != w {
				t.Fatalf("%d×%d lds=%d ldd=%d: the generic version puts %#x at (%d, %d), want %#x", rows, cols, lds, ldd, g, j, i, w)
			}
		}
	}
	Transpose(dst, ldd, src, lds, rows, cols)
	if i := same(buf, want); i >= 0 {
		t.Fatalf("%d×%d lds=%d ldd=%d: element %d of dst is %#x, want %#x", rows, cols, lds, ldd, i-guard,
			math.Float32bits(buf[i]), math.Float32bits(want[i]))
	}
	for i, x := range buf {
		if math.Float32bits(x) == gapBits {
			t.Fatalf("%d×%d lds=%d ldd=%d: element %d of dst read a gap", rows, cols, lds, ldd, i-guard)
		}
	}
}

// TestTranspose compares Transpose at every level with the generic
// version for every shape up to 70×70, which covers every edge of a block
// of 16 in both directions and up to four blocks, and a few larger ones.
func TestTranspose(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		for rows := 0; rows <= 70; rows++ {
			for cols := 0; cols <= 70; cols++ {
				lds, ldd := transposeSizes(rng, rows, cols)
				checkTranspose(t, rng, rows, cols, lds, ldd)
			}
		}
		for _, s := range [][2]int{{32, 128}, {64, 256}, {255, 17}, {3, 300}, {300, 300}, {129, 97}} {
			lds, ldd := transposeSizes(rng, s[0], s[1])
			checkTranspose(t, rng, s[0], s[1], lds, ldd)
		}
	})
}

// TestTransposeBadSizes checks that Transpose rejects negative sizes,
// leading dimensions too small for the rows, and short slices.
func TestTransposeBadSizes(t *testing.T) {
	for _, c := range []struct {
		name                       string
		nd, ldd, ns, lds, rows, cs int
	}{
		{"negative rows", 100, 10, 100, 10, -1, 5},
		{"negative cols", 100, 10, 100, 10, 5, -1},
		{"lds < cols", 100, 10, 100, 4, 5, 5},
		{"ldd < rows", 100, 4, 100, 10, 5, 5},
		{"short src", 100, 10, 44, 10, 5, 5},
		{"short dst", 44, 10, 100, 10, 5, 5},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Transpose did not panic", c.name)
				}
			}()
			Transpose(make([]float32, c.nd), c.ldd, make([]float32, c.ns), c.lds, c.rows, c.cs)
		}()
	}
	// The shortest operands are accepted.
	Transpose(make([]float32, 45), 10, make([]float32, 45), 10, 5, 5)
}

// BenchmarkTranspose transposes blocks of the Winograd weight gradient's
// shapes at every level: bytes are those of the matrix, which is read
// once and written once.
func BenchmarkTranspose(b *testing.B) {
	saved := use
	defer func() { use = saved }()
	for _, s := range [][2]int{{32, 128}, {64, 256}} {
		rows, cols := s[0], s[1]
		src := make([]float32, rows*cols)
		dst := make([]float32, cols*rows)
		for i := range src {
			src[i] = float32(i)
		}
		for _, l := range levels {
			use = l
			b.Run(fmt.Sprintf("%dx%d/%v", rows, cols, l), func(b *testing.B) {
				b.SetBytes(int64(4 * rows * cols))
				for b.Loop() {
					Transpose(dst, rows, src, cols, rows, cols)
				}
				blocks := float64((rows + 15) / 16 * ((cols + 15) / 16))
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/blocks, "ns/block")
			})
		}
	}
}
