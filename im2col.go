package aniso

// lines walks a block [p0, p1) of a phase's output positions, row-major over
// the per-axis counts, one line along the last axis at a time. Along axis a,
// index i addresses element start[a] + i·step[a] of a tensor axis with
// limit[a] elements and stride[a]; elements outside [0, limit) are absent
// and read as zero.
type lines struct {
	count, start, step, limit, stride, idx []int
	p, p1                                  int
	vlo, vhi                               int // indices along the last axis whose elements are present
}

func (l *lines) init(nax int) {
	s := make([]int, 6*nax)
	l.count, l.start, l.step = s[:nax], s[nax:2*nax], s[2*nax:3*nax]
	l.limit, l.stride, l.idx = s[3*nax:4*nax], s[4*nax:5*nax], s[5*nax:]
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
	pos = l.p - p0
	present := true
	for ax := 0; ax < last; ax++ {
		s := l.start[ax] + l.idx[ax]*l.step[ax]
		if s < 0 || s >= l.limit[ax] {
			present = false
			break
		}
		off += s * l.stride[ax]
	}
	if present {
		lo, hi := max(l.vlo, i0), min(l.vhi, i0+n)
		if lo < hi {
			st, sp := l.start[last], l.step[last]
			a, b = lo-i0, hi-i0
			off += (st + lo*sp) * l.stride[last]
			inc = sp * l.stride[last]
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

// span is one line of an im2col row: n positions from pos in the tile, of
// which [a, b) read the tensor from offset off in steps of inc.
type span struct{ pos, n, a, b, off, inc int }

// spans walks the positions [p0, p1) and appends their lines to buf.
func (l *lines) spans(buf []span, p0, p1 int) []span {
	l.reset(p0, p1)
	for {
		pos, n, a, b, off, inc, ok := l.next(p0)
		if !ok {
			return buf
		}
		buf = append(buf, span{pos, n, a, b, off, inc})
	}
}

// moveCols moves data between the im2col tile col (rows cin·taps, row
// length ld) and the gathered-side tensor v at batch n, group g, for the
// output positions [p0, p1) of phase wk.sel. With add false it fills col
// from v (absent samples read as zero); with add true it adds col onto v
// (col2im). The lines of a tap are the same for every channel but for the
// channel's offset, so they are walked once per tap and replayed for each
// channel.
func (e *engine) moveCols(col []float32, ld int, v view, n, g, p0, p1 int, wk *worker, add bool) {
	l := &wk.lines
	taps := 1
	for a := range e.axes {
		p := &e.axes[a][wk.sel[a]]
		l.count[a], l.step[a], l.limit[a], l.stride[a] = p.count, p.qStep, e.src[a], v.sp[a]
		taps *= len(p.taps)
	}
	for t := 0; t < taps; t++ {
		rest := t
		for a := len(e.axes) - 1; a >= 0; a-- {
			p := &e.axes[a][wk.sel[a]]
			l.start[a] = p.qStart + p.taps[rest%len(p.taps)]
			rest /= len(p.taps)
		}
		spans := l.spans(wk.spans[:0], p0, p1)
		for c := 0; c < e.cin; c++ {
			base := n*v.sn + (g*e.cin+c)*v.sc
			row := c*taps + t
			dst := col[row*ld : row*ld+p1-p0]
			for _, sp := range spans {
				line := dst[sp.pos : sp.pos+sp.n]
				if add {
					if sp.a < sp.b {
						addStrided(v.data[base+sp.off:], sp.inc, line[sp.a:sp.b])
					}
					continue
				}
				clear(line[:sp.a])
				clear(line[sp.b:])
				if sp.a < sp.b {
					copyStrided(line[sp.a:sp.b], v.data[base+sp.off:], sp.inc)
				}
			}
		}
	}
}

// Row operations of moveRows.
const (
	gatherRows  = iota // tile ← tensor
	scatterRows        // tensor ← tile + bias
)

// moveRows moves data between the tile t (rows cout, row length ld) and the
// output-side tensor v at batch n, group g, for the output positions
// [p0, p1) of phase wk.sel. bias, if not nil, holds one value per output
// channel and is added by scatterRows.
func (e *engine) moveRows(t []float32, ld int, v view, n, g, p0, p1 int, wk *worker, op int, bias []float32) {
	l := &wk.lines
	for a := range e.axes {
		p := &e.axes[a][wk.sel[a]]
		l.count[a], l.start[a], l.step[a], l.limit[a], l.stride[a] = p.count, p.oStart, p.oStep, e.dst[a], v.sp[a]
	}
	spans := l.spans(wk.spans[:0], p0, p1)
	for o := 0; o < e.cout; o++ {
		base := n*v.sn + (g*e.cout+o)*v.sc
		row := t[o*ld : o*ld+p1-p0]
		var bo float32
		if bias != nil {
			bo = bias[g*e.cout+o]
		}
		for _, sp := range spans {
			line := row[sp.pos+sp.a : sp.pos+sp.b]
			if op == gatherRows {
				copyStrided(line, v.data[base+sp.off:], sp.inc)
				continue
			}
			d := v.data[base+sp.off:]
			for i, x := range line {
				d[i*sp.inc] = x + bo
			}
		}
	}
}

// copyStrided sets dst[i] = src[i·inc].
func copyStrided(dst, src []float32, inc int) {
	if inc == 1 {
		copy(dst, src)
		return
	}
	for i := range dst {
		dst[i] = src[i*inc]
	}
}

// addStrided adds src[i] to dst[i·inc].
func addStrided(dst []float32, inc int, src []float32) {
	if inc == 1 {
		dst = dst[:len(src)]
		for i, x := range src {
			dst[i] += x
		}
		return
	}
	for i, x := range src {
		dst[i*inc] += x
	}
}
