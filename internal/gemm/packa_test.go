package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestPackA compares packA with its definition for the micro-panel
// heights of every kernel, whole and partial panels, and depths on both
// sides of the vector transposes' blocks of eight, from a destination full
// of NaN, so an element left unwritten shows.
func TestPackA(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, mr := range []int{4, 6, 8, 16} {
		for trial := 0; trial < 200; trial++ {
			mb := 1 + rng.IntN(3*mr)
			kb := 1 + rng.IntN(40)
			ic, pc := rng.IntN(3), rng.IntN(5)
			lda := pc + kb + rng.IntN(4)
			a := randSlice(rng, (ic+mb)*lda)
			panels := (mb + mr - 1) / mr
			dst := make([]float32, panels*mr*kb)
			for i := range dst {
				dst[i] = float32(math.NaN())
			}
			packA(dst, mr, false, a, lda, ic, mb, pc, kb)
			for ir := 0; ir < mb; ir += mr {
				for p := 0; p < kb; p++ {
					for r := 0; r < mr; r++ {
						var want float32
						if ir+r < mb {
							want = a[(ic+ir+r)*lda+pc+p]
						}
						if got := dst[ir*kb+p*mr+r]; math.Float32bits(got) != math.Float32bits(want) {
							t.Fatalf("mr %d, %d×%d from (%d, %d): panel %d, column %d, row %d is %v, want %v", mr, mb, kb, ic, pc, ir/mr, p, r, got, want)
						}
					}
				}
			}
		}
	}
}
