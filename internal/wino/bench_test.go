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

// BenchmarkInputEdge runs rows of tiles whose windows cross all four
// edges of a plane of 3 rows: the first reads column −1, the last column
// w, all row −1.
func BenchmarkInputEdge(b *testing.B) {
	benchTransform(b, 4*(8+16), func(n int) func(c int) {
		w := 2 * n
		src, dst := benchData(3*w), benchData(16*n)
		return func(c int) { InputEdge(dst[c], n, src[c], w, 3, w, -1, -1, n, 0) }
	})
}

// BenchmarkOutputEdge writes rows of tiles of which the last is cut by
// the edge of the output, one column of it written.
func BenchmarkOutputEdge(b *testing.B) {
	benchTransform(b, 4*(16+4), func(n int) func(c int) {
		w := 2*n - 1
		src, dst := benchData(16*n), benchData(2*w)
		return func(c int) { OutputEdge(dst[c], w, 2, w, src[c], n, n, 0.5, 0) }
	})
}

// BenchmarkGradEdge reads rows of tiles of which the last is cut by the
// edge of the output gradient, one column of it read.
func BenchmarkGradEdge(b *testing.B) {
	benchTransform(b, 4*(4+16), func(n int) func(c int) {
		w := 2*n - 1
		src, dst := benchData(2*w), benchData(16*n)
		return func(c int) { GradEdge(dst[c], n, src[c], w, 2, w, n, 0) }
	})
}

// BenchmarkInputEdgeAhead transforms images of 32 channel planes of
// 100×100 as a 3×3 convolution padded by 1 reads them: for each row of 50
// tiles, the row of each channel in turn. Eight images, 10 MB, are taken
// in turn, so that the planes come from beyond the L2 cache. ahead is the
// number of channels ahead the hint next points to, 0 for no hint. It
// reports the time per block of 16 tiles.
func BenchmarkInputEdgeAhead(b *testing.B) {
	const (
		images, side, tiles = 8, 100, 50
		plane               = side * side
		image               = benchChannels * plane
	)
	x := make([]float32, images*image)
	for i := range x {
		x[i] = float32(i%17) - 8
	}
	ld := benchChannels * tiles
	v := make([]float32, 16*ld)
	saved := use
	defer func() { use = saved }()
	for _, l := range levels {
		for _, ahead := range []int{0, 1, 2, 4} {
			if l == generic && ahead > 0 {
				continue
			}
			b.Run(fmt.Sprintf("level=%v/ahead=%d", l, ahead), func(b *testing.B) {
				use = l
				img := 0
				for b.Loop() {
					im := x[img*image : (img+1)*image]
					for ty := range tiles {
						for c := range benchChannels {
							InputEdge(v[c*tiles:], ld, im[c*plane:(c+1)*plane], side, side, side, 2*ty-1, -1, tiles, ahead*plane)
						}
					}
					img = (img + 1) % images
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())*16/float64(b.N*tiles*benchChannels*tiles), "ns/16tiles")
			})
		}
	}
}
