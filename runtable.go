package aniso

import "github.com/anisoconv/aniso/internal/gemm"

// A runTable keeps the compiled runs of every (phase, tile, tap) of one
// operation for one layout of the gathered-side tensor. The runs depend on
// the geometry, the tensor's strides and whether the products run directly
// (which never join rows), not on the data, the batch or the group, so a
// call builds them once before its units start, and the calls after it
// with the same layout walk no lines at all. Tables that would exceed
// tableBudget runs are not built; their units compile runs as they go.
type runTable struct {
	strides []int // the layout the table holds, nil for none
	poly    bool  // the layout is polyphase (see polyView)
	small   bool
	valid   bool  // the table holds the runs of strides and small
	cs, zs  []int // entry j's copy runs are copies[cs[j]:cs[j+1]], likewise zeros
	copies  []run //
	zeros   []run //
	// segs, for the weight gradient's table when dotWeight serves and
	// every copy run reads at unit step, holds the copy runs as the
	// segments of gemm.SgemmRuns, entry j's at segs[cs[j]:cs[j+1]];
	// otherwise it is empty.
	segs []gemm.Segment
	// panels, for the forward table, holds the panels of gemm.MaxPanel
	// columns that directForward multiplies, compiled once for every
	// (phase, tile) entry whose products it serves panel by panel, so
	// that the calls of one layout compile none; an entry with nr = 0
	// holds none. It is empty when no phase is served so or the panels
	// would exceed tableBudget entries.
	panels []colPanels
}

// tableBudget is the most runs a table holds: 2 MiB.
const tableBudget = 1 << 16

// joins reports whether the copy runs of the lines l of tensor v may join
// across rows (see lines.runs).
func joins(v view, l *lines) bool {
	last := len(l.step) - 1
	return v.sp[last] == 1 && l.step[last] == v.factor(last)
}

// prepareRuns makes the table of operation op hold the runs of the current
// call's gathered-side tensor e.in, building it when the layout changed.
// It runs before the units start, on worker 0's scratch.
func (e *engine) prepareRuns(op int) {
	t := &e.tables[op]
	if op == opBackwardData && e.chunks > 1 && !sameShape(e.in.sp, e.srcStrides) {
		// The blocks of this call gather from partial buffers of another
		// layout than the result's: their units compile runs as they go.
		t.strides, t.valid = nil, false
		return
	}
	poly := e.in.fac != nil
	if t.strides != nil && t.small == e.small && t.poly == poly && sameShape(t.strides, e.in.sp) {
		return
	}
	t.strides = append(t.strides[:0], e.in.sp...)
	t.small, t.poly = e.small, poly
	t.valid = false
	t.panels = t.panels[:0]
	entries := e.nphase * e.tiles * e.tapsMax
	if entries >= tableBudget {
		return
	}
	t.cs, t.zs = resizeInts(t.cs, entries+1), resizeInts(t.zs, entries+1)
	copies, zeros := t.copies[:0], t.zeros[:0]
	wk := e.workers[0]
	for r := 0; r < e.nphase; r++ {
		e.enterPhase(r, wk)
		l := e.colLines(e.in, wk)
		// dotWeight reads the runs of the weight gradient straight from
		// the tensor: they must not pass over absent elements.
		join := !e.small && joins(e.in, l) && !(op == opBackwardWeight && dotWeights())
		taps, _ := e.phaseSize(wk.sel)
		for i := 0; i < e.tiles; i++ {
			_, p0, p1 := e.tile(i, wk)
			l.org = e.polyOrigin(wk.sel, p0, p1)
			for tap := 0; tap < e.tapsMax; tap++ {
				j := (r*e.tiles+i)*e.tapsMax + tap
				t.cs[j], t.zs[j] = len(copies), len(zeros)
				if tap < taps && p0 < p1 {
					e.tapLines(tap, wk)
					copies, zeros = l.runs(copies, zeros, p0, p1, join)
				}
				if len(copies)+len(zeros) > tableBudget {
					t.copies, t.zeros = copies[:0], zeros[:0]
					return
				}
			}
		}
	}
	t.cs[entries], t.zs[entries] = len(copies), len(zeros)
	t.copies, t.zeros = copies, zeros
	t.valid = true
	if op == opForward {
		e.compilePanels(t)
	}
	t.segs = t.segs[:0]
	if op == opBackwardWeight && dotWeights() && unitRuns(copies) {
		for _, c := range copies {
			t.segs = append(t.segs, gemm.Segment{Pos: c.pos, N: c.n, Off: c.off})
		}
	}
}

// tapRuns returns the copy and zero runs of tap t for the positions
// [p0, p1) of the tile and phase wk holds, from the current operation's
// table when it has one, else compiled into wk's buffers; wk.lines must be
// set up for the phase (colLines).
func (e *engine) tapRuns(t, p0, p1 int, join bool, wk *worker) (copies, zeros []run) {
	if tab := &e.tables[e.op]; tab.valid {
		j := (wk.phase*e.tiles+wk.tileIdx)*e.tapsMax + t
		return tab.copies[tab.cs[j]:tab.cs[j+1]], tab.zeros[tab.zs[j]:tab.zs[j+1]]
	}
	e.tapLines(t, wk)
	return wk.lines.runs(wk.copies[:0], wk.zeros[:0], p0, p1, join)
}

// resizeInts returns s with n elements, reallocated only when its capacity
// is too small.
func resizeInts(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}

// compilePanels compiles into t.panels the panels of every (phase, tile)
// entry of the forward table t whose products directForward multiplies
// panel by panel: those it serves whose lines are not multiplied one by
// one (see directLines). Like the table, they depend on the layout of
// e.in alone. It runs before the units start, on worker 0's scratch.
func (e *engine) compilePanels(t *runTable) {
	const nr = gemm.MaxPanel
	if e.small || e.directDeclined() {
		return
	}
	wk := e.workers[0]
	last := len(e.axes) - 1
	size := 0
	for r := 0; r < e.nphase; r++ {
		e.enterPhase(r, wk)
		taps, pos := e.phaseSize(wk.sel)
		size += ceilDiv(pos, nr) * taps
	}
	if size > tableBudget {
		return
	}
	n := e.nphase * e.tiles
	if cap(t.panels) < n {
		t.panels = make([]colPanels, n)
	}
	t.panels = t.panels[:n]
	served := false
	for r := 0; r < e.nphase; r++ {
		e.enterPhase(r, wk)
		taps, _ := e.phaseSize(wk.sel)
		ph := &e.axes[last][wk.sel[last]]
		unit := ph.qStep == 1 && e.in.sp[last] == 1
		lines := unit && ph.count >= minDirectLine && !e.linesJoin(e.in, wk)
		for i := 0; i < e.tiles; i++ {
			p := &t.panels[r*e.tiles+i]
			p.nr = 0
			_, p0, p1 := e.tile(i, wk)
			if lines || taps == 0 || p0 >= p1 || !unit && e.cin < minPanelChannels && directMode == directAuto {
				continue
			}
			*p = colPanels{
				tab: t, taps: taps, cols: p1 - p0, entry: (r*e.tiles + i) * e.tapsMax,
				cc: make([]int, taps), zc: make([]int, taps),
				base: p.base, mask: p.mask, mask2: p.mask2, lo: p.lo, segs: p.segs, mixed: p.mixed, two: p.two, blank: p.blank,
			}
			p.start(nr)
			for j0 := 0; j0 < p.cols; j0 += nr {
				p.compile(j0, min(j0+nr, p.cols))
			}
			p.cc, p.zc = nil, nil
			served = true
		}
	}
	if !served {
		t.panels = t.panels[:0]
	}
}

// directPanels returns the compiled panels of directForward's product of
// depth k for the positions [p0, p1) of tile wk.tileIdx of phase wk.phase:
// those of the forward table when it holds them (every panel compiled),
// else wk's colPanels, set up to compile them in turn.
func (e *engine) directPanels(k int, x view, n, g, p0, p1 int, wk *worker) *colPanels {
	if tab := &e.tables[e.op]; len(tab.panels) > 0 {
		if p := &tab.panels[wk.phase*e.tiles+wk.tileIdx]; p.nr != 0 {
			wk.fixed = *p
			wk.fixed.data, wk.fixed.sc = x.data[n*x.sn+g*e.cin*x.sc:], x.sc
			return &wk.fixed
		}
	}
	s := e.colSource(k, x, n, g, p0, p1, wk)
	s.start(gemm.MaxPanel)
	return s
}

// clip appends to segs the runs of rs that meet the positions [p0, p1),
// clipped to them and counted from p0, as zero runs (offset 0, increment
// −1) if zero is set. The runs are in position order and a window only
// moves forward, so the cursor *i first skips those that end at or before
// p0 and is left on the first that may still meet a later window.
func clip(segs, rs []run, i *int, p0, p1 int, zero bool) []run {
	k := *i
	for k < len(rs) && rs[k].pos+rs[k].n <= p0 {
		k++
	}
	*i = k
	for ; k < len(rs) && rs[k].pos < p1; k++ {
		r := rs[k]
		a, b := max(r.pos, p0), min(r.pos+r.n, p1)
		if zero {
			segs = append(segs, run{a - p0, b - a, 0, -1})
		} else {
			segs = append(segs, run{a - p0, b - a, r.off + (a-r.pos)*r.inc, r.inc})
		}
	}
	return segs
}
