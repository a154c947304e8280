package wino

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestIdentity checks the transforms against the correlation they compute:
// for random windows and kernels, Output of the products of Input and
// Kernel is the 3×3 correlation of each tile, and KernelGrad of the
// products of Grad and Input is the gradient of Σ gy·y with respect to the
// kernel.
func TestIdentity(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 15, 16, 17, 40} {
		const lds = 100
		src := make([]float32, 4*lds)
		for i := range src {
			src[i] = rng.Float32()*2 - 1
		}
		var g [9]float32
		for i := range g {
			g[i] = rng.Float32()*2 - 1
		}
		ld := n + 3
		v := make([]float32, 16*ld)
		Input(v, ld, src, lds, n)
		u := make([]float32, 16)
		Kernel(u, 1, g[:])
		m := make([]float32, 16*ld)
		for xi := 0; xi < 16; xi++ {
			for tt := 0; tt < n; tt++ {
				m[xi*ld+tt] = u[xi] * v[xi*ld+tt]
			}
		}
		const ldd = 90
		y := make([]float32, 2*ldd)
		Output(y, ldd, m, ld, n, 0.25)
		for a := 0; a < 2; a++ {
			for x := 0; x < 2*n; x++ {
				want := 0.25
				for ky := 0; ky < 3; ky++ {
					for kx := 0; kx < 3; kx++ {
						want += float64(src[(a+ky)*lds+x+kx]) * float64(g[3*ky+kx])
					}
				}
				if got := float64(y[a*ldd+x]); math.Abs(got-want) > 1e-5 {
					t.Fatalf("n=%d: y[%d][%d] = %v, want %v", n, a, x, got, want)
				}
			}
		}

		gy := make([]float32, 2*ldd)
		for i := range gy {
			gy[i] = rng.Float32()*2 - 1
		}
		z := make([]float32, 16*ld)
		Grad(z, ld, gy, ldd, n)
		x := make([]float32, 16)
		for xi := 0; xi < 16; xi++ {
			for tt := 0; tt < n; tt++ {
				x[xi] += z[xi*ld+tt] * v[xi*ld+tt]
			}
		}
		gw := make([]float32, 9)
		KernelGrad(gw, x, 1)
		for ky := 0; ky < 3; ky++ {
			for kx := 0; kx < 3; kx++ {
				var want float64
				for a := 0; a < 2; a++ {
					for c := 0; c < 2*n; c++ {
						want += float64(gy[a*ldd+c]) * float64(src[(a+ky)*lds+c+kx])
					}
				}
				if got := float64(gw[3*ky+kx]); math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
					t.Fatalf("n=%d: gw[%d][%d] = %v, want %v", n, ky, kx, got, want)
				}
			}
		}
	}
}
