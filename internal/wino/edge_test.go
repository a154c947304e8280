package wino

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestEdges checks InputEdge, OutputEdge and GradEdge against Input,
// Output and Grad on copies of their rows padded with zeros, bit for bit,
// and that they write nothing outside the rows and columns they are given.
func TestEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	same := func(what string, got, want float32) {
		t.Helper()
		if math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("%s: %v, want %v", what, got, want)
		}
	}
	for trial := 0; trial < 300; trial++ {
		n := 1 + rng.IntN(40)
		w := 1 + rng.IntN(2*n+6)
		c0 := rng.IntN(7) - 3
		ld := n + rng.IntN(3)

		// A plane of h rows of w samples, each row followed by a NaN
		// that must not be read; the windows start at row r0.
		h := 1 + rng.IntN(6)
		r0 := rng.IntN(h+4) - 3
		lds := w + 1
		src := make([]float32, h*lds)
		for i := range src {
			src[i] = rng.Float32()*2 - 1
			if i%lds == w {
				src[i] = float32(math.NaN())
			}
		}
		width := 2*n + 2
		pad := make([]float32, 4*width)
		for r := 0; r < 4; r++ {
			for c := 0; c < width; c++ {
				if i, j := r0+r, c0+c; i >= 0 && i < h && j >= 0 && j < w {
					pad[r*width+c] = src[i*lds+j]
				}
			}
		}
		got, want := make([]float32, 16*ld), make([]float32, 16*ld)
		InputEdge(got, ld, src[:(h-1)*lds+w], lds, h, w, r0, c0, n, 0)
		Input(want, ld, pad, width, n)
		for xi := 0; xi < 16; xi++ {
			for tt := 0; tt < n; tt++ {
				same("InputEdge", got[xi*ld+tt], want[xi*ld+tt])
			}
		}

		m := make([]float32, 16*ld)
		for i := range m {
			m[i] = rng.Float32()*2 - 1
		}
		rows := 1 + rng.IntN(2)
		ldd := w + 1 + rng.IntN(2)
		out := make([]float32, 2*ldd)
		for i := range out {
			out[i] = -7
		}
		full := make([]float32, 2*2*n)
		OutputEdge(out, ldd, rows, w, m, ld, n, 0.5, 0)
		Output(full, 2*n, m, ld, n, 0.5)
		for a := 0; a < 2; a++ {
			for j := 0; j < ldd; j++ {
				if a < rows && j < min(w, 2*n) {
					same("OutputEdge", out[a*ldd+j], full[a*2*n+j])
				} else {
					same("OutputEdge outside", out[a*ldd+j], -7)
				}
			}
		}

		gy := make([]float32, 2*ldd)
		for i := range gy {
			gy[i] = float32(math.NaN())
		}
		gpad := make([]float32, 2*2*n)
		for a := 0; a < rows; a++ {
			for j := 0; j < min(w, 2*n); j++ {
				gy[a*ldd+j] = rng.Float32()*2 - 1
				gpad[a*2*n+j] = gy[a*ldd+j]
			}
		}
		GradEdge(got, ld, gy, ldd, rows, w, n, 0)
		Grad(want, ld, gpad, 2*n, n)
		for xi := 0; xi < 16; xi++ {
			for tt := 0; tt < n; tt++ {
				same("GradEdge", got[xi*ld+tt], want[xi*ld+tt])
			}
		}
	}
}
