package aniso

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/anisoconv/aniso/internal/gemm"
	"github.com/anisoconv/aniso/internal/vec"
	"github.com/anisoconv/aniso/internal/wino"
)

// A 2-D correlation with a 3×3 kernel of unit stride, dilation and stretch
// runs its forward pass and its weight gradient by Winograd's minimal
// filtering algorithm F(2×2, 3×3) (see internal/wino): each 2×2 tile of
// the output takes 16 multiplications per pair of channels where the
// direct product takes 36, so the products shrink to 4/9 of their work
// for a few additions that transform the tiles. The data gradient of such
// a convolution is one too, run by the adjoint engine (see adjoint.go).
//
// The output's tiles, taken row after row, are cut into units of up to
// winoTiles tiles, a multiple of the product's 64 columns where the
// channels leave room, whatever the length of the rows. A unit transforms
// the input windows of its tiles for every input channel into V, a matrix
// of channels by tiles for each transform point ξ; multiplies the weights'
// transform U_ξ (cout × cin) by V_ξ (cin × tiles) into M_ξ for each ξ; and
// transforms M back into the output tiles, with the bias. The weight
// gradient transforms the tiles of gy into Z the same way and sums
// Z_ξ·V_ξᵀ over the tiles of blocks of units fixed by the geometry, so
// that its bits do not depend on the number of threads.
//
// The sums differ from those of the direct product in their last bits:
// the transforms add and subtract up to 16 inputs or products, while the
// products sum over cin terms rather than 9·cin. Against the float64
// reference on random data, the errors of each pass came within a factor
// of two of the direct path's, either way (smaller with 8 and 32
// channels, larger with 128). An infinite input can turn outputs that the
// direct product makes infinite into NaN (∞ − ∞ within a tile). Tests can
// turn the algorithm off with winoMode.

// Test settings of the Winograd path, in winoMode.
const (
	winoAuto = iota // where it pays: enough channels, vector kernels and transforms, the package's own GEMM
	winoOff         // never
	winoOn          // every geometry it applies to, with any kernels
)

// winoMode, set by tests, overrides the choice of winoPays.
var winoMode = winoAuto

// The Winograd path runs by default on geometries where it measured
// faster than the direct path:
//   - input and output channels per group whose harmonic mean is at least
//     minWinoChannels: the products over the channels, cin·cout per tile
//     and point, are its only multiplications, and the transforms cost
//     cin + cout per tile and point, so with fewer channels they outweigh
//     what the products save (with 16 and 16 channels the path took 1.05
//     times as long as the direct one, with 24 and 24 0.86);
//   - at most maxWinoChannels of both together, beyond which the direct
//     path's deeper products run at a higher rate than the Winograd
//     path's short units, which must stay within the cache;
//   - at least minWinoTiles tiles per image, as the units of fewer make
//     short products whose set-up the savings do not repay (images of
//     16×16 took 1.0–1.2 times as long);
//   - for the weight gradient, at most maxWinoWeight channels in all: its
//     products sum along the tiles of a unit, and the units of more
//     channels are too short for the sums to outweigh their reductions.
const (
	minWinoChannels = 20
	maxWinoChannels = 256
	minWinoTiles    = 100
	maxWinoWeight   = 128
)

// winoBudget bounds the floats of a unit's transforms, V and M (or Z),
// 512 KiB, so that they stay in the second-level cache between the
// transforms and the products; winoTiles bounds its tiles, beyond which
// the products gain nothing.
// winoWeights bounds the floats of the weights' transform, 16 per pair of
// channels of each group, which the Winograd path holds beside the weights.
const winoWeights = 1 << 22

const (
	winoBudget = 1 << 17
	winoTiles  = 256
	winoMin    = 16 // the fewest tiles a unit aims at, whatever its channels
)

// winoPlan is the Winograd form of an engine's geometry.
type winoPlan struct {
	lo     [2]int // padding before each axis: input row o + j − lo[0] feeds output row o
	th, tw int    // tile rows and columns of the output
	ldv    int    // the most tiles of a unit: the stride of the transform points in V, M and Z
	per    int    // units per (batch, group)
	u      []float32
	// gw holds the weight gradient's sums per chunk of units, point-major
	// ([chunk][group][ξ][cin][cout]), made on first use.
	gw     []float32
	chunks int
}

// planWino sets up e.wino when e's geometry is a 2-D 3×3 correlation of
// unit stride, dilation and stretch; scratch is made on first use.
func (e *engine) planWino() {
	if len(e.axes) != 2 || !e.unfolded || !e.dense || e.planBatch == 0 {
		return
	}
	var wp winoPlan
	for a, ps := range e.axes {
		p := ps[0]
		if e.kernel[a] != 3 || p.qStep != 1 || len(p.taps) != 3 || p.taps[0] != 0 || p.taps[1] != 1 || p.taps[2] != 2 {
			return
		}
		wp.lo[a] = -p.qStart
	}
	if e.groups*16*e.cin*e.cout > winoWeights {
		// The weights' transform, and the weight gradient's sums, would
		// be scratch of more than 16 MiB each.
		return
	}
	if 16*(e.cin+e.cout)*winoMin > 4*winoBudget {
		// So many channels that even the smallest unit would leave the
		// cache: the products' own blocking serves better.
		return
	}
	wp.th, wp.tw = ceilDiv(e.dst[0], 2), ceilDiv(e.dst[1], 2)
	tiles := winoBudget / (16 * (e.cin + e.cout))
	if tiles >= gemm.MaxPanel {
		tiles = min(winoTiles, tiles/gemm.MaxPanel*gemm.MaxPanel)
	} else {
		tiles = max(winoMin, tiles/winoMin*winoMin)
	}
	// Units of near-equal size, not full ones and a short remainder
	// whose products would be shallow, in rows of whole vectors, so that
	// the transforms' and the products' loads and stores do not straddle
	// cache lines.
	all := wp.th * wp.tw
	wp.ldv = ceilDiv(ceilDiv(all, ceilDiv(all, tiles)), 16) * 16
	wp.per = ceilDiv(all, wp.ldv)
	e.wino = &wp
}

// winoPays reports whether the operation op of the current call runs on
// the Winograd path.
func (e *engine) winoPays(op int) bool {
	if e.wino == nil || e.batch == 0 {
		return false
	}
	switch winoMode {
	case winoOff:
		return false
	case winoOn:
		return true
	}
	if tilePath || panelPath || rowsPath || directMode != directAuto || e.smallProducts(op) {
		return false
	}
	if 2*e.cin*e.cout < minWinoChannels*(e.cin+e.cout) || e.cin+e.cout > maxWinoChannels || e.wino.th*e.wino.tw < minWinoTiles {
		return false
	}
	if op == opBackwardWeight && e.cin+e.cout > maxWinoWeight {
		return false
	}
	if !wino.Fast() || !gemm.DirectPays() {
		return false
	}
	_, ok := blas32.Implementation().(gonum.Implementation)
	return ok
}

// winoScratch returns the floats of a worker's Winograd scratch: V, M (or
// Z), rows of padded input or output for the tiles at the edges, and one
// point's block of Z transposed.
func (e *engine) winoScratch() int {
	wp := e.wino
	return 16*((e.cin+e.cout)*wp.ldv+2*winoSkew) + 4*(2*min(wp.ldv, wp.tw)+2) + wp.ldv*e.winoLdz()
}

// winoLdz is the row stride of a block of Z transposed, tiles by output
// channels: whole vectors.
func (e *engine) winoLdz() int { return ceilDiv(e.cout, 16) * 16 }

// winoSkew is the floats by which the blocks of a transform point in V, M
// and Z run past the unit's tiles: with blocks of a power-of-two size the
// transforms' 16 streams of stores, a block apart, would fall into the
// same few sets of the first-level cache.
const winoSkew = 16

// winoBufs returns wk's V and M (or Z) and the strides of their transform
// points, and its rows of padding. Point ξ of channel c and tile t of the
// unit is at v[ξ·vs + c·ldv + t] and that of output channel o at
// m[ξ·ms + o·ldv + t]: each point's block is a matrix of channels by tiles
// whose rows the products read at a short stride.
func (e *engine) winoBufs(wk *worker) (v, m, pad []float32, vs, ms int) {
	ld := e.wino.ldv
	vs, ms = e.cin*ld+winoSkew, e.cout*ld+winoSkew
	v, m = wk.wino[:16*vs], wk.wino[16*vs:16*(vs+ms)]
	return v, m, wk.wino[16*(vs+ms) : 16*(vs+ms)+4*(2*min(ld, e.wino.tw)+2)], vs, ms
}

// winoWorkers makes the workers' Winograd scratch on first use.
func (e *engine) winoWorkers() {
	need := e.winoScratch()
	for _, wk := range e.workers {
		if len(wk.wino) < need {
			wk.wino = make([]float32, need)
		}
	}
}

// winoPrepare makes the scratch of the Winograd path and transforms the
// weights wc into wp.u, [group][ξ][cout][cin].
func (e *engine) winoPrepare(wc []float32) {
	wp := e.wino
	if n := e.groups * 16 * e.cout * e.cin; len(wp.u) < n {
		wp.u = make([]float32, n)
	}
	e.winoWorkers()
	e.wc = wc
	e.run(opWinoKernel, e.groups*e.cout)
}

// winoKernelUnit transforms the kernels of output channel u (over groups)
// for every input channel.
func (e *engine) winoKernelUnit(u int) {
	wp := e.wino
	g, o := u/e.cout, u%e.cout
	per := e.cout * e.cin
	for c := 0; c < e.cin; c++ {
		k := ((g*e.cout+o)*e.cin + c) * 9
		wino.Kernel(wp.u[g*16*per+o*e.cin+c:], per, e.wc[k:k+9])
	}
}

// winoForward computes y = conv(x, wc) + bias on the Winograd path,
// writing every element of y.
func (e *engine) winoForward(y, x view, wc, bias []float32) {
	e.winoPrepare(wc)
	wp := e.wino
	e.out, e.in, e.wc, e.bias = y, x, wc, bias
	e.run(opWinoForward, e.batch*e.groups*wp.per)
}

// winoUnit returns the batch, group and tiles [t0, t1) of unit u of a
// pass over every (batch, group, unit of tiles); tile t is (t / tw,
// t mod tw).
func (e *engine) winoUnit(u int) (n, g, t0, t1 int) {
	wp := e.wino
	i := u % wp.per
	u /= wp.per
	n, g = u%e.batch, u/e.batch
	t0 = i * wp.ldv
	return n, g, t0, min(wp.th*wp.tw, t0+wp.ldv)
}

// row returns, for the row ty of tiles that the tiles [t0, t1) meet after
// those of rows before ty, its tiles [tx0, tx1) among them and the index
// of the first, tile (ty, tx0), within the unit. A loop over a unit's rows
// runs ty from t0/tw while ty·tw < t1.
func (wp *winoPlan) row(t0, t1, ty int) (tx0, tx1, at int) {
	a, b := max(t0, ty*wp.tw), min(t1, (ty+1)*wp.tw)
	return a - ty*wp.tw, b - ty*wp.tw, a - t0
}

func (e *engine) winoForwardUnit(wk *worker, u int) {
	wp := e.wino
	n, g, t0, t1 := e.winoUnit(u)
	tiles := t1 - t0
	ld := wp.ldv
	v, m, pad, vs, ms := e.winoBufs(wk)
	e.winoInputs(v, vs, e.in, n, g, t0, t1, pad)
	per := e.cout * e.cin
	uw := wp.u[g*16*per : (g+1)*16*per]
	if e.winoDirect() {
		for xi := 0; xi < 16; xi++ {
			for j0 := 0; j0 < tiles; j0 += gemm.MaxPanel {
				jc := min(gemm.MaxPanel, tiles-j0)
				wk.base1[0], wk.mask1[0] = j0, 1<<jc-1
				gemm.Direct(e.cout, e.cin, 1, uw[xi*per:], e.cin, v[xi*vs:], ld, wk.base1[:], wk.mask1[:], jc, 0, m[xi*ms+j0:], ld)
			}
		}
	} else {
		for xi := 0; xi < 16; xi++ {
			gemm.Sgemm(false, false, e.cout, tiles, e.cin, 1, uw[xi*per:], e.cin, v[xi*vs:], ld, 0, m[xi*ms:], ld)
		}
	}
	y := e.out
	for o := 0; o < e.cout; o++ {
		var b float32
		if e.bias != nil {
			b = e.bias[g*e.cout+o]
		}
		plane := y.data[n*y.sn+(g*e.cout+o)*y.sc:]
		mo := m[o*ld:]
		for ty := t0 / wp.tw; ty*wp.tw < t1; ty++ {
			tx0, tx1, at := wp.row(t0, t1, ty)
			e.winoOutputs(plane, y, mo[at:], ms, ty, tx0, tx1, b, pad)
		}
	}
}

// winoDirect reports whether the products run with gemm.Direct, which
// reads V as it lies; elsewhere they run with Sgemm.
func (e *engine) winoDirect() bool {
	if !gemm.DirectPays() {
		return false
	}
	_, ok := blas32.Implementation().(gonum.Implementation)
	return ok
}

// winoInputs transforms the input windows of the tiles [t0, t1) at batch
// n and group g into v, channel c's points at v[ξ·vs + c·ldv + t − t0].
// The windows are read where they lie when x's rows are contiguous, with
// zeros for the samples outside x; otherwise they are copied first into
// pad.
func (e *engine) winoInputs(v []float32, vs int, x view, n, g, t0, t1 int, pad []float32) {
	wp := e.wino
	ld := wp.ldv
	h, w := e.src[0], e.src[1]
	rs, cs := x.sp[0], x.sp[1]
	for c := 0; c < e.cin; c++ {
		plane := x.data[n*x.sn+(g*e.cin+c)*x.sc:]
		vc := v[c*ld:]
		for ty := t0 / wp.tw; ty*wp.tw < t1; ty++ {
			tx0, tx1, at := wp.row(t0, t1, ty)
			r0, c0 := 2*ty-wp.lo[0], 2*tx0-wp.lo[1]
			if cs == 1 {
				wino.InputEdge(vc[at:], vs, plane[:(h-1)*rs+w], rs, h, w, r0, c0, tx1-tx0, x.sc)
			} else {
				winoPadInput(vc[at:], vs, pad, plane, rs, cs, h, w, r0, c0, tx1-tx0)
			}
		}
	}
}

// winoPadInput transforms k tiles whose windows start at row r0 and
// column c0 of a plane of h×w samples, rs and cs apart, copying the
// windows into pad first.
func winoPadInput(dst []float32, ld int, pad []float32, plane []float32, rs, cs, h, w, r0, c0, k int) {
	width := 2*k + 2
	p := padWindow(pad, width, 4, plane, rs, cs, h, w, r0, c0)
	wino.Input(dst, ld, p, width, k)
}

// padWindow copies the rows×width window from row r0 and column c0 of a
// plane of h×w samples, rs and cs apart, into the start of pad, with zeros
// for the samples outside the plane, and returns it.
func padWindow(pad []float32, width, rows int, plane []float32, rs, cs, h, w, r0, c0 int) []float32 {
	p := pad[:rows*width]
	clear(p)
	j0, j1 := max(0, -c0), min(width, w-c0)
	for r := 0; r < rows; r++ {
		if i := r0 + r; i >= 0 && i < h && j0 < j1 {
			copyStrided(p[r*width+j0:r*width+j1], plane[i*rs+(c0+j0)*cs:], cs)
		}
	}
	return p
}

// winoOutputs writes the output tiles (ty, [tx0, tx1)) of one channel,
// whose products are at m[ξ·ld + tx − tx0], into its plane with the bias
// b, only the outputs inside the plane. Where the plane's rows are not
// contiguous the tiles go through pad.
func (e *engine) winoOutputs(plane []float32, y view, m []float32, ld, ty, tx0, tx1 int, b float32, pad []float32) {
	oh, ow := e.dst[0], e.dst[1]
	rs, cs := y.sp[0], y.sp[1]
	r0, c0 := 2*ty, 2*tx0
	rows, cols := min(2, oh-r0), min(2*(tx1-tx0), ow-c0)
	if cs == 1 {
		wino.OutputEdge(plane[r0*rs+c0:], rs, rows, cols, m, ld, tx1-tx0, b, y.sc)
		return
	}
	width := 2 * (tx1 - tx0)
	p := pad[:2*width]
	wino.Output(p, width, m, ld, tx1-tx0, b)
	for r := 0; r < rows; r++ {
		base := (r0+r)*rs + c0*cs
		for j, val := range p[r*width : r*width+cols] {
			plane[base+j*cs] = val
		}
	}
}

// winoWeight adds the weight gradient Σ gy·im2col(x)ᵀ to gw on the
// Winograd path. The units are (group, chunk) pairs, each chunk a fixed
// range of (batch, unit of tiles) pairs; each sums Z_ξ·V_ξᵀ over its tiles
// into its own sums, which are then added in chunk order and transformed
// back onto gw.
func (e *engine) winoWeight(gw []float32, x, gy view) {
	wp := e.wino
	items := e.batch * wp.per
	per := 16 * e.cout * e.cin
	chunks := min(maxChunks, items, max(1, partialBudget/(e.groups*per)))
	if n := chunks * e.groups * per; len(wp.gw) < n {
		wp.gw = make([]float32, n)
	}
	e.winoWorkers()
	wp.chunks = chunks
	e.out, e.in = gy, x
	e.run(opWinoWeight, chunks*e.groups)
	// The chunks' sums, added in chunk order onto the first: a few
	// vector passes over sums small beside the products.
	n := e.groups * per
	for ch := 1; ch < chunks; ch++ {
		vec.Add(wp.gw[:n], wp.gw[ch*n:(ch+1)*n])
	}
	e.gw = gw
	e.run(opWinoKernelGrad, e.groups*e.cout)
}

func (e *engine) winoWeightUnit(wk *worker, u int) {
	wp := e.wino
	ch, g := u%wp.chunks, u/wp.chunks
	per := 16 * e.cout * e.cin
	sums := wp.gw[(ch*e.groups+g)*per : (ch*e.groups+g+1)*per]
	clear(sums)
	items := e.batch * wp.per
	ld, ldz := wp.ldv, e.winoLdz()
	v, z, pad, vs, zs := e.winoBufs(wk)
	zt := wk.wino[len(wk.wino)-ld*ldz:]
	direct := e.winoDirect()
	for q := ch * items / wp.chunks; q < (ch+1)*items/wp.chunks; q++ {
		n, _, t0, t1 := e.winoUnit(q)
		tiles := t1 - t0
		e.winoInputs(v, vs, e.in, n, g, t0, t1, pad)
		e.winoGrads(z, zs, e.out, n, g, t0, t1, pad)
		for xi := 0; xi < 16; xi++ {
			c := sums[xi*e.cin*e.cout:]
			if !direct {
				gemm.Sgemm(false, true, e.cin, e.cout, tiles, 1, v[xi*vs:], ld, z[xi*zs:], ld, 1, c, e.cout)
				continue
			}
			// Z_ξ transposed, tiles by channels, is the B of a product
			// whose depth runs along the tiles, as Direct's runs along
			// the rows of B: V_ξ·Z_ξᵀ sums in vectors of output
			// channels, with no reduction across a vector's lanes.
			vec.Transpose(zt, ldz, z[xi*zs:], ld, e.cout, tiles)
			for o0 := 0; o0 < e.cout; o0 += gemm.MaxPanel {
				oc := min(gemm.MaxPanel, e.cout-o0)
				wk.base1[0], wk.mask1[0] = o0, 1<<oc-1
				gemm.Direct(e.cin, tiles, 1, v[xi*vs:], ld, zt, ldz, wk.base1[:], wk.mask1[:], oc, 1, c[o0:], e.cout)
			}
		}
	}
}

// winoGrads transforms the tiles [t0, t1) of gy at batch n and group g
// into z, laid out as winoInputs lays out v; the outputs past the edges of
// gy read as zero.
func (e *engine) winoGrads(z []float32, zs int, gy view, n, g, t0, t1 int, pad []float32) {
	wp := e.wino
	ld := wp.ldv
	oh, ow := e.dst[0], e.dst[1]
	rs, cs := gy.sp[0], gy.sp[1]
	for o := 0; o < e.cout; o++ {
		plane := gy.data[n*gy.sn+(g*e.cout+o)*gy.sc:]
		zo := z[o*ld:]
		for ty := t0 / wp.tw; ty*wp.tw < t1; ty++ {
			tx0, tx1, at := wp.row(t0, t1, ty)
			nt := tx1 - tx0
			r0, c0 := 2*ty, 2*tx0
			rows, cols := min(2, oh-r0), min(2*nt, ow-c0)
			if cs == 1 {
				wino.GradEdge(zo[at:], zs, plane[r0*rs+c0:], rs, rows, cols, nt, gy.sc)
				continue
			}
			p := padWindow(pad, 2*nt, 2, plane, rs, cs, oh, ow, r0, c0)
			wino.Grad(zo[at:], zs, p, 2*nt, nt)
		}
	}
}

// winoKernelGradUnit transforms the sums of output channel u (over
// groups) back onto its kernels' gradients.
func (e *engine) winoKernelGradUnit(u int) {
	wp := e.wino
	g, o := u/e.cout, u%e.cout
	per := e.cout * e.cin
	sums := wp.gw[g*16*per : (g+1)*16*per]
	for c := 0; c < e.cin; c++ {
		k := ((g*e.cout+o)*e.cin + c) * 9
		wino.KernelGrad(e.gw[k:k+9], sums[c*e.cout+o:], per)
	}
}
