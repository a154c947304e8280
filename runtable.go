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
}

// tableBudget is the most runs a table holds: 2 MiB.
const tableBudget = 1 << 16

// joins reports whether the copy runs of the lines l of tensor v may join
// across rows (see lines.runs).
func joins(v view, l *lines) bool {
	last := len(l.step) - 1
	return v.sp[last] == 1 && l.step[last] == 1
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
	if t.strides != nil && t.small == e.small && sameShape(t.strides, e.in.sp) {
		return
	}
	t.strides = append(t.strides[:0], e.in.sp...)
	t.small = e.small
	t.valid = false
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
