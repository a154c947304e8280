package aniso

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/anisoconv/aniso/internal/gemm"
	"github.com/anisoconv/aniso/internal/vec"
)

// The engine computes one generalised correlation
//
//	y[n, g·cout+o, p] = Σ_c Σ_t Wf[g·cout+o, c, t] · x[n, g·cin+c, base(p)+tap(t)]
//
// where x is the gathered side (cin channels per group, spatial sizes src)
// and y the output side (cout channels per group, spatial sizes dst). Each
// spatial axis splits its outputs into phases (see axisPhase); a phase of
// the whole tensor picks one phase per axis. Within a phase the taps are
// fixed, so the phase is an ordinary strided convolution of the original x
// and runs as im2col plus one GEMM per tile of output positions. Conv,
// Deconv, StretchConv and their gradients are all this computation or its
// two adjoints (backwardData and backwardWeight).

// axisPhase is one output phase of one spatial axis. Its outputs are
//
//	o(i) = oStart + i·oStep,   0 ≤ i < count,
//
// and output i reads the source samples base(i) + taps[t] with
//
//	base(i) = qStart + i·qStep;
//
// samples outside [0, src) read as zero. fold[t] lists the kernel taps whose
// weights add up to the weight of tap t.
type axisPhase struct {
	oStart, oStep, count int
	qStart, qStep        int
	taps                 []int
	fold                 [][]int
}

// axisPhases splits one axis of a stretched convolution into its phases:
// out outputs, kernel k with dilation d and stride s over the source
// stretched by u in the given mode, padded by lo at the start. For u = 1 it
// is a single phase with taps j·d. Output o reads stretched positions
// t = o·s + j·d − lo; writing o·s − lo = q·u + r, it reads the source sample
// ⌊(r + j·d)/u⌋ + q (Nearest) or (r + j·d)/u + q when u divides r + j·d
// (Zeros). r repeats with period u/gcd(s, u) in o.
func axisPhases(out, k, s, d, lo, u int, mode StretchMode) []axisPhase {
	period := u / gcd(s, u)
	var ps []axisPhase
	for o0 := 0; o0 < period && o0 < out; o0++ {
		t0 := o0*s - lo
		r := floorMod(t0, u)
		p := axisPhase{
			oStart: o0,
			oStep:  period,
			count:  (out - o0 + period - 1) / period,
			qStart: floorDiv(t0, u),
			qStep:  s / gcd(s, u),
		}
		for j := 0; j < k; j++ {
			off := r + j*d
			if mode == Zeros && off%u != 0 {
				continue
			}
			if last := len(p.taps) - 1; last >= 0 && p.taps[last] == off/u {
				p.fold[last] = append(p.fold[last], j)
				continue
			}
			p.taps = append(p.taps, off/u)
			p.fold = append(p.fold, []int{j})
		}
		ps = append(ps, p)
	}
	return ps
}

// engine is a validated geometry with its scratch. Its operations take the
// tensors as arguments and keep them only for the duration of the call, so
// an engine serves one call at a time.
type engine struct {
	batch, groups int   // batch: the one planned, then that of the current call, never more
	planBatch     int   // the batch planned
	cin, cout     int   // channels per group on the gathered and output sides
	src, dst      []int // spatial sizes of the gathered and output sides
	srcStrides    []int // row-major strides of src, for the partial sums of backwardData
	kernel        []int
	kvol          int // Π kernel
	axes          [][]axisPhase
	nphase        int  // Π len(axes[a])
	unfolded      bool // one phase whose taps are the kernel's: weights are used as they are
	shared        bool // every group has group 0's weights (UnpoolND's ones)
	dense         bool // one phase covering dst in order: tiles are plain column blocks
	tiles         int  // tiles per phase, the most over all phases
	colSize       int  // scratch floats for one im2col tile
	tapsMax       int  // most taps of any phase, Π over axes
	tmpTile       int  // most output positions of any tile
	merge         int  // phases of the last axis whose outputs interleave (see mergePhases), 0 for none
	linesMax      int  // most lines of any tile's walk
	foldMax       int  // most kernel taps folded into one tap combination
	macs          int  // multiply-adds of one pass (saturating), also the parallel threshold

	// Scratch, one worker per goroutine, and the shares handed to them.
	threads int // most goroutines per call set by the plan, 0 for no bound of its own
	workers []*worker
	shares  []share
	partial []float32   // partial sums of the backward reductions, made on first use
	poly    polyphase   // the polyphase layout of the gathered side, if it has one
	polySrc view        // the input of a call whose products read it in polyphase layout
	tiled   []float32   // backwardData's gathered tiles of gy, made on first use
	tables  [3]runTable // compiled im2col runs of each operation
	wino    *winoPlan   // the Winograd form of a 3×3 geometry, nil for others

	// The current call: its operation, operands and progress.
	op, units int
	out, in   view // output-side and gathered-side operands
	wc, bias  []float32
	gw        []float32
	direct    bool // output-side rows go to the GEMM without a copy
	merged    bool // the forward units compute the e.merge phases of the last axis together
	small     bool // products run as direct loops (see smallProducts)
	chunks    int
	cblock    int  // input channels per unit of backwardData
	gathered  bool // the backward operation's tiles of e.out are in e.tiled
	dataT     bool // backwardData's units transpose their weights into wk.wt
	// shareTiles is set during a backward call whose weight gradient
	// follows its data adjoint on the same gy, and tilesHeld once the
	// data adjoint has gathered gy's tiles into e.tiled for both.
	shareTiles, tilesHeld bool
	sumTo                 view // the result that opAddPartials adds partial sums onto
	sumRows               bool // whether opAddPartials adds by channel rows, sumTo being strided
	sums                  channelSums
	next                  atomic.Int64
	left                  atomic.Int64 // pooled shares of the current call still running
	wg                    sync.WaitGroup
	mu                    sync.Mutex
	fault                 any
}

// colBudget is the number of floats an im2col tile aims at: large enough to
// amortise the GEMM call and its packing, small enough (1 MiB) to stay in
// the second-level cache.
const colBudget = 1 << 18

// minTile is the fewest output positions per tile while the tile stays
// within tileMax floats; beyond that a tile shrinks down to one position.
const minTile = 64

// tileMax bounds the floats of an im2col tile and of an output tile: 16 MiB
// each, whatever the geometry.
const tileMax = 1 << 22

// scratchBudget is the most floats of scratch the workers of one engine
// hold together, unless one worker needs more: an engine has fewer workers
// than threads rather than more scratch.
const scratchBudget = 1 << 26

// axisSpec is the geometry of one spatial axis: kernel k, stride s,
// dilation d, padding lo before the axis, and stretch u.
type axisSpec struct{ k, s, d, lo, u int }

// Limits on the phase tables, which grow with the stretch factor: a
// stretch far beyond the output length would otherwise make one phase per
// output. A phase costs about 200 bytes of tables and a tap about 100, so
// the tables stay within a few tens of MiB whatever the geometry.
const (
	maxAxisTaps = 1 << 18 // phases times kernel taps of one axis
	maxPhases   = 1 << 16 // phases of the whole tensor
)

// newEngine builds the engine of a geometry whose output-side spatial
// sizes dst have already been validated.
func newEngine(op string, batch, groups, cin, cout int, src, dst []int, specs []axisSpec, mode StretchMode) (*engine, error) {
	if cout > maxRows {
		return nil, errorf(op, ErrTooLarge, "%d output channels per group, more than %d", cout, maxRows)
	}
	e := &engine{
		batch: batch, planBatch: batch, groups: groups, cin: cin, cout: cout,
		src: src, dst: dst, srcStrides: rowMajor(src), kernel: make([]int, len(specs)), axes: make([][]axisPhase, len(specs)),
		kvol: 1, nphase: 1, unfolded: true, dense: true,
	}
	for a, sp := range specs {
		nph := min(sp.u/gcd(sp.s, sp.u), dst[a])
		if taps, ok := mul(nph, sp.k); !ok || taps > maxAxisTaps || e.nphase*nph > maxPhases {
			return nil, errorf(op, ErrTooLarge, "axis %d: kernel %d with stretch %d and stride %d gives %d output phases of up to %d taps, more than %d phase taps per axis or %d phases in all", a, sp.k, sp.u, sp.s, nph, sp.k, maxAxisTaps, maxPhases)
		}
		e.nphase *= nph
		e.kernel[a] = sp.k
		e.axes[a] = axisPhases(dst[a], sp.k, sp.s, sp.d, sp.lo, sp.u, mode)
	}
	e.merge = mergePhases(e.axes[len(e.axes)-1])
	e.nphase = 1
	for a, ps := range e.axes {
		e.kvol *= e.kernel[a]
		e.nphase *= len(ps)
		if len(ps) != 1 {
			e.unfolded, e.dense = false, false
			continue
		}
		p := ps[0]
		if p.oStart != 0 || p.oStep != 1 || p.count != dst[a] {
			e.dense = false
		}
		if len(p.taps) != e.kernel[a] {
			e.unfolded = false
		}
		for t, f := range p.fold {
			if len(f) != 1 || f[0] != t {
				e.unfolded = false
			}
		}
	}
	sel := make([]int, len(e.axes))
	for r := 0; r < e.nphase; r++ {
		e.selectPhase(r, sel)
		taps, pos := e.phaseSize(sel)
		k := cin * taps
		tile := e.phaseTile(sel)
		col, ok := mul(k, tile)
		if !ok || col > MaxElements {
			return nil, errorf(op, ErrTooLarge, "im2col tile of %d×%d exceeds %d elements", k, tile, MaxElements)
		}
		e.colSize = max(e.colSize, col)
		e.tmpTile = max(e.tmpTile, tile)
		// The lines of a walk over tile positions: whole lines of the last
		// axis plus the two partial ones at the ends.
		last := e.axes[len(e.axes)-1][sel[len(sel)-1]].count
		e.linesMax = max(e.linesMax, min(tile, (tile+last-1)/last+1))
		if w, ok := mul(batch*groups*cout, k*pos); ok {
			e.macs = min(e.macs+w, math.MaxInt/2)
		} else {
			e.macs = math.MaxInt / 2
		}
		e.tapsMax = max(e.tapsMax, taps)
		if tile > 0 {
			e.tiles = max(e.tiles, (pos+tile-1)/tile)
		}
	}
	e.planPolyphase()
	e.planWino()
	e.foldMax = 1
	if !e.unfolded {
		for _, ps := range e.axes {
			most := 1
			for _, p := range ps {
				for _, f := range p.fold {
					most = max(most, len(f))
				}
			}
			e.foldMax *= most
		}
	}
	if batch == 0 {
		// Nothing will run: the worker needs no scratch, however many
		// channels the empty tensors have.
		e.colSize, e.tmpTile, e.linesMax, e.foldMax = 0, 0, 0, 0
	}
	// The forward pass has the most units; more workers than that would
	// only hold scratch, and together they stay within scratchBudget.
	nw := 1
	if e.macs >= parallelMACs {
		nw = min(runtime.GOMAXPROCS(0), e.nphase*groups*batch*e.tiles, max(1, scratchBudget/e.workerScratch()))
	}
	e.workers = make([]*worker, nw)
	e.shares = make([]share, nw)
	for i := range e.workers {
		e.workers[i] = e.newWorker()
		e.shares[i] = share{e: e, wk: e.workers[i], pooled: i > 0}
	}
	return e, nil
}

// workerScratch returns the floats of scratch one worker holds, counting
// an int or a run as the floats it occupies (three runs per line).
func (e *engine) workerScratch() int {
	n := e.colSize + max(1, e.merge)*e.cout*e.tmpTile + 24*e.linesMax + 2*e.foldMax + e.packedSize()
	if !e.unfolded {
		n += e.cout*e.cin*e.tapsMax + 4*e.kvol
	}
	return max(1, n)
}

// packBudget is the most floats of packed weights a worker holds: 4 MiB.
// Larger weights are packed for each tile, as the engine holds no scratch
// of their size until they are passed (see makeFolded).
const packBudget = 1 << 20

// packedSize returns the floats of a worker's packed weights, those of one
// phase and group packed for the GEMM's kernel; 0 for an empty batch or
// beyond packBudget.
func (e *engine) packedSize() int {
	if e.planBatch == 0 {
		return 0
	}
	if n := gemm.PackedSize(e.cout, e.cin*e.tapsMax); n <= packBudget {
		return n
	}
	return 0
}

// packedWeights returns wk's packed weights, to hold those of group g and
// the phase wk.sel. The weights are the same for every tile of a phase
// and group in a call, so each worker packs them once; run forgets them
// at the start of every call (packKey 0), as the weights may change
// between calls.
func (e *engine) packedWeights(g int, wk *worker) *gemm.PackedA {
	if key := 1 + wk.phase*e.groups + g; wk.packKey != key {
		wk.packed.Reset()
		wk.packKey = key
	}
	return &wk.packed
}

// enterPhase selects phase r for worker wk.
func (e *engine) enterPhase(r int, wk *worker) {
	e.selectPhase(r, wk.sel)
	wk.phase = r
}

// selectPhase decodes phase index r into one phase per axis, last axis
// fastest.
func (e *engine) selectPhase(r int, sel []int) {
	for a := len(e.axes) - 1; a >= 0; a-- {
		n := len(e.axes[a])
		sel[a] = r % n
		r /= n
	}
}

// phaseSize returns the number of tap combinations and output positions of
// the phase sel.
func (e *engine) phaseSize(sel []int) (taps, pos int) {
	taps, pos = 1, 1
	for a, s := range sel {
		p := &e.axes[a][s]
		taps *= len(p.taps)
		pos *= p.count
	}
	return taps, pos
}

// mergePhases returns the number of phases of an axis, ps, when their
// outputs interleave: phase j has the outputs j + i·len(ps), 0 ≤ i < count,
// with the same count for every phase, so that every line of outputs along
// the axis holds the same positions of each phase, side by side. The
// forward pass then computes the phases of a tile together and writes each
// line of outputs once, interleaving them (see forwardMerged), rather than
// each phase storing every len(ps)-th element of every line in a pass of
// its own. It returns 0 for one phase, more than 3, or phases that do not
// interleave so.
func mergePhases(ps []axisPhase) int {
	if len(ps) < 2 || len(ps) > 3 {
		return 0
	}
	for j, p := range ps {
		if p.oStart != j || p.oStep != len(ps) || p.count != ps[0].count {
			return 0
		}
	}
	return len(ps)
}

// phaseTile returns the output positions per tile of phase sel. Phases
// that forwardMerged computes together have the same tiles, those of the
// one among them with the most taps, so that their tiles cover the same
// lines of outputs; its tile fits the scratch of every other.
func (e *engine) phaseTile(sel []int) int {
	taps, pos := e.phaseSize(sel)
	if e.merge > 1 {
		last := len(sel) - 1
		own := len(e.axes[last][sel[last]].taps)
		most := 0
		for _, p := range e.axes[last] {
			most = max(most, len(p.taps))
		}
		if own > 0 {
			taps = taps / own * most
		} else {
			// The phase has no taps, so taps is 0: count those of the
			// other axes afresh.
			taps = most
			for a, s := range sel[:last] {
				taps *= len(e.axes[a][s].taps)
			}
		}
	}
	return e.tileFor(e.cin*taps, pos)
}

// tileFor returns the output positions per tile for a phase with GEMM depth
// k and pos positions: about colBudget floats of im2col tile (of output
// tile for a phase without taps, which still writes its cout rows), at
// least minTile positions, but never more than tileMax floats of either
// tile (maxRows keeps one position within it).
func (e *engine) tileFor(k, pos int) int {
	t := max(minTile, colBudget/max(k, 1))
	if k == 0 {
		t = max(minTile, colBudget/max(e.cout, 1))
	}
	if rows := max(k, e.cout, 1); rows*t > tileMax {
		t = max(1, tileMax/rows)
	}
	t = min(pos, t)
	if t == 0 {
		return 0
	}
	// The phase's tiles are made near equal, rounded up to a multiple of
	// tileAlign positions within the bound: a short last tile would be a
	// unit of its own, left for one thread while the others idle at the end
	// of a pass.
	n := (pos + t - 1) / t
	even := (pos + n - 1) / n
	return min(t, (even+tileAlign-1)/tileAlign*tileAlign)
}

// tileAlign is the multiple of positions that near-equal tiles are rounded
// up to, so that they fill whole column blocks of the GEMM's kernels.
const tileAlign = 16

// view is a tensor seen as batch × channels × spatial with its strides.
//
// A view made by polyLayout or polyTile holds its tensor in polyphase
// layout: along an axis a with fac[a] > 1, element s is at
// (s mod fac[a])·pst[a] + ⌊s/fac[a]⌋·sp[a], less org·sp[0] along the
// first axis (see polyphase).
// fac is nil for a plain view.
type view struct {
	data     []float32
	sn, sc   int
	sp       []int
	fac, pst []int
	org      int
}

// factor returns the polyphase factor of axis a of v, 1 for a plain axis.
func (v view) factor(a int) int {
	if v.fac == nil {
		return 1
	}
	return v.fac[a]
}

// rowsContiguous reports whether v's spatial part is row-major contiguous
// with a channel stride usable as a matrix leading dimension, so a block of
// output positions can be handed to the GEMM without a copy.
func (v view) rowsContiguous(dst []int) bool {
	s := 1
	for a := len(dst) - 1; a >= 0; a-- {
		if dst[a] != 1 && v.sp[a] != s {
			return false
		}
		s *= dst[a]
	}
	return v.sc >= s
}

// tableBytes returns the bytes of the engine's tables and of its workers'
// scratch other than floats.
func (e *engine) tableBytes() int {
	n := len(e.workers) * 3 * e.linesMax * int(unsafe.Sizeof(run{}))
	for i := range e.tables {
		t := &e.tables[i]
		n += (cap(t.copies)+cap(t.zeros))*int(unsafe.Sizeof(run{})) + 8*(cap(t.cs)+cap(t.zs)+cap(t.strides)) + cap(t.segs)*int(unsafe.Sizeof(gemm.Segment{}))
		ps := t.panels[:cap(t.panels)]
		for j := range ps {
			s := &ps[j]
			n += int(unsafe.Sizeof(*s)) + 8*(cap(s.base)+cap(s.mask)+cap(s.mask2)+cap(s.lo)) + 3*cap(s.mixed) + cap(s.segs)*int(unsafe.Sizeof(run{}))
		}
	}
	for _, wk := range e.workers {
		n += cap(wk.segs)*int(unsafe.Sizeof(gemm.Segment{})) + 8*cap(wk.lists) + cap(wk.vruns)*int(unsafe.Sizeof(vec.Run{}))
		s := &wk.panels
		n += 8*(cap(s.cc)+cap(s.zc)+cap(s.base)+cap(s.mask)+cap(s.lo)) + cap(s.mixed) + cap(s.two) + cap(s.blank) + cap(s.segs)*int(unsafe.Sizeof(run{}))
		r := &wk.rowPanels
		n += 8*(cap(r.cc)+cap(r.zc)+cap(r.lo)+cap(r.base)) + 24*cap(r.ptrs) + cap(r.segs)*int(unsafe.Sizeof(run{}))
	}
	return n
}

// worker is the scratch of one goroutine.
type worker struct {
	col, tmp, wf []float32 // wf is made on first use, see makeFolded
	ufrom, uto   []int     // the pairs of unfold, made with wf
	jlist        []int
	copies       []run // the copy runs of one im2col row
	zeros        []run // the zero runs of one im2col row
	sel, tap     []int
	lines        lines
	panels       colPanels
	fixed        colPanels // panels of the forward table, see directPanels
	base1        [1]int    // the base and the mask of a gathered panel for gemm.Direct
	mask1        [1]uint64 //
	rowPanels    rowPanels
	segs         []gemm.Segment // the segments of every tap for dotWeight
	lists        []int          // where each tap's segments start in segs
	vruns        []vec.Run      // the copy runs of one tap for col2im
	wfKeys       [3]int         // per slot of wf (see channelWeights), 1 + phase·groups + group held there, 0 for none
	packed       gemm.PackedA
	pa           []float32       // the buffer of packed
	wt           []float32       // a block of the transposed weights, made on first use by backwardData
	poly         []float32       // the input of a tile in polyphase layout, made on first use (see polyTile)
	wino         []float32       // the transforms of a Winograd unit, made on first use (see winoScratch)
	wseg         [1]gemm.Segment // the tiles of a Winograd unit, for its weight gradient's products
	wlist        [2]int          //
	packKey      int             // 1 + phase·groups + group whose weights packed holds, 0 for none
	phase        int             // the phase held in sel
	tileIdx      int             // the tile last selected by tile
}

func (e *engine) newWorker() *worker {
	nax := len(e.axes)
	w := &worker{
		col:    make([]float32, e.colSize),
		tmp:    make([]float32, max(1, e.merge)*e.cout*e.tmpTile),
		jlist:  make([]int, 0, e.foldMax),
		copies: make([]run, 0, e.linesMax),
		zeros:  make([]run, 0, 2*e.linesMax),
		sel:    make([]int, nax),
		tap:    make([]int, nax),
		pa:     make([]float32, e.packedSize()),
		segs:   make([]gemm.Segment, 0, e.linesMax),
		vruns:  make([]vec.Run, 0, e.linesMax),
		lists:  make([]int, 0, e.tapsMax+1),
	}
	w.packed = gemm.NewPackedA(w.pa)
	w.wlist[1] = 1
	w.lines.init(nax)
	if e.nphase*e.tiles*e.tapsMax >= tableBudget {
		// No run table, so no panels to serve (see implicitForward).
		return w
	}
	w.panels.cc, w.panels.zc = make([]int, e.tapsMax), make([]int, e.tapsMax)
	w.rowPanels.cc, w.rowPanels.zc = make([]int, e.tapsMax), make([]int, e.tapsMax)
	w.rowPanels.lo, w.rowPanels.base = make([]int, e.tapsMax+1), make([]int, e.tapsMax)
	w.rowPanels.ptrs = make([][]float32, gemm.MaxPanel)
	return w
}

// weights returns the weights of phase wk.sel for group g as a
// cout × (cin·taps) row-major matrix: the contiguous weights themselves
// when no folding is needed, otherwise the folded weights in wk.wf.
func (e *engine) weights(wc []float32, g, r int, wk *worker) []float32 {
	return e.channelWeights(wc, g, r, 0, e.cin, wk)
}

// channelWeights is weights where only the columns of the input channels
// [c0, c1) are wanted: folded weights are folded for those alone. Within
// one call of the engine, c1 is the same for every c0.
func (e *engine) channelWeights(wc []float32, g, r, c0, c1 int, wk *worker) []float32 {
	per := e.cout * e.cin * e.kvol
	if e.shared {
		g = 0
	}
	if e.unfolded {
		return wc[g*per : (g+1)*per]
	}
	taps, _ := e.phaseSize(wk.sel)
	n := e.cout * e.cin * taps
	// The forward units that compute the merged phases together keep the
	// folded weights of each in a slot of its own, so that they fold them
	// once per call rather than once per unit.
	slot := 0
	if e.merged {
		slot = r % e.merge
	}
	wf := wk.wf[slot*e.cout*e.cin*e.tapsMax:][:n]
	if key := 1 + (r*e.groups+g)*e.cin + c0; wk.wfKeys[slot] != key {
		for t := 0; t < taps; t++ {
			js := e.foldList(t, wk)
			for o := 0; o < e.cout; o++ {
				for c := c0; c < c1; c++ {
					oc := o*e.cin + c
					row := wc[(g*e.cout*e.cin+oc)*e.kvol:]
					var s float32
					for _, j := range js {
						s += row[j]
					}
					wf[oc*taps+t] = s
				}
			}
		}
		wk.wfKeys[slot] = key
	}
	return wf
}

// makeFolded gives every worker its buffer for the folded weights of one
// phase and group (of each of the merged phases, see channelWeights), and
// for the pairs of unfold, if the engine folds and
// they have none yet. The weight buffers
// are as large as a group's weights, so they are made when weights of that
// size are first passed rather than with the engine; all at once, before
// the workers start, so that later calls allocate nothing whichever
// workers run.
func (e *engine) makeFolded() {
	if e.unfolded || e.workers[0].wf != nil {
		return
	}
	for _, wk := range e.workers {
		wk.wf = make([]float32, max(1, e.merge)*e.cout*e.cin*e.tapsMax)
		// A kernel tap folds into one tap combination of a phase.
		wk.ufrom = make([]int, e.kvol)
		wk.uto = make([]int, 0, e.kvol)
	}
}

// unfold adds the folded weight gradient gwf of phase wk.sel and group g,
// for the input channels [c0, c1), back onto the kernel taps of gw. A kernel tap folds into at most one tap
// combination of a phase, so each element of gw receives at most one term:
// the tap combination of every kernel tap is listed once, and then each
// contiguous row of gw gathers its terms in one pass.
func (e *engine) unfold(gw, gwf []float32, g, c0, c1 int, wk *worker) {
	taps, _ := e.phaseSize(wk.sel)
	from := wk.ufrom[:e.kvol]
	for j := range from {
		from[j] = -1
	}
	for t := 0; t < taps; t++ {
		for _, j := range e.foldList(t, wk) {
			from[j] = t
		}
	}
	// Compact the kernel taps that receive a term, for a loop without a
	// test; in Nearest mode that is all of them.
	to := wk.uto[:0]
	k := 0
	for j, t := range from {
		if t >= 0 {
			from[k] = t
			to = append(to, j)
			k++
		}
	}
	from = from[:k]
	for o := 0; o < e.cout; o++ {
		for oc := o*e.cin + c0; oc < o*e.cin+c1; oc++ {
			row := gw[(g*e.cout*e.cin+oc)*e.kvol:][:e.kvol]
			f := gwf[oc*taps:][:taps]
			if k == e.kvol {
				for j, t := range from {
					row[j] += f[t]
				}
				continue
			}
			for i, j := range to {
				row[j] += f[from[i]]
			}
		}
	}
}

// foldList returns the flat kernel indices folded into tap combination t
// of phase wk.sel. The result lives in wk.jlist until the next call.
func (e *engine) foldList(t int, wk *worker) []int {
	nax := len(e.axes)
	for a := nax - 1; a >= 0; a-- {
		n := len(e.axes[a][wk.sel[a]].taps)
		wk.tap[a] = t % n
		t /= n
	}
	js := append(wk.jlist[:0], 0)
	for a := 0; a < nax; a++ {
		f := e.axes[a][wk.sel[a]].fold[wk.tap[a]]
		n := len(js)
		for m := 1; m < len(f); m++ {
			js = append(js, js[:n]...)
		}
		for m, j := range f {
			for i := m * n; i < (m+1)*n; i++ {
				js[i] = js[i]*e.kernel[a] + j
			}
		}
	}
	wk.jlist = js
	return js
}
