package aniso

import (
	"github.com/anisoconv/aniso/internal/gemm"
	"github.com/anisoconv/aniso/internal/vec"
)

// lines walks a block [p0, p1) of a phase's output positions, row-major over
// the per-axis counts, one line along the last axis at a time. Along axis a,
// index i addresses element start[a] + i·step[a] of a tensor axis with
// limit[a] elements and stride[a]; elements outside [0, limit) are absent
// and read as zero. An axis with fac[a] > 1 is held in polyphase layout
// (see polyphase): element s is at (s mod fac)·pst + ⌊s/fac⌋·stride, less
// org·stride along the first axis.
type lines struct {
	count, start, step, limit, stride, idx []int
	fac, pst                               []int
	org                                    int
	p, p1                                  int
	i0                                     int // index along the last axis where the last line returned starts
	vlo, vhi                               int // indices along the last axis whose elements are present
}

func (l *lines) init(nax int) {
	s := make([]int, 8*nax)
	l.count, l.start, l.step = s[:nax], s[nax:2*nax], s[2*nax:3*nax]
	l.limit, l.stride, l.idx = s[3*nax:4*nax], s[4*nax:5*nax], s[5*nax:6*nax]
	l.fac, l.pst = s[6*nax:7*nax], s[7*nax:]
}

// offset returns the offset of element s ≥ 0 of axis a.
func (l *lines) offset(a, s int) int {
	o := 0
	if a == 0 {
		o = l.org * l.stride[0]
	}
	if f := l.fac[a]; f > 1 {
		return s%f*l.pst[a] + s/f*l.stride[a] - o
	}
	return s*l.stride[a] - o
}

// reset starts a walk over the positions [p0, p1).
func (l *lines) reset(p0, p1 int) {
	l.p, l.p1 = p0, p1
	last := len(l.idx) - 1
	st, sp := l.start[last], l.step[last]
	l.vlo, l.vhi = ceilDiv(-st, sp), ceilDiv(l.limit[last]-st, sp)
	for a := len(l.idx) - 1; a >= 0; a-- {
		l.idx[a] = p0 % l.count[a]
		p0 /= l.count[a]
	}
}

// next returns the next line of the walk: its position pos relative to the
// block start p0 and its length n; the part [a, b) of the line whose
// elements are present, the offset off of element a and the offset step inc
// along the line. ok is false when the walk is over.
func (l *lines) next(p0 int) (pos, n, a, b, off, inc int, ok bool) {
	if l.p >= l.p1 {
		return 0, 0, 0, 0, 0, 0, false
	}
	last := len(l.idx) - 1
	i0 := l.idx[last]
	n = min(l.count[last]-i0, l.p1-l.p)
	l.i0 = i0
	pos = l.p - p0
	present := true
	for ax := 0; ax < last; ax++ {
		s := l.start[ax] + l.idx[ax]*l.step[ax]
		if s < 0 || s >= l.limit[ax] {
			present = false
			break
		}
		off += l.offset(ax, s)
	}
	if present {
		lo, hi := max(l.vlo, i0), min(l.vhi, i0+n)
		if lo < hi {
			st, sp := l.start[last], l.step[last]
			a, b = lo-i0, hi-i0
			off += l.offset(last, st+lo*sp)
			inc = sp / max(1, l.fac[last]) * l.stride[last]
		}
	}
	l.p += n
	l.idx[last] = i0 + n
	for ax := last; ax > 0 && l.idx[ax] == l.count[ax]; ax-- {
		l.idx[ax] = 0
		l.idx[ax-1]++
	}
	return pos, n, a, b, off, inc, true
}

// run is a stretch of an im2col row: n positions from pos in the tile that
// read the tensor from offset off in steps of inc (a copy run), or that
// hold zeros (a zero run, off and inc unused).
type run struct{ pos, n, off, inc int }

// runs walks the positions [p0, p1) and compiles their lines into copy
// runs and zero runs, appended to copies and zeros, so that a row is filled
// by copying the copy runs and then zeroing the zero runs. Lines that
// follow each other in the tile and in the tensor become one copy run.
// With join set (the last axis is read at unit stride, so that a line's
// offset is its row's offset plus its index), a copy run also continues
// over the absent elements between two lines when the second line's row
// starts where the first one's ends in memory: those elements are the tail
// of one row and the head of the next, real elements of the tensor, and
// the zero runs overwrite them afterwards. Rows with gaps between them, or
// rows that are not consecutive, never join.
func (l *lines) runs(copies, zeros []run, p0, p1 int, join bool) ([]run, []run) {
	l.reset(p0, p1)
	last := len(l.idx) - 1
	// Runs already in copies and zeros belong to others: never merge
	// with them.
	c0, z0 := len(copies), len(zeros)
	// With join, the offset just past the tensor row where the last copy
	// run ends.
	rowEnd := -1
	for {
		pos, n, a, b, off, inc, ok := l.next(p0)
		if !ok {
			return copies, zeros
		}
		if a == b {
			zeros = addZeros(zeros, z0, pos, n)
			rowEnd = -1
			continue
		}
		zeros = addZeros(zeros, z0, pos, a)
		zeros = addZeros(zeros, z0, pos+b, n-b)
		// The offset of the line's row (of its phase's row in polyphase
		// layout); meaningful with join only.
		f := max(1, l.fac[last])
		row := off - (l.start[last]+(l.i0+a)*l.step[last])/f
		k := len(copies) - 1
		switch {
		case k < c0:
			copies = append(copies, run{pos + a, b - a, off, inc})
		case pos+a == copies[k].pos+copies[k].n && inc == copies[k].inc && off == copies[k].off+copies[k].n*inc:
			copies[k].n += b - a
		case join && row == rowEnd && off-(pos+a) == copies[k].off-copies[k].pos:
			copies[k].n = pos + b - copies[k].pos
		default:
			copies = append(copies, run{pos + a, b - a, off, inc})
		}
		rowEnd = row + ceilDiv(l.limit[last], f)
	}
}

// addZeros appends the zero run [pos, pos+n) to zs, merging it with the
// last run when they touch and it is not one of the first z0.
func addZeros(zs []run, z0, pos, n int) []run {
	if n == 0 {
		return zs
	}
	if k := len(zs) - 1; k >= z0 && zs[k].pos+zs[k].n == pos {
		zs[k].n += n
		return zs
	}
	return append(zs, run{pos: pos, n: n})
}

// zero clears the zero runs zs of row. Most are a sample or two at a
// border, for which a store is cheaper than a call.
func zero(row []float32, zs []run) {
	for _, z := range zs {
		switch z.n {
		case 1:
			row[z.pos] = 0
		case 2:
			r := row[z.pos : z.pos+2]
			r[0], r[1] = 0, 0
		default:
			clear(row[z.pos : z.pos+z.n])
		}
	}
}

// fillRuns fills row from src by the runs segs in their order: a copy run
// (inc ≥ 0) copies n elements read inc apart from src[off], a zero run
// (inc < 0) clears n elements. Panel rows that mix both are built this way.
func fillRuns(row, src []float32, segs []run) {
	for _, r := range segs {
		switch {
		case r.inc < 0 && r.n == 1:
			row[r.pos] = 0
		case r.inc < 0:
			clear(row[r.pos : r.pos+r.n])
		case r.inc == 1:
			copy(row[r.pos:r.pos+r.n], src[r.off:r.off+r.n])
		default:
			copyStrided(row[r.pos:r.pos+r.n], src[r.off:], r.inc)
		}
	}
}

// moveCols moves data between the im2col tile col (rows cin·taps, row
// length ld) and the gathered-side tensor v at batch n, group g, for the
// output positions [p0, p1) of phase wk.sel. With add false it fills col
// from v (absent samples read as zero); with add true it adds col onto v
// (col2im). The lines of a tap are the same for every channel but for the
// channel's offset, so they are compiled into runs once per tap and
// replayed for each channel. col2im first zeroes the absent positions of
// the row, so that a copy run that continues over them adds zeros.
func (e *engine) moveCols(col []float32, ld int, v view, n, g, p0, p1 int, wk *worker, add bool) {
	e.moveChannels(col, ld, len(col)/(ld*e.cin), v, n, g, 0, e.cin, p0, p1, wk, add)
}

// moveChannels is moveCols for the channels [c0, c1) of the tile, whose
// rows col holds, taps rows per channel.
func (e *engine) moveChannels(col []float32, ld, taps int, v view, n, g, c0, c1, p0, p1 int, wk *worker, add bool) {
	l := e.colLines(v, wk)
	join := joins(v, l)
	for t := 0; t < taps; t++ {
		copies, zeros := e.tapRuns(t, p0, p1, join, wk)
		if add && unitRuns(copies) {
			// One call adds the runs of a row, short or long.
			runs := wk.vruns[:0]
			for _, r := range copies {
				runs = append(runs, vec.Run{Pos: r.pos, N: r.n, Off: r.off})
			}
			wk.vruns = runs
			for c := c0; c < c1; c++ {
				i := (c-c0)*taps + t
				row := col[i*ld : i*ld+p1-p0]
				zero(row, zeros)
				vec.AddRuns(v.data[n*v.sn+(g*e.cin+c)*v.sc:], row, runs)
			}
			continue
		}
		for c := c0; c < c1; c++ {
			src := v.data[n*v.sn+(g*e.cin+c)*v.sc:]
			i := (c-c0)*taps + t
			row := col[i*ld : i*ld+p1-p0]
			if add {
				zero(row, zeros)
				for _, r := range copies {
					addStrided(src[r.off:], r.inc, row[r.pos:r.pos+r.n])
				}
				continue
			}
			for _, r := range copies {
				copyStrided(row[r.pos:r.pos+r.n], src[r.off:], r.inc)
			}
			zero(row, zeros)
		}
	}
}

// colLines sets up wk.lines for the gathered-side tensor v and the phase
// wk.sel, and returns it; tapLines then selects a tap.
func (e *engine) colLines(v view, wk *worker) *lines {
	l := &wk.lines
	for a := range e.axes {
		p := &e.axes[a][wk.sel[a]]
		l.count[a], l.step[a], l.limit[a], l.stride[a] = p.count, p.qStep, e.src[a], v.sp[a]
		l.fac[a], l.pst[a] = v.factor(a), 0
		if v.fac != nil {
			l.pst[a] = v.pst[a]
		}
	}
	l.org = v.org
	return l
}

// tapLines points wk.lines at tap combination t of phase wk.sel.
func (e *engine) tapLines(t int, wk *worker) {
	for a := len(e.axes) - 1; a >= 0; a-- {
		p := &e.axes[a][wk.sel[a]]
		wk.lines.start[a] = p.qStart + p.taps[t%len(p.taps)]
		t /= len(p.taps)
	}
}

// Row operations of moveRows.
const (
	gatherRows  = iota // tile ← tensor
	scatterRows        // tensor ← tile + bias
)

// outputRuns returns the copy runs of the output positions [p0, p1) of
// phase wk.sel in the output-side tensor v, into wk.copies: every output
// position exists, so the lines compile into copy runs only.
func (e *engine) outputRuns(v view, p0, p1 int, wk *worker) []run {
	l := &wk.lines
	for a := range e.axes {
		p := &e.axes[a][wk.sel[a]]
		l.count[a], l.start[a], l.step[a], l.limit[a], l.stride[a] = p.count, p.oStart, p.oStep, e.dst[a], v.sp[a]
		l.fac[a] = 1
	}
	l.org = 0
	copies, _ := l.runs(wk.copies[:0], wk.zeros[:0], p0, p1, false)
	return copies
}

// moveRows moves data between the tile t (rows cout, row length ld) and the
// output-side tensor v at batch n, group g, for the output positions
// [p0, p1) of phase wk.sel. bias, if not nil, holds one value per output
// channel and is added by scatterRows. Every output position exists, so
// the lines compile into copy runs only.
func (e *engine) moveRows(t []float32, ld int, v view, n, g, p0, p1 int, wk *worker, op int, bias []float32) {
	copies := e.outputRuns(v, p0, p1, wk)
	for o := 0; o < e.cout; o++ {
		d := v.data[n*v.sn+(g*e.cout+o)*v.sc:]
		row := t[o*ld : o*ld+p1-p0]
		if op == gatherRows {
			for _, r := range copies {
				copyStrided(row[r.pos:r.pos+r.n], d[r.off:], r.inc)
			}
			continue
		}
		var bo float32
		if bias != nil {
			bo = bias[g*e.cout+o]
		}
		for _, r := range copies {
			scatterBias(d[r.off:], r.inc, row[r.pos:r.pos+r.n], bo)
		}
	}
}

// scatterBias sets dst[i·inc] = src[i] + bias.
func scatterBias(dst []float32, inc int, src []float32, bias float32) {
	vec.ScatterBias(dst, inc, src, bias)
}

// copyStrided sets dst[i] = src[i·inc].
func copyStrided(dst, src []float32, inc int) {
	vec.Gather(dst, src, inc)
}

// addStrided adds src[i] to dst[i·inc].
func addStrided(dst []float32, inc int, src []float32) {
	vec.AddInc(dst, inc, src)
}

// colPanels serves the im2col tile of one forward product to
// gemm.SgemmFrom a micro-panel at a time, replaying the compiled runs of
// the current operation's table restricted to the panel's columns, so the
// tile is never stored. Rows of the tile are channel-major, tap-minor, as
// moveCols lays them out, and every channel of a tap has the same runs, so
// the first time a panel is asked for its columns are compiled for each
// tap: into one masked gather (see maskedCopy), the usual case, which
// gemm.GatherTaps, or gemm.GatherTaps2 for lines read at step 2, replays
// for all rows at once, or else into runs clipped to the panel. The later
// depth slices of the tile reuse them. Panels are compiled in increasing
// columns, so each tap keeps a cursor on its first copy and zero run that
// reaches the next panel.
type colPanels struct {
	tab    *runTable
	data   []float32 // the tensor from batch n, group g, channel 0 on
	sc     int       // channel stride of the tensor
	taps   int
	cols   int   // columns of the tile
	entry  int   // table entry of tap 0 of the tile
	cc, zc []int // per tap: index in tab.copies, tab.zeros of its cursor
	nr     int   // the panel width compiled
	ready  int   // panels compiled

	// Entry q·taps + t for tap t of panel q: the base and the mask of its
	// gather, at unit step in mask or at step 2 in mask2 (the other one
	// zero), and the runs segs[lo[i]:lo[i+1]] replayed after it, with
	// positions relative to the panel and zero runs marked by inc < 0;
	// with zero masks the runs fill the whole row.
	base  []int
	mask  []uint64
	mask2 []uint64
	lo    []int
	segs  []run
	mixed []bool // per panel: some tap has runs
	two   []bool // per panel: some tap gathers at step 2
	// blank, per panel, is set where every tap with runs reads nothing
	// (a tap wholly in the padding): for gemm.Direct the panel is then
	// one masked read per tap, with empty masks for those taps.
	blank []bool
}

// compile compiles the next panel, of columns [j0, j1).
func (s *colPanels) compile(j0, j1 int) {
	tab := s.tab
	q := s.ready
	s.ready++
	mixed, two, blank := false, false, true
	for t := 0; t < s.taps; t++ {
		i := q*s.taps + t
		segs := s.segs
		segs = clip(segs, tab.copies[:tab.cs[s.entry+t+1]], &s.cc[t], j0, j1, false)
		copies := len(segs) > len(s.segs)
		segs = clip(segs, tab.zeros[:tab.zs[s.entry+t+1]], &s.zc[t], j0, j1, true)
		base, m, step := maskedCopy(segs[len(s.segs):])
		if m != 0 {
			segs = segs[:len(s.segs)]
		} else {
			blank = blank && !copies
			base, m, step, segs = maskedPart(segs, len(s.segs))
			mixed = true
		}
		s.base[i], s.mask[i], s.mask2[i] = base, 0, 0
		if step == 2 {
			s.mask2[i] = m
			two = true
		} else {
			s.mask[i] = m
		}
		s.segs = segs
		s.lo[i+1] = len(segs)
	}
	s.mixed[q], s.two[q], s.blank[q] = mixed, two, mixed && blank
}

// Panel implements gemm.PanelSource.
func (s *colPanels) Panel(dst []float32, nr, p0, kb, j0, cols int) {
	if nr != s.nr {
		s.start(nr)
	}
	q := j0 / nr
	for s.ready <= q {
		j := s.ready * nr
		s.compile(j, min(j+nr, s.cols))
	}
	ch, t := p0/s.taps, p0%s.taps
	dst = dst[:kb*nr]
	ents := q * s.taps
	gemm.GatherTaps(dst, nr, s.data, s.sc, ch, t, s.base[ents:ents+s.taps], s.mask[ents:ents+s.taps])
	if s.two[q] {
		gemm.GatherTaps2(dst, nr, s.data, s.sc, ch, t, s.base[ents:ents+s.taps], s.mask2[ents:ents+s.taps])
	}
	if !s.mixed[q] {
		return
	}
	for p := 0; p < kb; p++ {
		if i := ents + t; s.lo[i] < s.lo[i+1] {
			row := dst[p*nr : p*nr+nr]
			src := s.data[ch*s.sc:]
			fillRuns(row, src, s.segs[s.lo[i]:s.lo[i+1]])
			if s.mask[i] == 0 && s.mask2[i] == 0 {
				clear(row[cols:])
			}
		}
		if t++; t == s.taps {
			t = 0
			ch++
		}
	}
}

// start forgets the compiled panels and sizes the tables for panels nr
// wide. The tables only grow, so a worker in steady state allocates
// nothing.
func (s *colPanels) start(nr int) {
	s.nr, s.ready = nr, 0
	for t := 0; t < s.taps; t++ {
		s.cc[t], s.zc[t] = s.tab.cs[s.entry+t], s.tab.zs[s.entry+t]
	}
	panels := (s.cols + nr - 1) / nr
	n := panels * s.taps
	if cap(s.base) < n {
		s.base, s.mask, s.mask2, s.lo = make([]int, n), make([]uint64, n), make([]uint64, n), make([]int, n+1)
	}
	if cap(s.mixed) < panels {
		s.mixed, s.two, s.blank = make([]bool, panels), make([]bool, panels), make([]bool, panels)
	}
	s.base, s.mask, s.mask2, s.lo = s.base[:n], s.mask[:n], s.mask2[:n], s.lo[:n+1]
	s.mixed, s.two, s.blank = s.mixed[:panels], s.two[:panels], s.blank[:panels]
	s.lo[0] = 0
	s.segs = s.segs[:0]
}

// maskedCopy reports whether the runs segs of a panel row of at most 64
// columns (zero runs marked by inc < 0) amount to one masked gather: the
// copies all read at one step, 1 or 2, from one base offset (element j at
// base + step·j), and the zero runs, replayed after them, only clear some
// of their columns. It returns the base, the columns that keep data and
// the step; the mask is zero when the runs are no such gather.
func maskedCopy(segs []run) (base int, mask uint64, step int) {
	for _, r := range segs {
		if r.inc < 0 {
			mask &^= colBits(r)
			continue
		}
		if step == 0 {
			step, base = r.inc, r.off-r.inc*r.pos
		}
		if step > 2 || r.inc != step || r.off-r.inc*r.pos != base {
			return 0, 0, 0
		}
		mask |= colBits(r)
	}
	return base, mask, step
}

// maskedPart splits the runs segs[from:] of a panel row that maskedCopy
// rejects, typically a row that spans the end of one line and the start
// of the next, into the masked gather of the copies at step 1 or 2 that
// share the step and the base of the longest one, and the runs left over,
// which it keeps in segs[from:] in their order. The gather clears every
// column outside its mask, so the zero runs are kept only beside other
// copies, which may run over absent elements. With no such gather the mask
// is zero and segs is returned as it is.
func maskedPart(segs []run, from int) (base int, mask uint64, step int, out []run) {
	long := -1
	for i, r := range segs[from:] {
		if (r.inc == 1 || r.inc == 2) && (long < 0 || r.n > segs[from+long].n) {
			long = i
		}
	}
	if long < 0 {
		return 0, 0, 0, segs
	}
	step = segs[from+long].inc
	base = segs[from+long].off - step*segs[from+long].pos
	others := false
	// The copies come before the zero runs, as maskedCopy has them.
	for _, r := range segs[from:] {
		switch {
		case r.inc < 0:
			mask &^= colBits(r)
		case r.inc == step && r.off-step*r.pos == base:
			mask |= colBits(r)
		default:
			others = true
		}
	}
	if mask == 0 {
		return 0, 0, 0, segs
	}
	out = segs[:from]
	if others {
		for _, r := range segs[from:] {
			if r.inc != step || r.off-step*r.pos != base {
				out = append(out, r)
			}
		}
	}
	return base, mask, step, out
}

// colBits returns the columns of the run r of a panel row as a mask.
func colBits(r run) uint64 {
	if r.n == 64 {
		return 1<<64 - 1
	}
	return (uint64(1)<<r.n - 1) << r.pos
}

// tilePath, set by tests, makes every forward product build its im2col
// tile, as it does where implicitForward does not apply; panelPath makes
// implicitForward apply whatever the channels, so that tests compare both
// ways on small geometries too.
var tilePath, panelPath bool

// minPanelChannels is the fewest channels per group for which
// implicitForward serves the GEMM's panels. colPanels compiles the gather
// of every tap once per panel and replays it for each channel, so with few
// channels that fixed cost per panel and tap outweighs what not storing
// the tile saves, whatever the rows and columns of the product. Measured
// on products of 1 to 32 rows, 10³ to 10⁴ columns and 1 to 64 channels of
// 1 to 169 taps: with 8 channels or fewer building the tile is faster
// (1.1× to 10×, most with one channel), with 16 or more the panels are as
// fast or faster (up to 1.2×).
const minPanelChannels = 16

// implicitForward computes the forward product of forwardProduct with
// gemm.SgemmFrom, im2col feeding the GEMM's panels directly, and reports
// whether it did. It needs the operation's run table, gonum's default BLAS
// implementation (an installed one multiplies only a stored tile), a
// product whose panels gemm.GatherTaps fills with vector loads and at
// least minPanelChannels channels: elsewhere building the tile with long
// row copies is faster. Both ways sum in the
// same order, so the choice never changes the bits of the result.
func (e *engine) implicitForward(w []float32, k int, x view, n, g, p0, p1 int, wk *worker, beta float32, c []float32, ldc int) bool {
	tab := &e.tables[e.op]
	if tilePath || !tab.valid || e.cin < minPanelChannels && !panelPath || !gemm.TapsPay(e.cout, p1-p0) {
		return false
	}
	return gemm.SgemmFromPacked(e.cout, p1-p0, k, w, k, e.packedWeights(g, wk), e.colSource(k, x, n, g, p0, p1, wk), beta, c, ldc)
}

// colSource returns wk's colPanels set up for the im2col tile of a forward
// product of depth k, with the operation's run table.
func (e *engine) colSource(k int, x view, n, g, p0, p1 int, wk *worker) *colPanels {
	s := &wk.panels
	taps := k / e.cin
	*s = colPanels{
		tab: &e.tables[e.op], data: x.data[n*x.sn+g*e.cin*x.sc:], sc: x.sc, taps: taps, cols: p1 - p0,
		entry: (wk.phase*e.tiles + wk.tileIdx) * e.tapsMax,
		cc:    s.cc[:taps], zc: s.zc[:taps],
		base: s.base, mask: s.mask, mask2: s.mask2, lo: s.lo, segs: s.segs, mixed: s.mixed, two: s.two, blank: s.blank,
	}
	return s
}

// rowPanels serves the transposed im2col tile of one weight-gradient
// product, op(B) = colᵀ (positions × im2col rows), to gemm.SgemmFrom a
// micro-panel at a time, so the tile is never stored. A panel covers a
// window of kb positions and nr im2col rows; the GEMM asks for the windows
// in increasing positions, so the runs of every tap, clipped to the
// window, are compiled once per window from the operation's run table,
// each tap keeping a cursor on its first run that reaches the next window.
// A row whose window one copy run covers (the usual case: the runs of a
// row join across lines) is packed by gemm.PackRows straight from the
// tensor, and its zero runs, which lie inside the copy run, are cleared in
// the panel afterwards; any other row is first built in a scratch.
type rowPanels struct {
	tab    *runTable
	data   []float32 // the tensor from batch n, group g, channel 0 on
	sc     int       // channel stride of the tensor
	taps   int
	entry  int         // table entry of tap 0 of the tile
	cc, zc []int       // per tap: index in tab.copies, tab.zeros of its cursor
	rows   []float32   // scratch for the rows of one panel
	ptrs   [][]float32 // the rows of one panel
	p0, kb int         // the window compiled, kb = 0 for none

	// Tap t's runs in the window are segs[lo[t]:lo[t+1]], positions
	// relative to the window, zero runs marked by inc < 0. base[t] ≥ 0
	// is the offset of the window's first element when one copy run
	// covers it, −1 otherwise.
	lo   []int
	base []int
	segs []run
}

// window compiles the runs of every tap clipped to the positions
// [p0, p0+kb).
func (s *rowPanels) window(p0, kb int) {
	tab := s.tab
	p1 := p0 + kb
	s.p0, s.kb = p0, kb
	segs := s.segs[:0]
	for t := 0; t < s.taps; t++ {
		s.lo[t] = len(segs)
		s.base[t] = -1
		segs = clip(segs, tab.copies[:tab.cs[s.entry+t+1]], &s.cc[t], p0, p1, false)
		if n := len(segs) - s.lo[t]; n == 1 {
			if r := segs[len(segs)-1]; r.inc == 1 && r.pos == 0 && r.n == kb {
				s.base[t] = r.off
			}
		}
		segs = clip(segs, tab.zeros[:tab.zs[s.entry+t+1]], &s.zc[t], p0, p1, true)
	}
	s.lo[s.taps] = len(segs)
	s.segs = segs
}

// Panel implements gemm.PanelSource.
func (s *rowPanels) Panel(dst []float32, nr, p0, kb, j0, cols int) {
	if p0 != s.p0 || kb != s.kb {
		s.window(p0, kb)
	}
	ptrs := s.ptrs[:cols]
	ch, t := j0/s.taps, j0%s.taps
	for j := range ptrs {
		src := s.data[ch*s.sc:]
		if b := s.base[t]; b >= 0 {
			ptrs[j] = src[b : b+kb]
		} else {
			row := s.rows[j*kb : j*kb+kb]
			fillRuns(row, src, s.segs[s.lo[t]:s.lo[t+1]])
			ptrs[j] = row
		}
		if t++; t == s.taps {
			t = 0
			ch++
		}
	}
	dst = dst[:kb*nr]
	gemm.PackRows(dst, nr, ptrs)
	// The rows packed from the tensor still hold the absent elements
	// their copy run passed over.
	t = j0 % s.taps
	for j := range ptrs {
		if s.base[t] >= 0 {
			for _, r := range s.segs[s.lo[t]+1 : s.lo[t+1]] {
				for p := r.pos; p < r.pos+r.n; p++ {
					dst[p*nr+j] = 0
				}
			}
		}
		if t++; t == s.taps {
			t = 0
		}
	}
}

// rowsPath, set by tests, makes every weight-gradient product that has a
// run table feed the GEMM's panels directly, whatever its runs.
var rowsPath bool

// implicitWeight computes the weight-gradient product of weightProduct,
// gwf += B·im2col(x)ᵀ, with gemm.SgemmFrom, im2col feeding the GEMM's
// transposed panels directly, and reports whether it did. It needs the
// operation's run table, gonum's default BLAS implementation (an installed
// one multiplies only a stored tile), rows packed with vector instructions,
// and copy runs that are on average at least two panel depths long (or
// the whole tile, when it is shorter), so that most rows of a panel are
// packed straight from the tensor: a row built in pieces in the scratch
// costs more than the long row copies of a whole tile. Both ways sum in the same order, so the choice never changes
// the bits of the result.
func (e *engine) implicitWeight(b []float32, ldb int, x view, n, g, c0, c1, p0, p1 int, wk *worker, gwf []float32, k int) bool {
	tab := &e.tables[e.op]
	if tilePath || !tab.valid || !gemm.RowsPay() && !rowsPath {
		return false
	}
	taps, cols := k/e.cin, p1-p0
	entry := (wk.phase*e.tiles + wk.tileIdx) * e.tapsMax
	runs := tab.cs[entry+taps] - tab.cs[entry]
	if min(2*gemm.SliceDepth(cols), cols)*runs > taps*cols && !rowsPath {
		return false
	}
	s := &wk.rowPanels
	*s = rowPanels{
		tab: tab, data: x.data[n*x.sn+(g*e.cin+c0)*x.sc:], sc: x.sc, taps: taps, entry: entry,
		cc: s.cc[:taps], zc: s.zc[:taps], rows: wk.col, ptrs: s.ptrs,
		lo: s.lo[:taps+1], base: s.base[:taps], segs: s.segs,
	}
	for t := 0; t < taps; t++ {
		s.cc[t], s.zc[t] = tab.cs[s.entry+t], tab.zs[s.entry+t]
	}
	return gemm.SgemmFrom(e.cout, (c1-c0)*taps, cols, b, ldb, s, 1, gwf[c0*taps:], k)
}

// col2imBlock is the most floats of the im2col tile that col2im computes
// at a time.
const col2imBlock = 1 << 16

// col2im adds col2im(Wᵀ·B) onto the input channels [c0, c1) of gx for the
// output positions [p0, p1) of phase wk.sel at batch n and group g (see
// dataProduct). The product's rows are computed a block of channels at a
// time and added onto gx at once, while they are still in the cache: the
// whole tile, as large as the second-level cache, would be written out and
// read back. Each element of gx receives the terms of its channel in the
// same order either way. When the channels' rows fit in one block and the
// unit has transposed its weights into wk.wt (see backwardDataUnit), the
// product reads them through wk.packed, packed once for all the tiles of
// the phase.
func (e *engine) col2im(w []float32, k int, b []float32, ldb int, gx view, n, g, c0, c1, p0, p1 int, wk *worker) {
	cols := p1 - p0
	taps := k / e.cin
	if rows := (c1 - c0) * taps; e.dataT && rows*cols <= col2imBlock {
		col := wk.col[:rows*cols]
		gemm.SgemmPacked(false, rows, cols, e.cout, 1, wk.wt, e.cout, &wk.packed, b, ldb, 0, col, cols)
		e.moveChannels(col, cols, taps, gx, n, g, c0, c1, p0, p1, wk, true)
		return
	}
	cb := max(1, col2imBlock/(taps*cols))
	for c := c0; c < c1; c += cb {
		ce := min(c1, c+cb)
		rows := (ce - c) * taps
		col := wk.col[:rows*cols]
		gemm.Sgemm(true, false, rows, cols, e.cout, 1, w[c*taps:], k, b, ldb, 0, col, cols)
		e.moveChannels(col, cols, taps, gx, n, g, c, ce, p0, p1, wk, true)
	}
}

// dotWeights reports whether weight-gradient products go to dotWeight:
// where gemm.SgemmRuns has its vector kernel and the tests do not ask for
// another path.
func dotWeights() bool { return gemm.RunsPay() && !tilePath && !rowsPath }

// dotWeight computes the weight-gradient product of weightProduct,
// gwf += B·im2col(x)ᵀ, with gemm.SgemmRuns, and reports whether it did.
// Both operands are read along the output positions: the rows of B where
// they lie and each row of im2col(x) as the copy runs of its tap, straight
// from the tensor, so that nothing is copied, transposed or cleared. The
// runs of the operation's table do not join rows for this (see
// prepareRuns): a joined run would read the absent elements between them.
// It needs the vector kernel, gonum's default BLAS implementation and
// runs at unit step (see dotSteps): rows read at other steps would have to
// be copied first, and then the packed product, which is faster per
// multiply-add than the dot products, repays its transposes. It sums in
// another order than the packed product, so the bits of its results
// differ from those of the other paths, but the choice depends only on
// the machine and the geometry.
func (e *engine) dotWeight(b []float32, ldb int, x view, n, g, c0, c1, p0, p1 int, wk *worker, gwf []float32, k int) bool {
	if !dotWeights() || !e.dotSteps(x) {
		return false
	}
	cols := p1 - p0
	taps := k / e.cin
	chans := c1 - c0
	data := x.data[n*x.sn+(g*e.cin+c0)*x.sc:]
	if tab := &e.tables[e.op]; tab.valid && len(tab.segs) > 0 {
		// The table holds the segments of every tap, each tap's
		// after the previous one's, so its offsets are the lists.
		j := (wk.phase*e.tiles + wk.tileIdx) * e.tapsMax
		return gemm.SgemmRuns(e.cout, chans, cols, b, ldb, data, x.sc, tab.segs, tab.cs[j:j+taps+1], gwf[c0*taps:], k, taps, 1)
	}
	// The segments of every tap, so that one call reads the rows of B and
	// of the tensor for all the taps while they are in the cache.
	e.colLines(x, wk)
	segs, lists := wk.segs[:0], append(wk.lists[:0], 0)
	for t := 0; t < taps; t++ {
		copies, _ := e.tapRuns(t, p0, p1, false, wk)
		for _, r := range copies {
			segs = append(segs, gemm.Segment{Pos: r.pos, N: r.n, Off: r.off})
		}
		lists = append(lists, len(segs))
	}
	wk.segs, wk.lists = segs, lists
	return gemm.SgemmRuns(e.cout, chans, cols, b, ldb, data, x.sc, segs, lists, gwf[c0*taps:], k, taps, 1)
}

// dotSpan is the most output positions that dotWeightSpan multiplies at
// once: the ten rows that a tile of gemm.SgemmRuns reads for them, 40 KiB,
// stay in a first-level cache of 48 KiB.
const dotSpan = 1024

// dotWeightSpan computes the weight-gradient products of tiles i, i+1, …
// (before last) of the phase wk holds, at batch n and group g, as one
// product of dotWeight over their positions, as many tiles as make at
// most dotSpan positions, and returns how many it did: 0 where fewer than
// two fit, or where dotWeight does not serve with the operation's table,
// or gy's tiles are not its rows (see outputTile). A tile longer than
// dotSpan it computes in pieces instead (see dotWeightPieces). Each tap's segments
// are those of the tiles one after the other, two that continue each
// other in the product and in the tensor joined into one. Tiles sized
// for an im2col buffer can be a few rows long, and the product sums and
// adds its totals onto gwf once per tap and tile of SgemmRuns: longer
// lists of segments spread that over more multiply-adds. The tiles that
// go together depend only on the geometry (the blocks of backwardWeight
// do too), so the bits of the result do not depend on the threads.
func (e *engine) dotWeightSpan(x, gy view, n, g, c0, c1, i, last int, wk *worker, gwf []float32, k int) int {
	tab := &e.tables[e.op]
	if e.small || !dotWeights() || !e.dotSteps(x) || !tab.valid || len(tab.segs) == 0 {
		return 0
	}
	_, pos := e.phaseSize(wk.sel)
	_, p0, p1 := e.tile(i, wk)
	ts := p1 - p0
	if ts > dotSpan {
		if !e.dotWeightPieces(x, gy, n, g, c0, c1, p0, p1, wk, gwf, k) {
			return 0
		}
		return 1
	}
	if ts <= 0 || !e.direct || e.gathered {
		return 0
	}
	span := min(last-i, ceilDiv(pos, ts)-i, dotSpan/ts)
	if span < 2 {
		return 0
	}
	cols := min(pos, p0+span*ts) - p0
	taps := k / e.cin
	segs, lists := wk.segs[:0], append(wk.lists[:0], 0)
	for t := 0; t < taps; t++ {
		first := len(segs)
		for ti := i; ti < i+span; ti++ {
			j := (wk.phase*e.tiles+ti)*e.tapsMax + t
			base := (ti - i) * ts
			for _, sg := range tab.segs[tab.cs[j]:tab.cs[j+1]] {
				sg.Pos += base
				if l := len(segs) - 1; l >= first && segs[l].Pos+segs[l].N == sg.Pos && segs[l].Off+segs[l].N == sg.Off {
					segs[l].N += sg.N
					continue
				}
				segs = append(segs, sg)
			}
		}
		lists = append(lists, len(segs))
	}
	wk.segs, wk.lists = segs, lists
	b, ldb := e.outputTile(gy, true, n, g, p0, p0+cols, wk)
	data := x.data[n*x.sn+(g*e.cin+c0)*x.sc:]
	if !gemm.SgemmRuns(e.cout, c1-c0, cols, b, ldb, data, x.sc, segs, lists, gwf[c0*taps:], k, taps, 1) {
		return 0
	}
	return span
}

// dotWeightPieces computes the weight-gradient product of the tile
// [p0, p1) that wk holds, longer than dotSpan positions, in near-equal
// pieces of at most dotSpan positions, each starting at a multiple of 16
// from p0, so that the rows a tile of gemm.SgemmRuns reads for a piece
// stay in the first-level cache for all the taps, each piece's products
// added onto gwf after the previous one's. A tap's segments are cut where
// a piece ends. It reports whether SgemmRuns served, which it does for
// all pieces or none.
func (e *engine) dotWeightPieces(x, gy view, n, g, c0, c1, p0, p1 int, wk *worker, gwf []float32, k int) bool {
	tab := &e.tables[e.op]
	cols, taps := p1-p0, k/e.cin
	step := ceilDiv(ceilDiv(cols, ceilDiv(cols, dotSpan)), 16) * 16
	b, ldb := e.outputTileOf(gy, n, g, wk.phase, wk.tileIdx, p0, p1, wk)
	data := x.data[n*x.sn+(g*e.cin+c0)*x.sc:]
	entry := (wk.phase*e.tiles + wk.tileIdx) * e.tapsMax
	for q0 := 0; q0 < cols; q0 += step {
		q1 := min(cols, q0+step)
		segs, lists := wk.segs[:0], append(wk.lists[:0], 0)
		for t := 0; t < taps; t++ {
			for _, sg := range tab.segs[tab.cs[entry+t]:tab.cs[entry+t+1]] {
				lo, hi := max(sg.Pos, q0), min(sg.Pos+sg.N, q1)
				if lo < hi {
					segs = append(segs, gemm.Segment{Pos: lo - q0, N: hi - lo, Off: sg.Off + lo - sg.Pos})
				}
			}
			lists = append(lists, len(segs))
		}
		wk.segs, wk.lists = segs, lists
		if !gemm.SgemmRuns(e.cout, c1-c0, q1-q0, b[q0:], ldb, data, x.sc, segs, lists, gwf[c0*taps:], k, taps, 1) {
			return false
		}
	}
	return true
}

// minPackedWeights is the fewest weights per group, input by output channels,
// from which the weight gradient leaves SgemmRuns for the packed product. Its tiles of 6×4 (or
// 5×4) weights read the whole rows of gy and x that they multiply, so each
// row of gy is read again for every four input channels and kernel tap:
// with this many the rows no longer stay in the caches between their
// reads, and the packed product, blocked for the caches, is faster. On 3×3
// convolutions the packed product took 0.75 of the time with 256 channels
// on 14×14 images and 0.8 with 128 on 14×14, the same with 128 on 28×28,
// and 1.15 with 64 on 16×16.
const minPackedWeights = 128 * 128

// dotSteps reports whether the copy runs of the gathered-side tensor v
// all read at unit step: v's last axis is contiguous and every phase
// reads it at step 1, or at the step of its polyphase layout.
func (e *engine) dotSteps(v view) bool {
	last := len(e.axes) - 1
	if v.sp[last] != 1 || e.cin*e.cout >= minPackedWeights {
		return false
	}
	for _, p := range e.axes[last] {
		if p.qStep != v.factor(last) {
			return false
		}
	}
	return true
}

// unitRuns reports whether the copy runs rs all read at unit step.
func unitRuns(rs []run) bool {
	for _, r := range rs {
		if r.inc != 1 {
			return false
		}
	}
	return true
}
