package gemm

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkDirectCalls measures Direct on the short calls that dominate
// its use, where the cost of each call beside its multiply-adds shows,
// with the best kernel of the machine. Run with -cpu 1.
//
// wino is the product of a unit of the Winograd path: 16 transform points
// of 32 channels in and out over 128 tiles, two calls of 64 columns each,
// the rows of B 128 floats apart. conv is the forward product of a 3×3
// convolution of 32 channels in and out over 1024 positions of 100×100
// images, one call per 64 columns.
func BenchmarkDirectCalls(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	rnd := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = 2*rng.Float32() - 1
		}
		return s
	}
	full := []uint64{1<<64 - 1}
	b.Run("wino", func(b *testing.B) {
		const m, cin, tiles, points = 32, 32, 128, 16
		a := rnd(points * m * cin)
		v := rnd(points * cin * tiles)
		c := make([]float32, points*m*tiles)
		bases := make([]int, 1)
		run := func() {
			for xi := 0; xi < points; xi++ {
				for j0 := 0; j0 < tiles; j0 += 64 {
					bases[0] = j0
					Direct(m, cin, 1, a[xi*m*cin:], cin, v[xi*cin*tiles:], tiles, bases, full, 64, 0, c[xi*m*tiles+j0:], tiles)
				}
			}
		}
		run()
		b.ReportAllocs()
		for b.Loop() {
			run()
		}
		b.ReportMetric(2*float64(points*m*cin*tiles)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
	b.Run("conv", func(b *testing.B) {
		const m, cin, taps, n, sc = 32, 32, 9, 1024, 10000
		offs := []int{0, 1, 2, 100, 101, 102, 200, 201, 202}
		masks := make([]uint64, taps)
		for i := range masks {
			masks[i] = 1<<64 - 1
		}
		bases := make([]int, taps)
		a := rnd(m * cin * taps)
		src := rnd(cin * sc)
		c := make([]float32, m*n)
		run := func() {
			for j := 0; j < n; j += 64 {
				for t, o := range offs {
					bases[t] = o + j
				}
				Direct(m, cin, taps, a, cin*taps, src, sc, bases, masks, 64, 0, c[j:], n)
			}
		}
		run()
		b.ReportAllocs()
		for b.Loop() {
			run()
		}
		b.ReportMetric(2*float64(m*n*cin*taps)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}
