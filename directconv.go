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
// tensor as the kernel multiplies it, and reports whether it did
// (gemm.DirectSplit where the input is in polyphase layout). The tile
// is cut into panels of gemm.MaxPanel columns that colPanels compiles into
// one masked read per tap, as it does for implicitForward; but where
// implicitForward gathers each panel into a buffer that the GEMM's kernel
// then reads, gemm.Direct's kernel loads the tensor itself under the masks,
// so the K×cols floats of the tile are neither written nor read back.
// Lines read at a step of 2 or more are read at unit step from the
// input's polyphase layout, which each tile makes first (see polyphase).
// Where the lines of the phase are read at unit step but do not run on
// into each other, the tile is cut at the ends of its lines instead (see
// directLines), so that every piece is such a read. A panel that is none
// (rows read at step 2 without the polyphase layout, or lines shorter
// than minDirectLine that do not join) is gathered first, into wk.col,
// and multiplied by the same kernel.
//
// It serves products of at least minDirectChannels channels per group that
// have a run table, when gemm.Direct runs a vector kernel: the reads of a
// panel's taps are compiled once for all the channels, which with fewer
// channels costs more than building the tile with long row copies. The
// kernel reads the tensor for every four output channels where the GEMM
// reads its packed panel, from the same caches. An installed BLAS
// (blas32.Use) multiplies only a stored tile. The sums run over the taps
// and then the channels, in an order fixed by the geometry and the
// tensor's layout, so the result does not depend on the number of
// threads; it differs in the last bits from the GEMM's, which sums over
// the channels and then the taps.
func (e *engine) directForward(w []float32, k int, x view, n, g, p0, p1 int, wk *worker, beta float32, c []float32, ldc int) bool {
	const nr = gemm.MaxPanel
	if k == 0 || e.directDeclined() || !e.tables[e.op].valid {
		return false
	}
	last := len(e.axes) - 1
	ph := &e.axes[last][wk.sel[last]]
	unit := ph.qStep == x.factor(last) && x.sp[last] == 1
	if !unit && e.cin < minPanelChannels && directMode == directAuto {
		return false
	}
	lines := unit && ph.count >= minDirectLine && !e.linesJoin(x, wk)
	if !lines && len(wk.col) < k*nr {
		// No room to gather a panel.
		return false
	}
	// The taps of an input in polyphase layout read rows of their own.
	mul := gemm.Direct
	if x.fac != nil {
		mul = gemm.DirectSplit
	}
	if lines {
		s := e.colSource(k, x, n, g, p0, p1, wk)
		s.start(nr)
		e.directLines(s, ph.count, mul, w, k, p0, beta, c, ldc)
		return true
	}
	s := e.directPanels(k, x, n, g, p0, p1, wk)
	taps, cols := k/e.cin, p1-p0
	for j0 := 0; j0 < cols; j0 += nr {
		jc := min(nr, cols-j0)
		q := j0 / nr
		if s.ready <= q {
			s.compile(j0, j0+jc)
		}
		ents := q * taps
		if s.mixed[q] && !s.blank[q] || s.two[q] {
			// The panel's k rows, nr apart, read as k channels of one
			// tap; s may be the table's, which its units share.
			buf := wk.col[:k*nr]
			s.Panel(buf, nr, 0, k, j0, jc)
			wk.base1[0], wk.mask1[0] = 0, 1<<jc-1
			gemm.Direct(e.cout, k, 1, w, k, buf, nr, wk.base1[:], wk.mask1[:], jc, beta, c[j0:], ldc)
			continue
		}
		mul(e.cout, e.cin, taps, w, k, s.data, s.sc, s.base[ents:ents+taps], s.mask[ents:ents+taps], jc, beta, c[j0:], ldc)
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
	case directMode == directAuto && (e.cin < minDirectChannels || !gemm.DirectPays()):
		return true
	}
	_, ok := blas32.Implementation().(gonum.Implementation)
	return !ok
}

// minDirectChannels is the fewest channels per group for which
// directForward runs a product whose lines are read at unit step: the
// reads of each tap are compiled once per panel, and the kernel sets up
// its masks once per tap, for all the channels. Measured on 3×3 and 7×7
// convolutions of 100×100 images into 32 channels: with 8 channels the
// direct path takes 0.90–0.93 of the time of the other paths, with 4 the
// same, with 3 or fewer 1.1–1.7 times as long. Products whose panels are
// gathered (lines read at step 2) need minPanelChannels, as the panels
// do: with 8 channels they took 1.3 times as long.
const minDirectChannels = 8

// minDirectLine is the shortest line that directLines multiplies on its
// own: a piece of a line fills its last vector of sixteen columns only in
// part, so shorter lines would waste much of the kernel's work.
const minDirectLine = 32

// linesJoin reports whether every line of phase wk.sel reads tensor v from
// the offset where the previous line's reads end, so that the masked read
// of a tap runs on from one line into the next: the lines read whole rows
// of v at unit step, and consecutive lines consecutive rows.
func (e *engine) linesJoin(v view, wk *worker) bool {
	last := len(e.axes) - 1
	n := e.axes[last][wk.sel[last]].count
	if n != ceilDiv(e.src[last], v.factor(last)) {
		return false
	}
	// span is the offset from the first line to the last one of the
	// axes after a.
	span := 0
	for a := last - 1; a >= 0; a-- {
		p := &e.axes[a][wk.sel[a]]
		step := p.qStep / v.factor(a) * v.sp[a]
		if p.count > 1 && step-span != n {
			return false
		}
		span += (p.count - 1) * step
	}
	return true
}

// directMul is gemm.Direct or gemm.DirectSplit.
type directMul func(m, cin, taps int, a []float32, lda int, src []float32, sc int, bases []int, masks []uint64, cols int, beta float32, c []float32, ldc int)

// directLines is directForward for lines that do not join, read at unit
// step: the tile is cut into pieces of at most gemm.MaxPanel columns that
// never cross the end of a line of n positions. A tap reads a line at unit
// step in one copy run, clipped to the present elements or running over
// absent ones that zero runs clear, so every piece is one masked read per
// tap and none has to be gathered.
func (e *engine) directLines(s *colPanels, n int, mul directMul, w []float32, k, p0 int, beta float32, c []float32, ldc int) {
	for j0 := 0; j0 < s.cols; {
		j1 := min(s.cols, j0+gemm.MaxPanel, j0+n-(p0+j0)%n)
		if !s.piece(j0, j1) {
			panic("aniso: a piece of a line is not one masked read per tap")
		}
		mul(e.cout, e.cin, s.taps, w, k, s.data, s.sc, s.base[:s.taps], s.mask[:s.taps], j1-j0, beta, c[j0:], ldc)
		j0 = j1
	}
}

// piece compiles the columns [j0, j1) of the tile, at most gemm.MaxPanel
// of them, after those of the previous piece, into the base and mask of
// one masked read at unit step per tap (see maskedCopy), entries 0 to
// taps−1 of s, and reports whether every tap's runs amount to one. Each
// tap keeps its cursors on the table's runs, as compile does.
func (s *colPanels) piece(j0, j1 int) bool {
	tab := s.tab
	segs := s.segs
	ok := true
	for t := 0; t < s.taps; t++ {
		segs = clip(segs[:0], tab.copies[:tab.cs[s.entry+t+1]], &s.cc[t], j0, j1, false)
		copies := len(segs) > 0
		segs = clip(segs, tab.zeros[:tab.zs[s.entry+t+1]], &s.zc[t], j0, j1, true)
		base, mask, step := maskedCopy(segs)
		s.base[t], s.mask[t] = base, mask
		if copies && step != 1 {
			ok = false
		}
	}
	s.segs = segs
	return ok
}
