package aniso

import "runtime"

// The data adjoint of the engine's correlation (the input gradient of Conv
// and StretchConv, the forward pass of Deconv and of UnpoolND with k ≠ s)
// is a scatter: backwardData runs it as col2im, adding each output-side
// tile into overlapping windows of the gathered side through partial sums.
// It is also a correlation of its own, which gathers and writes disjoint
// tiles, so it can run as the forward pass of a second engine. Per spatial
// axis, where output o reads stretched position t = o·s + j·d − lo of the
// gathered side x (n samples, stretch u):
//
//   - Zeros, or u = 1: gx[i] = Σ w[j]·gy[o] over o·s + j·d − lo = i·u.
//     Output i of a Zeros StretchConv of gy with stretch s, stride u,
//     dilation d, the kernel flipped (j' = k−1−j) and PadLo' = d(k−1) − lo
//     reads the stretched gy at i·u + lo − j·d, which holds gy[o] exactly
//     when o·s = i·u + lo − j·d.
//   - Nearest, u > 1: gx[i] = Σ_{r<u} Σ w[j]·gy[o] over
//     o·s + j·d − lo = i·u + r: the same with a kernel of (k−1)d + u taps,
//     dilation 1 and PadLo' = (k−1)d − lo, whose tap e carries the sum of
//     the w[j] with 0 ≤ e − (k−1−j)d < u.
//
// Outputs of the adjoint that no (o, j) reaches read only absent samples
// of gy and come out zero, as the engine writes every output.

// maxAdjointWeights bounds the floats of an adjoint's weights and the
// entries of its tap lists; a geometry beyond it runs col2im.
const maxAdjointWeights = 1 << 24

// adjoint is the data adjoint of an engine as the forward pass of a second
// engine, built on the first call that needs it.
type adjoint struct {
	specs []axisSpec // the geometry of the engine it is the adjoint of
	mode  StretchMode
	procs int // GOMAXPROCS when the plan was made: the most workers
	built bool
	e     *engine // nil when col2im serves
	// Adjoint tap e (flat over the adjoint kernel) carries the sum of
	// the weights at the flat kernel taps js[start[e]:start[e+1]].
	js, start []int
	w         []float32 // the adjoint's weights, in the engine's layout
}

func newAdjoint(specs []axisSpec, mode StretchMode) adjoint {
	return adjoint{specs: specs, mode: mode, procs: runtime.GOMAXPROCS(0)}
}

// engine returns the adjoint engine of f, building it on the first call;
// nil when the adjoint does not apply or exceeds the engine's limits.
func (a *adjoint) engine(op string, f *engine) *engine {
	if a.built {
		return a.e
	}
	a.built = true
	if !a.gathers() {
		return nil
	}
	nax := len(a.specs)
	specs := make([]axisSpec, nax)
	taps := make([][][]int, nax) // per axis, the kernel taps of each adjoint tap
	kvol, entries := 1, 1
	for ax, sp := range a.specs {
		var ok bool
		switch {
		case a.mode == Zeros || sp.u == 1:
			specs[ax] = axisSpec{k: sp.k, s: sp.u, d: sp.d, lo: sp.d*(sp.k-1) - sp.lo, u: sp.s}
			taps[ax] = make([][]int, sp.k)
			for e := range taps[ax] {
				taps[ax][e] = []int{sp.k - 1 - e}
			}
		default: // Nearest with 1 < u, and d ≤ u (see gathers)
			k, fits := add(sp.d*(sp.k-1), sp.u)
			if !fits || k > maxAdjointWeights {
				return nil
			}
			specs[ax] = axisSpec{k: k, s: sp.u, d: 1, lo: sp.d*(sp.k-1) - sp.lo, u: sp.s}
			taps[ax] = make([][]int, k)
			for j := 0; j < sp.k; j++ {
				for r := 0; r < sp.u; r++ {
					e := r + (sp.k-1-j)*sp.d
					taps[ax][e] = append(taps[ax][e], j)
				}
			}
		}
		if kvol, ok = mul(kvol, specs[ax].k); !ok || kvol > maxAdjointWeights {
			return nil
		}
		per := sp.k // kernel taps listed over the adjoint taps of the axis
		if a.mode == Nearest {
			per *= sp.u
		}
		if entries, ok = mul(entries, per); !ok || entries > maxAdjointWeights {
			return nil
		}
	}
	groups := f.groups
	if f.shared {
		groups = 1
	}
	if n, ok := product([]int{groups, f.cin, f.cout, kvol}); !ok || n > maxAdjointWeights {
		return nil
	}
	e, err := newEngine(op, f.planBatch, f.groups, f.cout, f.cin, f.dst, f.src, specs, Zeros)
	if err != nil {
		return nil
	}
	if e.smallProducts(opForward) && !f.smallProducts(opBackwardData) {
		// Fewer taps per phase than f has made the weight matrix tiny:
		// its direct loops are slower than the GEMM of f's phases.
		return nil
	}
	e.shared = f.shared
	if len(e.workers) > a.procs {
		e.workers, e.shares = e.workers[:a.procs], e.shares[:a.procs]
	}
	e.makeFolded()
	a.start = make([]int, 1, kvol+1)
	a.js = make([]int, 0, entries)
	a.listTaps(taps, 0, make([][]int, nax))
	a.w = make([]float32, groups*f.cin*f.cout*kvol)
	a.e = e
	return e
}

// gathers reports whether the adjoint runs as a gather. Along an axis the
// forward engine reads its gathered side x at step s/gcd(s, u) from one
// output to the next, and the adjoint reads gy at step u/gcd(s, u). Along
// the last axis the panels of the gather fill with vector loads at step 1
// or 2, so there the gather wins where the adjoint's step is at most 2 or
// the smaller of the two; at larger steps it fills its panels element by
// element and col2im is faster. Along an outer axis only a step of 1
// helps, by joining the lines of neighbouring rows into longer runs, and
// otherwise both passes read line by line and the gather, which stores no
// tile and adds no partial sums, is faster. So the gather serves unless,
// on the innermost axis where the two steps differ, the forward engine's
// is the smaller and, on the last axis, the adjoint's beyond 2 or, on an
// outer axis, the forward engine's 1. It never serves Nearest with
// dilation beyond the stretch, whose combined kernel would hold taps of
// weight zero.
func (a *adjoint) gathers() bool {
	for _, sp := range a.specs {
		if a.mode == Nearest && sp.u > 1 && sp.d > sp.u {
			return false
		}
	}
	for ax := len(a.specs) - 1; ax >= 0; ax-- {
		sp := a.specs[ax]
		fwd, adj := sp.s/gcd(sp.s, sp.u), sp.u/gcd(sp.s, sp.u)
		if fwd != adj {
			if ax == len(a.specs)-1 {
				return fwd > adj || adj <= 2
			}
			return fwd > adj || fwd > 1
		}
	}
	return true
}

// listTaps appends to a.js and a.start the flat kernel taps of every
// adjoint tap, in row-major order over the axes from ax on; lists holds
// the kernel taps chosen on the axes before ax.
func (a *adjoint) listTaps(taps [][][]int, ax int, lists [][]int) {
	if ax == len(taps) {
		a.products(lists, 0, 0)
		a.start = append(a.start, len(a.js))
		return
	}
	for _, js := range taps[ax] {
		lists[ax] = js
		a.listTaps(taps, ax+1, lists)
	}
}

// products appends the flat kernel index of every combination of one tap
// per axis from lists, from axis ax on, the axes before ax giving j.
func (a *adjoint) products(lists [][]int, ax, j int) {
	if ax == len(lists) {
		a.js = append(a.js, j)
		return
	}
	for _, jj := range lists[ax] {
		a.products(lists, ax+1, j*a.specs[ax].k+jj)
	}
}

// weights returns the adjoint's weights for the weights wc of f, as the
// adjoint engine reads them: per group, f.cin × f.cout × adjoint taps.
func (a *adjoint) weights(f *engine, wc []float32) []float32 {
	kv := len(a.start) - 1
	single := true
	for e := range kv {
		single = single && a.start[e+1]-a.start[e] == 1
	}
	// Blocks of 16 channels on each side, so that the rows read and the
	// rows written both stay in the cache while the block is transposed.
	const blk = 16
	for g := 0; g < len(a.w)/(kv*f.cin*f.cout); g++ {
		for c0 := 0; c0 < f.cin; c0 += blk {
			for o0 := 0; o0 < f.cout; o0 += blk {
				for o := o0; o < min(o0+blk, f.cout); o++ {
					for c := c0; c < min(c0+blk, f.cin); c++ {
						src := wc[((g*f.cout+o)*f.cin+c)*f.kvol:][:f.kvol]
						r := (g*f.cin+c)*f.cout + o
						dst := a.w[r*kv : (r+1)*kv]
						if single {
							// Each adjoint tap is one kernel tap: a flip.
							for e, j := range a.js[:kv] {
								dst[e] = src[j]
							}
							continue
						}
						for e := range dst {
							var s float32
							for _, j := range a.js[a.start[e]:a.start[e+1]] {
								s += src[j]
							}
							dst[e] = s
						}
					}
				}
			}
		}
	}
	return a.w
}

// run computes the data adjoint of f for a batch of n ≥ 1 into dst, a
// gathered-side tensor of f, from src, an output-side one, with f's
// weights wc, writing every element of dst (plus bias, if not nil). It
// returns false, having done nothing, when col2im must serve.
func (a *adjoint) run(op string, f *engine, dst, src view, wc, bias []float32, n int) bool {
	e := a.engine(op, f)
	if e == nil {
		return false
	}
	e.threads = f.threads
	e.batch = n
	e.forward(dst, src, a.weights(f, wc), bias)
	return true
}

// workspace returns the floats of scratch the adjoint holds.
func (a *adjoint) workspace() int {
	if a.e == nil {
		return 0
	}
	return a.e.workspace() + len(a.w)
}

// bytes returns the bytes the adjoint holds.
func (a *adjoint) bytes() int {
	if a.e == nil {
		return 0
	}
	return 4*a.workspace() + a.e.tableBytes() + 8*(len(a.js)+len(a.start))
}
