package wino

import (
	"fmt"
	"testing"
)

// benchChannels is the number of channels each benchmark transforms per
// operation, each with its own rows, as a convolution of that many
// channels does for one band of tiles.
const benchChannels = 32

// benchTransform times the function setup returns for n tiles, which
// transforms the band of n tiles of channel c, at every level, and reports
// the time per tile and, through SetBytes, the bytes read and written per
// operation.
func benchTransform(b *testing.B, bytesPerTile int, setup func(n int) func(c int)) {
	saved := use
	defer func() { use = saved }()
	for _, n := range []int{7, 50, 256} {
		for _, l := range levels {
			b.Run(fmt.Sprintf("n=%d/level=%v", n, l), func(b *testing.B) {
				use = l
				f := setup(n)
				b.SetBytes(int64(benchChannels * n * bytesPerTile))
				b.ReportAllocs()
				for b.Loop() {
					for c := range benchChannels {
						f(c)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchChannels*n), "ns/tile")
			})
		}
	}
}

// benchData returns benchChannels slices of m elements each.
func benchData(m int) [][]float32 {
	s := make([][]float32, benchChannels)
	for c := range s {
		s[c] = make([]float32, m)
		for i := range s[c] {
			s[c][i] = float32(i%17) - 8
		}
	}
	return s
}

// BenchmarkInput reads 4×2 new elements of the rows per tile (the two
// columns it shares with the next tile counted once) and writes 16.
func BenchmarkInput(b *testing.B) {
	benchTransform(b, 4*(8+16), func(n int) func(c int) {
		src, dst := benchData(4*(2*n+2)), benchData(16*n)
		return func(c int) { Input(dst[c], n, src[c], 2*n+2, n) }
	})
}

// BenchmarkOutput reads 16 elements per tile and writes 4.
func BenchmarkOutput(b *testing.B) {
	benchTransform(b, 4*(16+4), func(n int) func(c int) {
		src, dst := benchData(16*n), benchData(4*n)
		return func(c int) { Output(dst[c], 2*n, src[c], n, n, 0.5) }
	})
}

// BenchmarkGrad reads 4 elements per tile and writes 16.
func BenchmarkGrad(b *testing.B) {
	benchTransform(b, 4*(4+16), func(n int) func(c int) {
		src, dst := benchData(4*n), benchData(16*n)
		return func(c int) { Grad(dst[c], n, src[c], 2*n, n) }
	})
}
