package aniso

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anisoconv/aniso/internal/vec"
)

// parallelMACs is the work, in multiply-adds, below which a call stays on
// the calling goroutine.
const parallelMACs = 1 << 20

// pool holds the package's worker goroutines, shared by every engine. It
// starts them on first use and grows with GOMAXPROCS; a worker takes a
// share of one call at a time, so handing out work allocates nothing.
var pool struct {
	mu   sync.Mutex
	size atomic.Int64
	jobs chan *share
}

// share is one goroutine's part of a parallel call: it takes units from
// the engine until none are left.
type share struct {
	e      *engine
	wk     *worker
	pooled bool
}

func growPool(n int) {
	if int(pool.size.Load()) >= n {
		return
	}
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if pool.jobs == nil {
		pool.jobs = make(chan *share, 256)
	}
	for int(pool.size.Load()) < n {
		go poolWorker(pool.jobs)
		pool.size.Add(1)
	}
}

func poolWorker(jobs <-chan *share) {
	for {
		s := awaitJob(jobs)
		s.e.runShare(s)
	}
}

// spinWait is how long an idle pool worker, and a caller whose shares are
// still running, poll before they block. Waking a blocked goroutine on an
// idle processor takes tens of microseconds, as much as a unit of a call
// of a millisecond: the calls of a training step, and the operations of
// one backward call, follow each other closely enough that polling finds
// the next one.
var spinWait = 100 * time.Microsecond

// awaitJob polls jobs for up to spinWait, yielding the processor between
// polls, then blocks until a job comes.
func awaitJob(jobs <-chan *share) *share {
	for start := time.Now(); time.Since(start) < spinWait; {
		select {
		case s := <-jobs:
			return s
		default:
			runtime.Gosched()
		}
	}
	return <-jobs
}

// Operations of the engine, selected by engine.op for the current call.
const (
	opForward = iota
	opBackwardData
	opBackwardWeight
	opAddPartials
	opSumChannels
	opGatherTiles
	opWinoKernel     // the weights' transform of the Winograd path
	opWinoForward    // the forward pass on the Winograd path
	opWinoWeight     // the weight gradient's sums on the Winograd path
	opWinoKernelGrad // their transform back onto the kernels
)

// maxThreads is the bound set by SetMaxThreads, 0 for none.
var maxThreads atomic.Int64

// SetMaxThreads bounds the goroutines that one call of an operator or a
// plan uses, the calling goroutine included, to n, and returns the previous
// bound. n ≤ 0 removes the bound (the default): a call then uses up to
// GOMAXPROCS goroutines. The bound applies to calls that start after it is
// set; calls running at the same time each have their own goroutines. A
// server that runs several requests at once can set it to keep one
// request's convolution from occupying every processor. Results do not
// depend on the bound. SetMaxThreads is safe for concurrent use.
func SetMaxThreads(n int) (previous int) {
	return int(maxThreads.Swap(int64(max(n, 0))))
}

// threadLimit returns the most goroutines a call of e may use: GOMAXPROCS,
// bounded by SetMaxThreads and by the plan's own bound.
func (e *engine) threadLimit() int {
	n := runtime.GOMAXPROCS(0)
	if m := int(maxThreads.Load()); m > 0 {
		n = min(n, m)
	}
	if e.threads > 0 {
		n = min(n, e.threads)
	}
	return n
}

// run performs the operation set up in e for units [0, units), spread over
// at most threadLimit goroutines when the call does enough work. Units write
// disjoint memory, so results do not depend on the number of goroutines. A
// panic in any unit is re-raised on the calling goroutine once every share
// has finished.
func (e *engine) run(op, units int) {
	e.op, e.units = op, units
	if op <= opBackwardWeight {
		e.small = e.smallProducts(op)
		e.prepareRuns(op)
	}
	e.next.Store(0)
	e.fault = nil
	for _, wk := range e.workers {
		wk.wfKeys, wk.packKey = [3]int{}, 0
	}
	n := min(e.threadLimit(), units, len(e.workers))
	small := e.callMACs() < parallelMACs
	if op == opSumChannels {
		small = volume1(e.sums.shape) < parallelSum
	}
	if small {
		// A plan made for a larger batch, or a small sum: this call is
		// too small to share.
		n = 1
	}
	if n > 1 {
		growPool(n - 1)
		e.left.Store(int64(n - 1))
		e.wg.Add(n - 1)
		for i := 1; i < n; i++ {
			pool.jobs <- &e.shares[i]
		}
	}
	e.runShare(&e.shares[0])
	for start := time.Now(); n > 1 && e.left.Load() > 0 && time.Since(start) < spinWait; {
		runtime.Gosched()
	}
	e.wg.Wait()
	// A plan may wait in the one-shot cache: it must not keep the caller's
	// tensors alive.
	e.out, e.in, e.wc, e.bias, e.gw, e.sumTo, e.sums = view{}, view{}, nil, nil, nil, view{}, channelSums{}
	e.merged = false
	for _, wk := range e.workers {
		wk.panels.data, wk.fixed.data, wk.rowPanels.data = nil, nil, nil
	}
	if e.fault != nil {
		panic(e.fault)
	}
}

// runShare runs units of the current call until none are left.
func (e *engine) runShare(s *share) {
	defer func() {
		if r := recover(); r != nil {
			e.mu.Lock()
			if e.fault == nil {
				e.fault = r
			}
			e.mu.Unlock()
		}
		if s.pooled {
			e.left.Add(-1)
			e.wg.Done()
		}
	}()
	for {
		u := int(e.next.Add(1) - 1)
		if u >= e.units {
			return
		}
		switch e.op {
		case opForward:
			e.forwardUnit(s.wk, u)
		case opBackwardData:
			e.backwardDataUnit(s.wk, u)
		case opBackwardWeight:
			e.backwardWeightUnit(s.wk, u)
		case opAddPartials:
			e.addPartialsUnit(u)
		case opSumChannels:
			e.sumChannelsUnit(u)
		case opGatherTiles:
			e.gatherTileUnit(s.wk, u)
		case opWinoKernel:
			e.winoKernelUnit(u)
		case opWinoForward:
			e.winoForwardUnit(s.wk, u)
		case opWinoWeight:
			e.winoWeightUnit(s.wk, u)
		case opWinoKernelGrad:
			e.winoKernelGradUnit(u)
		}
	}
}

// guard turns a panic inside an operator into an error, so that none
// escapes the public API.
func guard(op string, err *error) {
	if r := recover(); r != nil {
		*err = errorf(op, ErrInternal, "internal error: %v", fmt.Sprint(r))
	}
}

// tile returns the positions [p0, p1) of tile number i of the phase held in
// wk.sel, with the phase's GEMM depth k; p0 ≥ p1 when the phase has fewer
// tiles.
func (e *engine) tile(i int, wk *worker) (k, p0, p1 int) {
	taps, pos := e.phaseSize(wk.sel)
	k = e.cin * taps
	ts := e.phaseTile(wk.sel)
	p0 = i * ts
	wk.tileIdx = i
	return k, p0, min(pos, p0+ts)
}

// forward computes y = Wf·im2col(x) (+ bias) into y, an output-side
// tensor, writing every element. wc holds the weights contiguously.
func (e *engine) forward(y, x view, wc, bias []float32) {
	if e.winoPays(opForward) {
		e.winoForward(y, x, wc, bias)
		return
	}
	if e.polyphaseForward() {
		e.polySrc = x
		x = e.polyLayout()
		defer func() { e.polySrc = view{} }()
	}
	e.out, e.in, e.wc, e.bias = y, x, wc, bias
	e.direct = e.dense && y.rowsContiguous(e.dst)
	// Phases whose outputs interleave along the last axis run together
	// where that axis of y is contiguous, so that each line is written
	// once, with whole vectors.
	e.merged = e.merge > 1 && y.sp[len(y.sp)-1] == 1
	units := e.nphase * e.groups * e.batch * e.tiles
	if e.merged {
		units /= e.merge
	}
	e.run(opForward, units)
}

func (e *engine) forwardUnit(wk *worker, u int) {
	if e.merged {
		e.forwardMerged(wk, u)
		return
	}
	y, x, bias := e.out, e.in, e.bias
	i := u % e.tiles
	u /= e.tiles
	n := u % e.batch
	u /= e.batch
	g := u % e.groups
	r := u / e.groups
	e.enterPhase(r, wk)
	k, p0, p1 := e.tile(i, wk)
	if p0 >= p1 {
		return
	}
	cols := p1 - p0
	w := e.weights(e.wc, g, r, wk)
	if x.fac != nil {
		x = e.polyTile(n, g, 0, e.cin, p0, p1, wk)
	}
	if e.direct {
		c := y.data[n*y.sn+g*e.cout*y.sc+p0:]
		var beta float32
		if bias != nil {
			for o := 0; o < e.cout; o++ {
				row := c[o*y.sc : o*y.sc+cols]
				for j := range row {
					row[j] = bias[g*e.cout+o]
				}
			}
			beta = 1
		}
		e.forwardProduct(w, k, x, n, g, p0, p1, wk, beta, c, y.sc)
		return
	}
	tmp := wk.tmp[:e.cout*cols]
	e.forwardProduct(w, k, x, n, g, p0, p1, wk, 0, tmp, cols)
	e.moveRows(tmp, cols, y, n, g, p0, p1, wk, scatterRows, bias)
}

// forwardMerged is forwardUnit for the e.merge phases of the last axis
// whose outputs interleave (see mergePhases), which share their tiles
// (see phaseTile): a unit computes tile i of each of them into its own
// part of wk.tmp, then writes the tile's lines of y once, each an
// interleave of the phases' rows plus the bias. Each phase's product is
// the one forwardUnit computes for the same tile.
func (e *engine) forwardMerged(wk *worker, u int) {
	y, x, bias, m := e.out, e.in, e.bias, e.merge
	i := u % e.tiles
	u /= e.tiles
	n := u % e.batch
	u /= e.batch
	g := u % e.groups
	r0 := u / e.groups * m
	var cols int
	xv := x
	for j := 0; j < m; j++ {
		e.enterPhase(r0+j, wk)
		k, p0, p1 := e.tile(i, wk)
		if p0 >= p1 {
			return
		}
		cols = p1 - p0
		w := e.weights(e.wc, g, r0+j, wk)
		if x.fac != nil && j == 0 {
			// The phases differ along the last axis alone, so they read
			// the same window of rows.
			xv = e.polyTile(n, g, 0, e.cin, p0, p1, wk)
		}
		e.forwardProduct(w, k, xv, n, g, p0, p1, wk, 0, wk.tmp[j*e.cout*cols:(j+1)*e.cout*cols], cols)
	}
	// The lines of the tile in y, from those of the first phase: a run of
	// c of its positions from y's offset off covers the m·c elements
	// from off on.
	e.enterPhase(r0, wk)
	_, p0, p1 := e.tile(i, wk)
	copies := e.outputRuns(y, p0, p1, wk)
	t := wk.tmp[:m*e.cout*cols]
	for o := 0; o < e.cout; o++ {
		d := y.data[n*y.sn+(g*e.cout+o)*y.sc:]
		var bo float32
		if bias != nil {
			bo = bias[g*e.cout+o]
		}
		for _, r := range copies {
			a := t[o*cols+r.pos:][:r.n]
			b := t[(e.cout+o)*cols+r.pos:][:r.n]
			if m == 2 {
				vec.Interleave2(d[r.off:r.off+2*r.n], a, b, bo)
				continue
			}
			c := t[(2*e.cout+o)*cols+r.pos:][:r.n]
			vec.Interleave3(d[r.off:r.off+3*r.n], a, b, c, bo)
		}
	}
}

// outputTile returns the tile of output-side rows for positions [p0, p1):
// a view straight into v when its rows are contiguous, else a gathered copy
// in wk.tmp. It returns the tile and its leading dimension.
func (e *engine) outputTile(v view, direct bool, n, g, p0, p1 int, wk *worker) ([]float32, int) {
	if direct {
		return v.data[n*v.sn+g*e.cout*v.sc+p0:], v.sc
	}
	cols := p1 - p0
	t := wk.tmp[:e.cout*cols]
	e.moveRows(t, cols, v, n, g, p0, p1, wk, gatherRows, nil)
	return t, cols
}

// Reductions whose terms would otherwise run on too few goroutines are
// split into at most maxChunks fixed blocks, summed into partial buffers of
// at most partialBudget floats in all and added in block order. The split
// depends only on the geometry, so results do not depend on the number of
// threads.
const (
	maxChunks     = 8
	partialBudget = 1 << 24
)

// cheapPartial is the multiply-adds of a reduction per float of partial
// sums (cleared once, added once) above which a reduction of few terms
// takes one term per block: near-equal blocks of several terms each would
// leave threads idle at the end of the pass.
const cheapPartial = 256

// addBlock is the floats of one unit of the addition of partial sums.
const addBlock = 1 << 14

// callMACs returns the multiply-adds of one pass at the current call's
// batch.
func (e *engine) callMACs() int {
	if e.planBatch == 0 {
		return 0
	}
	return e.macs / e.planBatch * e.batch
}

// chunksFor returns the number of blocks for a reduction of items terms
// with results of size floats, when units other independent units already
// run in parallel. A call too small to run in parallel (callMACs below
// parallelMACs, whatever the number of threads) is not split: its partial
// sums would only cost a pass to clear and one to add.
func (e *engine) chunksFor(items, units, size int) int {
	macs := e.callMACs()
	if macs < parallelMACs {
		return 1
	}
	c := min(items, (maxChunks+units-1)/units)
	if items <= 2*maxChunks && items*units <= 2*maxChunks && items*size <= macs/cheapPartial {
		c = items
	}
	return max(1, min(c, 1+partialBudget/max(1, size)))
}

// partials returns the partial buffers of chunks blocks of size floats,
// chunk 0 writing to the result itself. Each unit clears the part of a
// buffer it sums into, so that the clearing runs in parallel too.
func (e *engine) partials(chunks, size int) []float32 {
	n := (chunks - 1) * size
	if len(e.partial) < n {
		e.partial = make([]float32, n)
	}
	return e.partial[:n]
}

// partialView returns the partial buffer of block ch ≥ 1 of a
// backwardData call as a row-major gathered-side tensor, whatever the
// layout of the result.
func (e *engine) partialView(ch int) view {
	vol := volume1(e.src)
	// e.partial may be longer than this call's blocks, left so by a larger
	// one: the blocks' size comes from the geometry.
	size := e.batch * e.groups * e.cin * vol
	return view{data: e.partial[(ch-1)*size : ch*size], sn: e.groups * e.cin * vol, sc: vol, sp: e.srcStrides}
}

// addPartialsTo adds the partial sums of blocks 1… of a backwardData call
// onto gx in block order.
func (e *engine) addPartialsTo(gx view, size int) {
	if e.chunks < 2 {
		return
	}
	if rm := e.partialView(1); gx.sn == rm.sn && gx.sc == rm.sc && sameShape(gx.sp, rm.sp) {
		e.addPartials(gx.data[:size], e.chunks)
		return
	}
	e.sumTo, e.sumRows = gx, true
	e.run(opAddPartials, e.batch*e.groups*e.cin)
}

// addStridedND adds the row-major array src of the given shape onto the
// strided array at dst.
func addStridedND(dst []float32, strides []int, src []float32, shape []int) {
	if len(shape) == 1 {
		addStrided(dst, strides[0], src[:shape[0]])
		return
	}
	inner := volume1(shape[1:])
	for i := 0; i < shape[0]; i++ {
		addStridedND(dst[i*strides[0]:], strides[1:], src[i*inner:], shape[1:])
	}
}

// addPartials adds the partial sums of blocks 1… onto dst in block order,
// in units of addBlock floats.
func (e *engine) addPartials(dst []float32, chunks int) {
	if chunks < 2 {
		return
	}
	e.chunks = chunks
	e.sumTo, e.sumRows = view{data: dst}, false
	e.run(opAddPartials, (len(dst)+addBlock-1)/addBlock)
}

// addPartialsUnit adds the partial sums of blocks 1… onto one block of
// addBlock floats of e.sumTo, or onto one channel row of it when
// e.sumRows is set. Every float is summed in block order whatever the
// unit, so the result does not depend on the number of threads.
func (e *engine) addPartialsUnit(u int) {
	dst := e.sumTo.data
	if e.sumRows {
		gx := e.sumTo
		c := e.groups * e.cin
		n, c := u/c, u%c
		for ch := 1; ch < e.chunks; ch++ {
			p := e.partialView(ch)
			addStridedND(gx.data[n*gx.sn+c*gx.sc:], gx.sp, p.data[n*p.sn+c*p.sc:], e.src)
		}
		return
	}
	size := len(dst)
	i0, i1 := u*addBlock, min(size, (u+1)*addBlock)
	for ch := 1; ch < e.chunks; ch++ {
		vec.Add(dst[i0:i1], e.partial[(ch-1)*size+i0:(ch-1)*size+i1])
	}
}

// backwardData adds col2im(Wfᵀ·gy) onto gx, a contiguous gathered-side
// tensor. Units are (batch, group, block of input channels) triples:
// col2im adds the rows of a channel onto that channel of gx alone, while
// the windows of neighbouring tiles and phases overlap within it. The
// channels are split into as many blocks as keep maxChunks units busy
// (see channelBlocks), each unit doing equal work; only where they are
// not, the units split further into blocks of tiles summed through
// partial sums.
func (e *engine) backwardData(gx, gy view, wc []float32) {
	e.out, e.in, e.wc = gy, gx, wc
	e.direct = e.dense && gy.rowsContiguous(e.dst)
	e.small = e.smallProducts(opBackwardData)
	blocks := e.channelBlocks(ceilDiv(maxChunks, e.batch*e.groups), 1)
	// Each unit transposes its block of the weights, so that col2im can
	// keep them packed across tiles; within the packing budget, with
	// buffers for any block made before the units start, so that calls of
	// other batches allocate nothing.
	need := e.cin * e.tapsMax * e.cout
	e.dataT = !e.small && e.packedSize() > 0 && need <= packBudget
	if e.dataT {
		for _, wk := range e.workers {
			if len(wk.wt) < need {
				wk.wt = make([]float32, need)
			}
		}
	}
	size := e.batch * e.groups * e.cin * volume1(e.src)
	e.chunks = e.chunksFor(e.nphase*e.tiles, e.batch*e.groups*blocks, size)
	e.partials(e.chunks, size)
	e.run(opBackwardData, e.chunks*blocks*e.batch*e.groups)
	e.addPartialsTo(gx, size)
	e.tilesHeld = e.gathered && e.shareTiles
	e.gathered = false
}

// tiledBudget is the most floats of gathered tiles of gy that the backward
// operations hold (4 MiB).
const tiledBudget = 1 << 20

// channelBlocks sets the blocks of input channels into which a backward
// operation splits its units, about want blocks of a multiple of least
// channels, and returns their number. Each unit reads every tile of gy, so
// tiles that are not rows of it are gathered once into e.tiled for all of
// them, unless e.tilesHeld says that e.tiled holds them already. The
// channels stay in one block where those would exceed tiledBudget, where
// the products run as direct loops, and in calls too small to share among
// threads, which chunksFor leaves whole too.
func (e *engine) channelBlocks(want, least int) int {
	tiled := e.planBatch * e.groups * e.nphase * e.tiles * e.cout * e.tmpTile
	e.cblock, e.gathered = e.cin, false
	if e.small || e.callMACs() < parallelMACs || !e.direct && tiled > tiledBudget {
		return 1
	}
	e.cblock = min(e.cin, ceilDiv(ceilDiv(e.cin, max(1, want)), least)*least)
	blocks := ceilDiv(e.cin, e.cblock)
	if e.direct || blocks == 1 {
		return blocks
	}
	e.gathered = true
	if e.tilesHeld {
		return blocks
	}
	if len(e.tiled) < tiled {
		e.tiled = make([]float32, tiled)
	}
	out, in, wc, gw := e.out, e.in, e.wc, e.gw
	e.run(opGatherTiles, e.batch*e.groups*e.nphase*e.tiles)
	// run forgets the operands of each call.
	e.out, e.in, e.wc, e.gw = out, in, wc, gw
	return blocks
}

// gatheredTile returns the slot of e.tiled for tile i of phase r at batch
// n and group g.
func (e *engine) gatheredTile(n, g, r, i int) []float32 {
	size := e.cout * e.tmpTile
	j := ((n*e.groups+g)*e.nphase+r)*e.tiles + i
	return e.tiled[j*size : (j+1)*size]
}

// outputTileOf returns the tile of output-side rows of v for the positions
// [p0, p1) of tile i of phase r, as outputTile does, from e.tiled when
// channelBlocks has filled it.
func (e *engine) outputTileOf(v view, n, g, r, i, p0, p1 int, wk *worker) ([]float32, int) {
	if e.gathered {
		return e.gatheredTile(n, g, r, i), p1 - p0
	}
	return e.outputTile(v, e.direct, n, g, p0, p1, wk)
}

// gatherTileUnit gathers one tile of e.out into e.tiled for the backward
// operations.
func (e *engine) gatherTileUnit(wk *worker, u int) {
	i := u % e.tiles
	u /= e.tiles
	r := u % e.nphase
	u /= e.nphase
	n, g := u%e.batch, u/e.batch
	e.enterPhase(r, wk)
	_, p0, p1 := e.tile(i, wk)
	if p0 < p1 {
		e.moveRows(e.gatheredTile(n, g, r, i), p1-p0, e.out, n, g, p0, p1, wk, gatherRows, nil)
	}
}

func (e *engine) backwardDataUnit(wk *worker, u int) {
	gy, gx := e.out, e.in
	ch := u % e.chunks
	u /= e.chunks
	blocks := ceilDiv(e.cin, e.cblock)
	blk := u % blocks
	u /= blocks
	n, g := u%e.batch, u/e.batch
	c0, c1 := blk*e.cblock, min(e.cin, (blk+1)*e.cblock)
	if ch > 0 {
		gx = e.partialView(ch)
		vol := volume1(e.src)
		clear(gx.data[n*gx.sn+(g*e.cin+c0)*vol : n*gx.sn+(g*e.cin+c1)*vol])
	}
	items := e.nphase * e.tiles
	q0, q1 := ch*items/e.chunks, (ch+1)*items/e.chunks
	for r := q0 / e.tiles; r < e.nphase && r*e.tiles < q1; r++ {
		e.enterPhase(r, wk)
		w := e.channelWeights(e.wc, g, r, c0, c1, wk)
		if key := 1 + (r*e.groups+g)*e.cin + c0; e.dataT && wk.packKey != key {
			// The rows of Wᵀ for the channels [c0, c1), cout wide.
			taps, _ := e.phaseSize(wk.sel)
			k := e.cin * taps
			wt := wk.wt[:(c1-c0)*taps*e.cout]
			for o := 0; o < e.cout; o++ {
				for i, v := range w[o*k+c0*taps : o*k+c1*taps] {
					wt[i*e.cout+o] = v
				}
			}
			wk.packed.Reset()
			wk.packKey = key
		}
		for i := max(0, q0-r*e.tiles); i < e.tiles && r*e.tiles+i < q1; i++ {
			k, p0, p1 := e.tile(i, wk)
			if p0 >= p1 || k == 0 {
				break
			}
			b, ldb := e.outputTileOf(gy, n, g, r, i, p0, p1, wk)
			e.dataProduct(w, k, b, ldb, gx, n, g, c0, c1, p0, p1, wk)
		}
	}
}

// minPackedBlock is the fewest input channels of a block of the weight
// gradient's units where its products run packed. With 16, the product
// of a 3×3 kernel is 144 rows wide, its last panel of 64 mostly empty: a
// backward of (16,128,14,14) took 0.8–0.95 and one of (8,128,28,28) 0.92
// of the time with 32 that it took with 16; 64 measured the same as 32.
const minPackedBlock = 32

// backwardWeight adds Σ gy·im2col(x)ᵀ, unfolded onto the kernel taps, to
// gw, a contiguous tensor in the weights' layout. Units are (group, block
// of input channels) pairs, whose gradients are disjoint, split into
// blocks of (batch, tile) pairs summed through partial sums when there
// are too few of them to keep the threads busy (see channelBlocks). A
// block holds a multiple of four channels, as many as dotWeight reads at
// a time; where dotWeight does not serve, the packed products keep blocks
// of at least minPackedBlock channels, and fewer channels stay whole. The
// chunks of (batch, tile) pairs come from the geometry alone, so the
// bits do too; where dotWeight reads gy in place, the channels then go in
// as few blocks as keep the threads busy, which changes no bits.
func (e *engine) backwardWeight(gw []float32, x, gy view) {
	if e.winoPays(opBackwardWeight) {
		e.winoWeight(gw, x, gy)
		return
	}
	if e.polyphaseWeight() {
		e.polySrc = x
		x = e.polyLayout()
		defer func() { e.polySrc = view{} }()
	}
	e.out, e.in, e.gw = gy, x, gw
	e.direct = e.dense && gy.rowsContiguous(e.dst)
	e.small = e.smallProducts(opBackwardWeight)
	// The other paths multiply with the packed GEMM, whose products a
	// block of a few channels would leave narrow: they keep the channels
	// whole.
	want := 1
	dot := dotWeights() && e.dotSteps(x)
	if dot {
		want = ceilDiv(maxChunks, e.groups)
	} else if e.cin >= 2*minPackedBlock {
		// Blocks of at least minPackedBlock channels keep the packed
		// products wide, and spare the partial sums of the whole
		// gradient that splitting the tiles instead would clear and add.
		want = min(ceilDiv(maxChunks, e.groups), e.cin/minPackedBlock)
	}
	blocks := e.channelBlocks(want, 4)
	e.chunks = e.chunksFor(e.batch*e.tiles, e.groups*blocks, len(gw))
	if dot && e.direct && blocks > 1 {
		// The bits of a weight's gradient depend on the chunks alone,
		// not on how its channels are blocked: units of fewer, wider
		// blocks, as many as keep the threads busy, read each tile of
		// gy once for more channels while it is in the cache.
		blocks = min(blocks, ceilDiv(e.threadLimit(), e.chunks*e.groups))
		e.cblock = ceilDiv(ceilDiv(e.cin, blocks), 4) * 4
		blocks = ceilDiv(e.cin, e.cblock)
	}
	e.partials(e.chunks, len(gw))
	e.run(opBackwardWeight, e.chunks*blocks*e.groups)
	e.addPartials(gw, e.chunks)
	e.gathered, e.tilesHeld = false, false
}

func (e *engine) backwardWeightUnit(wk *worker, u int) {
	gy, x, gw, chunks := e.out, e.in, e.gw, e.chunks
	per := e.cout * e.cin * e.kvol
	ch := u % chunks
	u /= chunks
	blocks := ceilDiv(e.cin, e.cblock)
	blk, g := u%blocks, u/blocks
	c0, c1 := blk*e.cblock, min(e.cin, (blk+1)*e.cblock)
	target := gw
	if ch > 0 {
		target = e.partial[(ch-1)*len(gw) : ch*len(gw)]
		for o := 0; o < e.cout; o++ {
			row := (g*e.cout + o) * e.cin
			clear(target[(row+c0)*e.kvol : (row+c1)*e.kvol])
		}
	}
	items := e.batch * e.tiles
	q0, q1 := ch*items/chunks, (ch+1)*items/chunks
	for r := 0; r < e.nphase; r++ {
		e.enterPhase(r, wk)
		taps, _ := e.phaseSize(wk.sel)
		k := e.cin * taps
		if k == 0 {
			continue
		}
		gwf := target[g*per : (g+1)*per]
		if !e.unfolded {
			wk.wfKeys[0] = 0
			gwf = wk.wf[:e.cout*k]
			clear(gwf)
		}
		for q := q0; q < q1; q++ {
			n, i := q/e.tiles, q%e.tiles
			xv, last := x, min(e.tiles, q1-n*e.tiles)
			if x.fac != nil {
				// Each tile reads its own window of the polyphase
				// layout, so no product spans two tiles.
				_, p0, p1 := e.tile(i, wk)
				if p0 >= p1 {
					continue
				}
				xv, last = e.polyTile(n, g, c0, c1, p0, p1, wk), i+1
			}
			if span := e.dotWeightSpan(xv, gy, n, g, c0, c1, i, last, wk, gwf, k); span > 0 {
				q += span - 1
				continue
			}
			_, p0, p1 := e.tile(i, wk)
			if p0 >= p1 {
				continue
			}
			b, ldb := e.outputTileOf(gy, n, g, r, i, p0, p1, wk)
			e.weightProduct(b, ldb, xv, n, g, c0, c1, p0, p1, wk, gwf, k)
		}
		if !e.unfolded {
			e.unfold(target, gwf, g, c0, c1, wk)
		}
	}
}
