//go:build !purego

package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// TestDotTileAgrees compares the vector kernel with the reference, bit for bit, for segments of every length up to a few
// vectors, anywhere in the rows, and special values.
func TestDotTileAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	buf := make([]float32, 8*200)
	for n := 1; n <= 100; n++ {
		for range 4 {
			for i := range buf {
				buf[i] = float32(rng.NormFloat64())
				if rng.IntN(50) == 0 {
					buf[i] = []float32{0, float32(math.Copysign(0, -1)), 1e30, -1e-30}[rng.IntN(4)]
				}
			}
			k := 100
			segs := append(randomSegments(rng, k, 100, 150), Segment{Pos: 0, N: n, Off: rng.IntN(150 - n + 1)})
			var a, b [4][]float32
			for r := range 4 {
				o := rng.IntN(len(buf) - k)
				a[r] = buf[o : o+k]
				o = rng.IntN(len(buf) - 150)
				b[r] = buf[o : o+150]
			}
			var got, want [16]float32
			if !dotsFast() {
				t.Skip("no vector kernel on this machine")
			}
			var ptrs [8]unsafe.Pointer
			for r := range 4 {
				ptrs[r], ptrs[4+r] = unsafe.Pointer(&a[r][0]), unsafe.Pointer(&b[r][0])
			}
			dotRuns4x4(&ptrs, &segs[0], len(segs), &got)
			dotTileGo(&a, &b, segs, &want)
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("segments %v: the kernel gives %g at %d, the reference %g", segs, got[i], i, want[i])
				}
			}
		}
	}
}

// TestRunsArchAgrees compares SgemmRuns' vector loops with the reference
// loops bit for bit, on products with whole and edge tiles and several
// lists of segments, one of them empty.
func TestRunsArchAgrees(t *testing.T) {
	if !dotsFast() {
		t.Skip("no vector kernel on this machine")
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for _, sh := range [][3]int{{4, 4, 16}, {5, 7, 33}, {16, 27, 100}, {3, 9, 2}, {8, 8, 70}, {6, 4, 40}, {32, 12, 90}, {10, 9, 17}, {7, 8, 50}, {16, 8, 60}, {21, 4, 33}, {9, 4, 20}} {
		m, n, k := sh[0], sh[1], sh[2]
		lda, ldb, nl := k+1, k+3, 3
		incc, ldc := nl, n*nl+2
		var segs []Segment
		lists := []int{0}
		for l := range nl {
			if l != 1 {
				segs = append(segs, randomSegments(rng, k, 40, ldb)...)
			}
			lists = append(lists, len(segs))
		}
		a, b := make([]float32, m*lda), make([]float32, n*ldb)
		for _, s := range [][]float32{a, b} {
			for i := range s {
				s[i] = float32(rng.NormFloat64())
			}
		}
		got := make([]float32, m*ldc)
		for i := range got {
			got[i] = float32(rng.NormFloat64())
		}
		want := append([]float32(nil), got...)
		if !runsArch(m, n, a, lda, b, ldb, segs, lists, got, ldc, incc, 1) {
			t.Fatal("runsArch declined on a machine with the vector kernel")
		}
		runsGo(m, n, k, a, lda, b, ldb, segs, lists, want, ldc, incc, 1)
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%v: c[%d] = %g, the reference %g", sh, i, got[i], want[i])
			}
		}
	}
}
