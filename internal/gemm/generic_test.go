package gemm

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// genericBlocks are the generic kernel in each of its register blocks, of
// which a build uses one (genericTile): every build tests them all, so that
// a block is checked on machines other than those that use it.
var genericBlocks = []*microKernel{
	{name: "generic2x3", mr: 4, nr: 12, ok: true, tile: kernelGeneric2x3},
	{name: "generic2x4", mr: 4, nr: 12, ok: true, tile: kernelGeneric2x4},
	{name: "generic4x4", mr: 4, nr: 12, ok: true, tile: kernelGeneric4x4},
}

// otherBlocks returns the generic blocks that this build's generic kernel
// does not use.
func otherBlocks() []*microKernel {
	own := reflect.ValueOf(generic.tile).Pointer()
	var ks []*microKernel
	for _, kn := range genericBlocks {
		if reflect.ValueOf(kn.tile).Pointer() != own {
			ks = append(ks, kn)
		}
	}
	return ks
}

// TestGenericBlocks checks that this build uses one of the generic blocks
// and that every block gives the bits of the generic kernel on tiles of
// every depth around the unrolling, with every number of wanted rows and
// for beta zero or not.
func TestGenericBlocks(t *testing.T) {
	if len(otherBlocks()) != len(genericBlocks)-1 {
		t.Fatalf("the generic kernel uses none of the generic blocks")
	}
	rng := rand.New(rand.NewPCG(17, 18))
	const mr, nr, ldc = 4, 12, 13
	for _, k := range []int{1, 2, 3, 4, 5, 7, 8, 9, 31, kcMax} {
		a := make([]float32, k*mr)
		b := make([]float32, k*nr)
		for i := range a {
			a[i] = 2*rng.Float32() - 1
		}
		for i := range b {
			b[i] = 2*rng.Float32() - 1
		}
		c0 := make([]float32, mr*ldc)
		for i := range c0 {
			c0[i] = 2*rng.Float32() - 1
		}
		for rows := 1; rows <= mr; rows++ {
			for _, beta := range []float32{0, 0.5} {
				want := append([]float32(nil), c0...)
				generic.tile(k, rows, nr, a, b, nr, want, ldc, 1.5, beta)
				for _, kn := range otherBlocks() {
					got := append([]float32(nil), c0...)
					kn.tile(k, rows, nr, a, b, nr, got, ldc, 1.5, beta)
					for i := range got {
						if i%ldc < nr && i/ldc >= rows {
							continue
						}
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Errorf("k=%d rows=%d beta=%g: %s gives %g at %d, generic %g", k, rows, beta, kn.name, got[i], i, want[i])
							break
						}
					}
				}
			}
		}
	}
}
