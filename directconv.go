package aniso

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/anisoconv/aniso/internal/gemm"
)

// Test settings of directForward, in directMode.
const (
	directAuto = iota // the rule of directForward
	directOff         // never: the products go to implicitForward or the tile
	directOn          // every product that has a run table, whatever its channels and kernel
)

// directMode, set by tests, overrides the choice of directForward.
var directMode = directAuto

// directForward computes the forward product of forwardProduct with
// gemm.Direct, reading every row of the im2col tile straight from the
// tensor as the kernel multiplies it, and reports whether it did. The tile
// is cut into panels of gemm.MaxPanel columns that colPanels compiles into
// one masked read per tap, as it does for implicitForward; but where
// implicitForward gathers each panel into a buffer that the GEMM's kernel
// then reads, gemm.Direct's kernel loads the tensor itself under the masks,
// so the K×cols floats of the tile are neither written nor read back. A
// panel whose rows are no such masked read (rows at step 2, or spanning
// lines that do not join) is gathered first, into wk.col, and multiplied
// by the same kernel.
//
// It serves the products implicitForward would serve, when gemm.Direct
// runs a vector kernel: both pay for compiling the reads of a panel's taps
// once for all the channels, which with few channels costs more than
// building the tile with long row copies (see minPanelChannels); and the
// kernel reads the tensor for every four output channels where the GEMM
// reads its packed panel, from the same caches. An installed BLAS
// (blas32.Use) multiplies only a stored tile. The sums run over the taps
// and then the channels, in an order fixed by the geometry, so the result
// does not depend on the number of threads; it differs in the last bits
// from the GEMM's, which sums over the channels and then the taps.
func (e *engine) directForward(w []float32, k int, x view, n, g, p0, p1 int, wk *worker, beta float32, c []float32, ldc int) bool {
	const nr = gemm.MaxPanel
	if k == 0 || e.directDeclined() || !e.tables[e.op].valid || len(wk.col) < k*nr {
		return false
	}
	s := e.colSource(k, x, n, g, p0, p1, wk)
	s.start(nr)
	taps, cols := k/e.cin, p1-p0
	for j0 := 0; j0 < cols; j0 += nr {
		jc := min(nr, cols-j0)
		q := j0 / nr
		s.compile(j0, j0+jc)
		ents := q * taps
		if s.mixed[q] || s.two[q] {
			// The panel's k rows, nr apart, read as k channels of one tap
			// whose base and mask take the place of tap 0's, which the
			// gather has used.
			buf := wk.col[:k*nr]
			s.Panel(buf, nr, 0, k, j0, jc)
			s.base[ents], s.mask[ents] = 0, 1<<jc-1
			gemm.Direct(e.cout, k, 1, w, k, buf, nr, s.base[ents:ents+1], s.mask[ents:ents+1], jc, beta, c[j0:], ldc)
			continue
		}
		gemm.Direct(e.cout, e.cin, taps, w, k, s.data, s.sc, s.base[ents:ents+taps], s.mask[ents:ents+taps], jc, beta, c[j0:], ldc)
	}
	return true
}

// directDeclined reports whether directForward leaves the products of the
// current call to the other paths whatever their tiles: by the settings
// of the tests, with too few channels or no vector kernel, or after
// blas32.Use.
func (e *engine) directDeclined() bool {
	switch {
	case tilePath || directMode == directOff:
		return true
	case directMode == directAuto && (e.cin < minPanelChannels || !gemm.DirectPays()):
		return true
	}
	_, ok := blas32.Implementation().(gonum.Implementation)
	return !ok
}
