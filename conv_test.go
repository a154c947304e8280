package aniso

import (
	"math/rand/v2"
	"testing"
)

// TestConvRandom compares Conv and ConvBackward with the float64
// direct-loop reference on 320 seeded random geometries in 1-D to 4-D, for
// contiguous inputs and for strided inputs whose gaps hold NaN. The
// geometry generator and the comparison are shared with the other
// operators' random tests in random_test.go.
func TestConvRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 1))
	cov := coverage{}
	for n := 1; n <= 4; n++ {
		for range perRank {
			c := drawConv(rng, n)
			drawConvCoverage(c, cov)
			x, w := randRef(rng, c.x...), randRef(rng, c.w...)
			var b []float64
			if rng.IntN(2) == 0 {
				b = randRef(rng, c.w[0]).Data
			}
			want := refConv(x, w, b, c.g)
			gy := randRef(rng, want.Shape...)
			gx, gw, gb := refConvGrads(x, w, gy, c.g)
			checkWeighted(t, rng, c.String(), x, w, b, gy, want, gx, gw, gb,
				func(x, w, b *Tensor) (*Tensor, error) { return Conv(x, w, b, c.options()) },
				func(x, w, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) { return ConvBackward(x, w, gy, c.options()) })
		}
	}
	cov.require(t, convFeatures...)
}
