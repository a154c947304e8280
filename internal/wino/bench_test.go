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

// benchAhead runs edge over images of 32 channel planes of 100×100
// outputs, as the Winograd path of a 3×3 convolution padded by 1 takes
// them: units of 5 rows of 50 tiles, and in each, for each channel, its
// rows in turn (order "chan") or, for each row, each channel's in turn
// (order "row"). 32 images, 40 MB, are taken in turn, so that the planes
// come from beyond the caches, as those of an output just allocated do. edge transforms the row of tiles ty
// of the unit at tile row ty0, of channel c at element off of its image,
// with the hint next; the variants pass 0, the distance to the next row of
// tiles of the channel, or that to the next channel's plane. It reports the
// time per block of 16 tiles.
func benchAhead(b *testing.B, edge func(im []float32, off, c, ty, next int)) {
	const (
		images, side, tiles, unit = 32, 100, 50, 5
		plane                     = side * side
		image                     = benchChannels * plane
	)
	hints := []struct {
		name string
		next int
	}{{"none", 0}, {"row", 2 * side}, {"chan", plane}, {"chan2", 2 * plane}}
	img := make([]float32, images*image)
	for i := range img {
		img[i] = float32(i%17) - 8
	}
	saved := use
	defer func() { use = saved }()
	for _, l := range levels {
		for _, order := range []string{"chan", "row"} {
			for _, h := range hints {
				if l == generic && (h.next != 0 || order == "row") {
					continue
				}
				b.Run(fmt.Sprintf("level=%v/order=%s/next=%s", l, order, h.name), func(b *testing.B) {
					use = l
					k := 0
					for b.Loop() {
						im := img[k*image : (k+1)*image]
						for ty0 := 0; ty0 < tiles; ty0 += unit {
							if order == "chan" {
								for c := range benchChannels {
									for ty := ty0; ty < ty0+unit; ty++ {
										edge(im, c*plane+2*ty*side, c, ty-ty0, h.next)
									}
								}
								continue
							}
							for ty := ty0; ty < ty0+unit; ty++ {
								for c := range benchChannels {
									edge(im, c*plane+2*ty*side, c, ty-ty0, h.next)
								}
							}
						}
						k = (k + 1) % images
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())*16/float64(b.N*tiles*benchChannels*tiles), "ns/16tiles")
				})
			}
		}
	}
}

// BenchmarkOutputEdgeAhead writes the output tiles of a unit from its
// transform domain, 16 blocks of 32 channels by 250 tiles.
func BenchmarkOutputEdgeAhead(b *testing.B) {
	const ld = benchChannels*250 + 16
	m := benchData(16 * ld)[0]
	benchAhead(b, func(y []float32, off, c, ty, next int) {
		OutputEdge(y[off:], 100, 2, 100, m[c*250+50*ty:], ld, 50, 0.5, next)
	})
}

// BenchmarkGradEdgeAhead transforms the tiles of the output gradient of a
// unit into its transform domain, as BenchmarkOutputEdgeAhead's layout.
func BenchmarkGradEdgeAhead(b *testing.B) {
	const ld = benchChannels*250 + 16
	z := benchData(16 * ld)[0]
	benchAhead(b, func(gy []float32, off, c, ty, next int) {
		GradEdge(z[c*250+50*ty:], ld, gy[off:], 100, 2, 100, 50, next)
	})
}
