package aniso

import "github.com/anisoconv/aniso/internal/vec"

// polyphase is the geometry of the gathered-side input of forward and
// weight-gradient products held in polyphase layout.
// A phase of the engine reads its input along axis a at step qStep; where
// that step f = fac[a] is 2 or more, the samples s and s + f·i of the axis
// are stored next to each other: the axis is split into its f phases
// s mod f, each a row of m[a] = ⌈src[a]/f⌉ sub-samples ⌊s/f⌋. Within a
// channel the phases of all axes come first, row-major, then the
// sub-samples, row-major, so that every phase combination is a contiguous
// tensor of shape m. Every tap then reads its lines at unit step from one
// phase, and consecutive lines from consecutive rows, so the forward
// products read the input in place (see directForward) with lines that
// join, rather than gathering their panels from lines read at step 2 or
// more, and the weight-gradient products take the dot products of
// dotWeight, which read runs at unit step only.
//
// Each tile of a product rearranges the input it reads just before its
// products, into its worker's scratch, where the products find it in the
// caches: a window of rows of the first axis, as many sub-samples per
// phase as the most any tile reads, starting at sub-sample org (see
// polyWindow), so that element s of the first axis is at
// (s mod f)·pst + (⌊s/f⌋ − org)·sp. In a 1-D tensor the first axis is
// the last, and a tile's window the samples it reads, so that the tiles
// of a long line each split their part rather than the whole line.
// Rearranging costs about one read and one write of each element per
// call, less than the taps·cin rows of every gathered panel.
type polyphase struct {
	fac []int // factor of each axis, 1 for an axis kept as it is; nil: no polyphase layout
	pst []int // offset from one phase of an axis to the next
	sp  []int // offset from one sub-sample of an axis to the next
	sc  int   // floats of one channel
}

// polyOff, set by tests, keeps every input in its own layout.
var polyOff bool

// planPolyphase sets the geometry of e.poly when the forward products read
// the last axis at a step of 2 or more, and the channels of one window in
// polyphase layout, a worker's scratch, stay within MaxElements.
func (e *engine) planPolyphase() {
	nax := len(e.axes)
	fac := make([]int, nax)
	for a, ps := range e.axes {
		fac[a] = ps[0].qStep
		for _, p := range ps {
			if p.qStep != fac[a] {
				fac[a] = 1
			}
		}
	}
	if fac[nax-1] < 2 {
		return
	}
	e.poly.fac = fac
	h := 0
	sel := make([]int, nax)
	for r := 0; r < e.nphase; r++ {
		e.selectPhase(r, sel)
		_, pos := e.phaseSize(sel)
		ts := e.phaseTile(sel)
		for p0 := 0; p0 < pos; p0 += ts {
			_, _, s0, s1 := e.polyWindow(sel, p0, min(pos, p0+ts))
			h = max(h, s1-s0)
		}
	}
	pst, sp := make([]int, nax), make([]int, nax)
	vol, phases := 1, 1
	for a := nax - 1; a >= 0; a-- {
		sp[a] = vol
		if a == 0 {
			vol *= h
		} else {
			vol *= ceilDiv(e.src[a], fac[a])
		}
	}
	for a := nax - 1; a >= 0; a-- {
		pst[a] = vol * phases
		phases *= fac[a]
	}
	sc, ok := mul(vol, phases)
	if all, ok2 := mul(sc, e.groups*e.cin); !ok || !ok2 || all > MaxElements || h == 0 {
		e.poly = polyphase{}
		return
	}
	e.poly = polyphase{fac: fac, pst: pst, sp: sp, sc: sc}
}

// polyWindow returns the rows [r0, r1) of the first axis that the tile
// [p0, p1) of phase sel reads, and the sub-samples [s0, s1) of the window
// that holds them; r0 ≥ r1 when it reads none. e.poly.fac must be set.
func (e *engine) polyWindow(sel []int, p0, p1 int) (r0, r1, s0, s1 int) {
	f := e.poly.fac[0]
	inner := 1
	for a := 1; a < len(e.axes); a++ {
		inner *= e.axes[a][sel[a]].count
	}
	ph := &e.axes[0][sel[0]]
	if len(ph.taps) == 0 || p0 >= p1 {
		return 0, 0, 0, 0
	}
	lo, hi := ph.taps[0], ph.taps[0]
	for _, t := range ph.taps {
		lo, hi = min(lo, t), max(hi, t)
	}
	r0 = max(0, ph.qStart+p0/inner*ph.qStep+lo)
	r1 = min(e.src[0], ph.qStart+(p1-1)/inner*ph.qStep+hi+1)
	if r0 >= r1 {
		return 0, 0, 0, 0
	}
	return r0, r1, r0 / f, (r1-1)/f + 1
}

// polyOrigin returns the first sub-sample of the window of the tile
// [p0, p1) of phase sel when the current call reads its input in
// polyphase layout, 0 otherwise.
func (e *engine) polyOrigin(sel []int, p0, p1 int) int {
	if e.in.fac == nil {
		return 0
	}
	_, _, s0, _ := e.polyWindow(sel, p0, p1)
	return s0
}

// polyphaseForward reports whether the forward products of the current
// call read their input in polyphase layout: where they read it in place,
// with a run table, and not as direct loops.
func (e *engine) polyphaseForward() bool {
	return e.poly.fac != nil && !polyOff && !e.directDeclined() && !e.smallProducts(opForward) &&
		e.nphase*e.tiles*e.tapsMax < tableBudget
}

// polyphaseWeight reports whether the weight-gradient products of the
// current call read their input in polyphase layout: where dotWeight
// serves them, which reads only runs at unit step, with a run table, and
// not as direct loops.
func (e *engine) polyphaseWeight() bool {
	return e.poly.fac != nil && !polyOff && dotWeights() && !e.smallProducts(opBackwardWeight) &&
		e.nphase*e.tiles*e.tapsMax < tableBudget
}

// polyLayout returns a view of the polyphase layout without data, whose
// strides the run tables are compiled for.
func (e *engine) polyLayout() view {
	p := &e.poly
	return view{sc: p.sc, sp: p.sp, fac: p.fac, pst: p.pst}
}

// polyTile copies the rows of the input that the tile [p0, p1) of phase
// wk.sel reads at batch n, group g and channels [c0, c1) of the group
// from e.polySrc into the window of wk.poly, and returns the view of
// wk.poly that the tile's runs address.
func (e *engine) polyTile(n, g, c0, c1, p0, p1 int, wk *worker) view {
	v := e.polyLayout()
	chans := e.groups * e.cin
	if len(wk.poly) < chans*v.sc {
		wk.poly = make([]float32, chans*v.sc)
	}
	v.data = wk.poly
	v.org = e.polyOrigin(wk.sel, p0, p1)
	r0, r1, _, _ := e.polyWindow(wk.sel, p0, p1)
	for c := g*e.cin + c0; c < g*e.cin+c1; c++ {
		e.polyChannel(wk.poly[c*v.sc:(c+1)*v.sc], e.polySrc.data[n*e.polySrc.sn+c*e.polySrc.sc:], r0, r1, v.org)
	}
	return v
}

// polyChannel copies the rows [r0, r1) of the first axis of one channel
// src of e.polySrc into dst, a window from sub-sample org on, in
// polyphase layout. The elements of each line of the last axis go to
// their phases, split in one pass at step 2 or 3; the padding of the
// phases that have fewer sub-samples than the longest is never written,
// and never read as data.
func (e *engine) polyChannel(dst, src []float32, r0, r1, org int) {
	x, p := e.polySrc, &e.poly
	last := len(e.src) - 1
	if last == 0 {
		// The window of the line: from its first sub-sample on, the
		// samples up to the end of the sub-sample that holds r1−1.
		f := p.fac[0]
		lo, hi := org*f, min(e.src[0], ((r1-1)/f+1)*f)
		if lo < hi {
			e.polyLine(dst, src[lo*x.sp[0]:], hi-lo)
		}
		return
	}
	// A line is a position along the axes before the last; the first
	// axis, outermost, runs over [r0, r1). The lines along axis in, the
	// innermost of them, are placed without the divisions that place the
	// lines of the axes before it.
	in := last - 1
	s0, n := 0, e.src[in]
	if in == 0 {
		s0, n = r0, r1-r0
	}
	lines := 1 // positions along the axes before in
	if in > 0 {
		lines = r1 - r0
		for _, s := range e.src[1:in] {
			lines *= s
		}
	}
	fi := p.fac[in]
	for li := 0; li < lines; li++ {
		so, do := 0, 0
		for a, r := in-1, li; a >= 0; a-- {
			s := r0 + r
			if a > 0 {
				s = r % e.src[a]
				r /= e.src[a]
			}
			sub := s / p.fac[a]
			if a == 0 {
				sub -= org
			}
			so += s * x.sp[a]
			do += s%p.fac[a]*p.pst[a] + sub*p.sp[a]
		}
		if x.sp[last] == 1 && x.sp[in] >= 0 {
			// The lines of one phase of axis in lie at fixed steps in
			// both layouts: one call splits them all.
			for s := s0; s < s0+min(n, fi); s++ {
				sub := s / fi
				if in == 0 {
					sub -= org
				}
				rows := (s0 + n - s + fi - 1) / fi
				vec.SplitRows(p.fac[last], dst[do+s%fi*p.pst[in]+sub*p.sp[in]:], p.pst[last], p.sp[in], src[so+s*x.sp[in]:], fi*x.sp[in], rows, e.src[last])
			}
			continue
		}
		ph, sub := s0%fi, s0/fi
		if in == 0 {
			sub -= org
		}
		for s := s0; s < s0+n; s++ {
			e.polyLine(dst[do+ph*p.pst[in]+sub*p.sp[in]:], src[so+s*x.sp[in]:], e.src[last])
			if ph++; ph == fi {
				ph, sub = 0, sub+1
			}
		}
	}
}

// polyLine splits the first w samples of a line of the last axis, from
// src, into their phases, the first at dst.
func (e *engine) polyLine(dst, src []float32, w int) {
	x, p := e.polySrc, &e.poly
	last := len(e.src) - 1
	f, ps := p.fac[last], p.pst[last]
	if f == 2 && x.sp[last] == 1 {
		vec.Split2(dst[:(w+1)/2], dst[ps:][:w/2], src[:w])
		return
	}
	if f == 3 && x.sp[last] == 1 {
		vec.Split3(dst[:(w+2)/3], dst[ps:][:(w+1)/3], dst[2*ps:][:w/3], src[:w])
		return
	}
	// Other steps, or gaps between the elements: element by element, as
	// plain loads keep up with an input that is not in the caches better
	// than the masked ones of vec.Gather.
	for ph := 0; ph < f && ph < w; ph++ {
		cnt := ceilDiv(w-ph, f)
		d := dst[ph*ps:][:cnt]
		inc := f * x.sp[last]
		sr := src[ph*x.sp[last]:][:(cnt-1)*inc+1]
		for i := range d {
			d[i] = sr[i*inc]
		}
	}
}
