package aniso

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestUnpoolPairs checks the direct paths of UnpoolND with k = s = 2 along
// the last axis, which repeat and sum pairs with vectors, against the
// reference: every length up to 70 covers the vector blocks and their
// tails, and the pads shift the pairs by odd and even amounts.
func TestUnpoolPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 2))
	for n := 1; n <= 70; n++ {
		for pad := 0; pad < 4; pad++ {
			for _, cover := range []bool{false, true} {
				k, p := []int{1, 2}, []int{0, pad}
				if refUnpoolSize([]int{3, n}, k, k, p, cover, nil)[1] < 1 {
					continue
				}
				o := UnpoolOptions{Ksize: k, Pad: p, CoverAll: cover}
				xr := randRef(rng, 1, 2, 3, n)
				want := refUnpool(xr, k, k, p, cover, nil)
				gy := randRef(rng, want.Shape...)
				gx := refUnpoolGrad(xr.Shape, gy, k, k, p, cover, nil)
				plain, strided := layouts(rng, []operand{{"x", xr}, {"gy", gy}})
				for li, in := range [][]*Tensor{plain, strided} {
					what := fmt.Sprintf("n=%d %+v (layout %d)", n, o, li)
					y, err := UnpoolND(in[0], o)
					if err != nil {
						t.Fatalf("%s: %v", what, err)
					}
					expectClose(t, what+": y", y, want)
					dx, err := UnpoolNDBackward(in[0], in[1], o)
					if err != nil {
						t.Fatalf("%s: backward: %v", what, err)
					}
					expectClose(t, what+": gx", dx, gx)
				}
			}
		}
	}
}
