package aniso

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/anisoconv/aniso/internal/gemm"
	"github.com/anisoconv/aniso/internal/vec"
)

// Each tile of the engine's three operations is one matrix product with
// the im2col tile of the gathered side: forwardProduct, dataProduct and
// weightProduct. Normally the tile is built and the product goes through
// gemm.Sgemm. When the weight matrix is tiny (one channel and a few taps)
// the packed GEMM would spend its time packing panels and filling 6×16
// register tiles of which one row is used, and building the tile costs as
// much as the arithmetic; then the product runs as direct loops over the
// tensor, reading it through the same compiled runs as im2col, and no tile
// is built.

// maxDirect is the largest weight matrix, cout × cin·taps elements, whose
// products run directly.
const maxDirect = 8

// maxDirectWeight is the largest depth, cin·taps, of a weight gradient
// with one output channel that runs directly. For it the packed product
// transposes the tile into panels and then computes six rows of which one
// is used: dot products over the tensor are faster up to this depth (with
// two output channels or more they are not).
const maxDirectWeight = 32

// smallProducts reports whether the products of a call of operation op run
// directly: the weight matrix has at most maxDirect elements (or, for the
// weight gradient of one output channel, a depth of at most
// maxDirectWeight) and gonum's blas32 has its default implementation, the
// one the package's own GEMM stands for. After blas32.Use every product
// goes to the implementation installed.
func (e *engine) smallProducts(op int) bool {
	depth := e.cin * e.tapsMax
	if e.cout*depth > maxDirect && (op != opBackwardWeight || e.cout > 1 || depth > maxDirectWeight) {
		return false
	}
	_, ok := blas32.Implementation().(gonum.Implementation)
	return ok
}

// forwardProduct computes C = W·im2col(x) + beta·C, beta 0 or 1, for the
// output positions [p0, p1) of phase wk.sel at batch n and group g: W is
// cout × k (k = cin·taps) and C is cout × (p1−p0) with rows ldc apart.
func (e *engine) forwardProduct(w []float32, k int, x view, n, g, p0, p1 int, wk *worker, beta float32, c []float32, ldc int) {
	cols := p1 - p0
	if !e.small {
		if e.directForward(w, k, x, n, g, p0, p1, wk, beta, c, ldc) || e.implicitForward(w, k, x, n, g, p0, p1, wk, beta, c, ldc) {
			return
		}
		col := wk.col[:k*cols]
		e.moveCols(col, cols, x, n, g, p0, p1, wk, false)
		gemm.SgemmPacked(false, e.cout, cols, k, 1, w, k, e.packedWeights(g, wk), col, cols, beta, c, ldc)
		return
	}
	if beta == 0 {
		for o := 0; o < e.cout; o++ {
			clear(c[o*ldc : o*ldc+cols])
		}
	}
	taps := k / e.cin
	e.colLines(x, wk)
	for t := 0; t < taps; t++ {
		copies, _ := e.tapRuns(t, p0, p1, false, wk)
		for ch := 0; ch < e.cin; ch++ {
			src := x.data[n*x.sn+(g*e.cin+ch)*x.sc:]
			for o := 0; o < e.cout; o++ {
				wv := w[o*k+ch*taps+t]
				row := c[o*ldc : o*ldc+cols]
				for _, r := range copies {
					vec.Axpy(row[r.pos:r.pos+r.n], wv, src[r.off:], r.inc)
				}
			}
		}
	}
}

// dataProduct adds col2im(Wᵀ·B) onto the input channels [c0, c1) of gx
// for the output positions [p0, p1) of phase wk.sel at batch n and group
// g: B is cout × (p1−p0) with rows ldb apart.
func (e *engine) dataProduct(w []float32, k int, b []float32, ldb int, gx view, n, g, c0, c1, p0, p1 int, wk *worker) {
	cols := p1 - p0
	if !e.small {
		e.col2im(w, k, b, ldb, gx, n, g, c0, c1, p0, p1, wk)
		return
	}
	taps := k / e.cin
	e.colLines(gx, wk)
	for t := 0; t < taps; t++ {
		copies, _ := e.tapRuns(t, p0, p1, false, wk)
		for ch := c0; ch < c1; ch++ {
			dst := gx.data[n*gx.sn+(g*e.cin+ch)*gx.sc:]
			for o := 0; o < e.cout; o++ {
				wv := w[o*k+ch*taps+t]
				row := b[o*ldb : o*ldb+cols]
				for _, r := range copies {
					vec.AxpyInc(dst[r.off:], r.inc, wv, row[r.pos:r.pos+r.n])
				}
			}
		}
	}
}

// weightProduct adds B·im2col(x)ᵀ onto the columns of the input channels
// [c0, c1) of gwf, cout × k, for the output positions [p0, p1) of phase
// wk.sel at batch n and group g: B is cout × (p1−p0) with rows ldb apart.
func (e *engine) weightProduct(b []float32, ldb int, x view, n, g, c0, c1, p0, p1 int, wk *worker, gwf []float32, k int) {
	cols := p1 - p0
	taps := k / e.cin
	if !e.small {
		if e.dotWeight(b, ldb, x, n, g, c0, c1, p0, p1, wk, gwf, k) || e.implicitWeight(b, ldb, x, n, g, c0, c1, p0, p1, wk, gwf, k) {
			return
		}
		rows := (c1 - c0) * taps
		col := wk.col[:rows*cols]
		e.moveChannels(col, cols, taps, x, n, g, c0, c1, p0, p1, wk, false)
		gemm.Sgemm(false, true, e.cout, rows, cols, 1, b, ldb, col, cols, 1, gwf[c0*taps:], k)
		return
	}
	e.colLines(x, wk)
	for t := 0; t < taps; t++ {
		copies, _ := e.tapRuns(t, p0, p1, false, wk)
		for ch := c0; ch < c1; ch++ {
			src := x.data[n*x.sn+(g*e.cin+ch)*x.sc:]
			for o := 0; o < e.cout; o++ {
				row := b[o*ldb : o*ldb+cols]
				var s float32
				for _, r := range copies {
					s += dotRun(row[r.pos:r.pos+r.n], src[r.off:], r.inc)
				}
				gwf[o*k+ch*taps+t] += s
			}
		}
	}
}

// dotRun returns Σ a[i]·src[i·inc], summed in four interleaved partial
// sums.
func dotRun(a, src []float32, inc int) float32 {
	var s0, s1, s2, s3 float32
	i := 0
	if inc == 1 {
		src = src[:len(a)]
		for ; i+4 <= len(a); i += 4 {
			s0 += a[i] * src[i]
			s1 += a[i+1] * src[i+1]
			s2 += a[i+2] * src[i+2]
			s3 += a[i+3] * src[i+3]
		}
	}
	for ; i < len(a); i++ {
		s0 += a[i] * src[i*inc]
	}
	return (s0 + s1) + (s2 + s3)
}
