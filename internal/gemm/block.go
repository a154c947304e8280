package gemm

import "sync"

// The product is blocked in the usual way for a packed GEMM. An nc-column
// block of op(B) and a kc-deep slice of it are packed into nr-wide
// micro-panels that stay in the last-level cache; for each mc-row block of
// op(A) the matching kc-deep slice is packed into mr-high micro-panels that
// stay in the second-level cache; the micro-kernel then streams one A
// micro-panel against one B micro-panel, which sits in the first-level cache,
// for each mr×nr tile of C.
//
// Block sizes are spread evenly over each dimension rather than filled to
// their maximum, so no block is left with a sliver of work. The split of k
// depends on k alone, which fixes the order in which every element of C is
// summed.
const (
	// kcMax is the depth of a packed slice: a 64-wide B micro-panel of the
	// widest kernel fills 32 KiB, so it stays in the first-level cache
	// while every A micro-panel of the block streams past it. It is the
	// same for every kernel, so that all of them sum in the same order.
	kcMax = 128
	mcMax = 144  // rows of a packed A block, a multiple of mr: 72 KiB at kcMax
	ncMax = 2048 // columns of a packed B block, a multiple of nr: 1 MiB at kcMax
)

// workspace holds the packed blocks of one call.
type workspace struct {
	a, b []float32
	// edge holds the tile that edgeTile copies out of C. It lives here
	// rather than on the stack because the kernel is called through a
	// function value, which would make a local array escape.
	edge [maxTile]float32
}

// spare holds the workspaces of finished calls for the next ones. Unlike a
// sync.Pool it keeps them across garbage collections, so a caller in
// steady state allocates nothing; it holds at most as many workspaces as
// calls ever ran at once.
var spare struct {
	sync.Mutex
	ws []*workspace
}

func getWorkspace() *workspace {
	spare.Lock()
	defer spare.Unlock()
	n := len(spare.ws)
	if n == 0 {
		return new(workspace)
	}
	ws := spare.ws[n-1]
	spare.ws = spare.ws[:n-1]
	return ws
}

func putWorkspace(ws *workspace) {
	spare.Lock()
	spare.ws = append(spare.ws, ws)
	spare.Unlock()
}

// grow returns buf resliced to n elements, reallocating only when its
// capacity is too small.
func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}

// blockSize returns the size of the blocks that cover n with as few blocks
// of at most max as possible, spread evenly and rounded up to a multiple of
// unit.
func blockSize(n, max, unit int) int {
	blocks := (n + max - 1) / max
	size := (n + blocks - 1) / blocks
	return (size + unit - 1) / unit * unit
}

// directRows is the largest number of rows for which a strided kernel reads
// a row-major op(B) where it lies instead of a packed copy: products of at
// most one block of rows. Packing costs about as much per element of B as
// a few rows of multiply-adds, which these products cannot repay, while a
// product of several row blocks reuses one packed copy in all of them.
const directRows = mcMax

// sgemm computes C = alpha·op(A)·op(B) + beta·C with the packed kernel for
// arguments that check has accepted, with m, n and k positive and alpha
// nonzero. The A micro-panels come from pa, if not nil, when it holds, or
// can hold, A packed for the kernel (transA false); otherwise each block is
// packed as it is needed.
func sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, pa *PackedA, b []float32, ldb int, beta float32, c []float32, ldc int) {
	kn := pick(m, n)
	direct := kn.strided && !transB && m <= directRows
	kc := blockSize(k, kcMax, 1)
	mc := blockSize(m, mcMax, kn.mr)
	nc := blockSize(n, ncMax, kn.nr)
	held := pa != nil && !transA && pa.hold(kn.mr, m, k, a, lda)

	ws := getWorkspace()
	defer putWorkspace(ws)
	if !held {
		ws.a = grow(ws.a, mc*kc)
	}
	switch {
	case !direct:
		ws.b = grow(ws.b, nc*kc)
	case !kn.masked:
		ws.b = grow(ws.b, kn.nr*kc)
	}

	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			bt := beta
			if pc > 0 {
				bt = 1
			}
			// Panel jr of B̃ starts at bp[jr·step] with rows ld apart.
			var bp []float32
			step, ld := 1, ldb
			if direct {
				bp = b[pc*ldb+jc:]
				if last := nb - nb%kn.nr; last < nb && !kn.masked {
					// An unmasked kernel would read past the end
					// of op(B) in the last panel: it gets a copy.
					packB(ws.b, kn.nr, false, b, ldb, pc, kb, jc+last, nb-last)
				}
			} else {
				packB(ws.b, kn.nr, transB, b, ldb, pc, kb, jc, nb)
				bp, step, ld = ws.b, kb, kn.nr
			}
			for ic := 0; ic < m; ic += mc {
				mb := min(mc, m-ic)
				ap := ws.a
				if held {
					ap = pa.panels(pc, ic, kb)
				} else {
					packA(ws.a, kn.mr, transA, a, lda, ic, mb, pc, kb)
				}
				macroKernel(ws, kn, ap, mb, nb, kb, alpha, bp, step, ld, direct, bt, c[ic*ldc+jc:], ldc)
			}
		}
	}
}

// macroKernel computes C = alpha·Ã·B̃ + beta·C for the mb×nb block C, where
// Ã, in ap, holds mb rows of depth kb packed by packA and B̃ holds nb
// columns whose micro-panel jr starts at bp[jr·step] with rows ldb apart.
// When B̃ is op(B) itself (direct) and the kernel is unmasked, a last panel
// narrower than nr is packed in ws.b instead. Each B̃ micro-panel is reused
// against every Ã micro-panel while it is in the first-level cache.
func macroKernel(ws *workspace, kn *microKernel, ap []float32, mb, nb, kb int, alpha float32, bp []float32, step, ldb int, direct bool, beta float32, c []float32, ldc int) {
	mr, nr := kn.mr, kn.nr
	for jr := 0; jr < nb; jr += nr {
		cols := min(nr, nb-jr)
		bpanel, ld := bp[jr*step:], ldb
		if direct && cols < nr && !kn.masked {
			bpanel, ld = ws.b, nr
		}
		for ir := 0; ir < mb; ir += mr {
			rows := min(mr, mb-ir)
			apanel := ap[ir*kb : (ir+mr)*kb]
			if kn.masked || rows == mr && cols == nr {
				kn.tile(kb, rows, cols, apanel, bpanel, ld, c[ir*ldc+jr:], ldc, alpha, beta)
				continue
			}
			edgeTile(ws, kn, rows, cols, kb, apanel, bpanel, ld, c[ir*ldc+jr:], ldc, alpha, beta)
		}
	}
}

// edgeTile computes a rows×cols corner of a tile with an unmasked kernel,
// whose B̃ has all nr columns, with rows ldb apart. The kernel runs on a
// full tile copied out of C, so every element of C goes through the same
// arithmetic whether or not it lies on an edge, and the kernel never
// touches memory outside C.
func edgeTile(ws *workspace, kn *microKernel, rows, cols, kb int, ap, bp []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
	nr := kn.nr
	t := ws.edge[:kn.mr*nr]
	if beta != 0 {
		for i := 0; i < rows; i++ {
			copy(t[i*nr:i*nr+cols], c[i*ldc:i*ldc+cols])
		}
	}
	kn.tile(kb, rows, nr, ap, bp, ldb, t, nr, alpha, beta)
	for i := 0; i < rows; i++ {
		copy(c[i*ldc:i*ldc+cols], t[i*nr:i*nr+cols])
	}
}

// packA copies rows [ic, ic+mb) and columns [pc, pc+kb) of op(A) into dst as
// consecutive mr-row micro-panels. Within a micro-panel, column p of op(A)
// occupies dst[p·mr : p·mr+mr]; rows past mb are zero.
func packA(dst []float32, mr int, trans bool, a []float32, lda, ic, mb, pc, kb int) {
	for ir := 0; ir < mb; ir += mr {
		rows := min(mr, mb-ir)
		panel := dst[ir*kb : (ir+mr)*kb]
		i0 := ic + ir
		if trans {
			// op(A)[i][p] = a[p·lda + i]: each column of the panel is
			// contiguous in a.
			for p := 0; p < kb; p++ {
				d := panel[p*mr : p*mr+mr]
				s := a[(pc+p)*lda+i0 : (pc+p)*lda+i0+rows]
				copy(d, s)
				clear(d[rows:])
			}
			continue
		}
		if rows < mr {
			clear(panel)
		}
		// A whole panel is transposed with vector instructions where
		// this build has them, up to the columns p0 it reports.
		p0 := 0
		if rows == mr {
			p0 = packPanelArch(panel, mr, a[i0*lda+pc:], lda, kb)
		}
		r := 0
		for ; r+4 <= rows; r += 4 {
			// Four rows at a time, so that each column of the panel
			// gets one 4-element store rather than four scattered ones.
			r0 := a[(i0+r+0)*lda+pc : (i0+r+0)*lda+pc+kb]
			r1 := a[(i0+r+1)*lda+pc : (i0+r+1)*lda+pc+kb]
			r2 := a[(i0+r+2)*lda+pc : (i0+r+2)*lda+pc+kb]
			r3 := a[(i0+r+3)*lda+pc : (i0+r+3)*lda+pc+kb]
			for p := p0; p < kb; p++ {
				*(*[4]float32)(panel[p*mr+r:]) = [4]float32{r0[p], r1[p], r2[p], r3[p]}
			}
		}
		for ; r < rows; r++ {
			row := a[(i0+r)*lda+pc : (i0+r)*lda+pc+kb]
			for p := p0; p < kb; p++ {
				panel[p*mr+r] = row[p]
			}
		}
	}
}

// packB copies rows [pc, pc+kb) and columns [jc, jc+nb) of op(B) into dst as
// consecutive nr-column micro-panels. Within a micro-panel, row p of op(B)
// occupies dst[p·nr : p·nr+nr]; columns past nb are zero.
func packB(dst []float32, nr int, trans bool, b []float32, ldb, pc, kb, jc, nb int) {
	for jr := 0; jr < nb; jr += nr {
		cols := min(nr, nb-jr)
		panel := dst[jr*kb : (jr+nr)*kb]
		j0 := jc + jr
		if trans {
			// op(B)[p][j] = b[j·ldb + p]: each column of the panel is
			// contiguous in b.
			if cols < nr {
				clear(panel)
			}
			transposePanel(panel, nr, b[j0*ldb+pc:], ldb, kb, cols)
			continue
		}
		if cols == nr && nr%4 == 0 && nr >= 8 && nr <= 16 {
			for p := 0; p < kb; p++ {
				// 4-element copies compile to plain moves where a copy
				// of nr elements would call memmove.
				s := b[(pc+p)*ldb+j0 : (pc+p)*ldb+j0+nr]
				d := panel[p*nr : p*nr+nr]
				*(*[4]float32)(d[0:]) = *(*[4]float32)(s[0:])
				*(*[4]float32)(d[4:]) = *(*[4]float32)(s[4:])
				if nr >= 12 {
					*(*[4]float32)(d[8:]) = *(*[4]float32)(s[8:])
				}
				if nr == 16 {
					*(*[4]float32)(d[12:]) = *(*[4]float32)(s[12:])
				}
			}
			continue
		}
		for p := 0; p < kb; p++ {
			d := panel[p*nr : p*nr+nr]
			copy(d, b[(pc+p)*ldb+j0:(pc+p)*ldb+j0+cols])
			clear(d[cols:])
		}
	}
}

// transposeGeneric sets dst[p·nr+j] = src[j·ld+p] for j < cols and
// p0 ≤ p < k: it packs rows of a matrix stored with leading dimension ld as
// columns of an nr-wide B micro-panel.
func transposeGeneric(dst []float32, nr int, src []float32, ld, p0, k, cols int) {
	for j := 0; j < cols; j++ {
		col := src[j*ld+p0 : j*ld+k]
		for p, v := range col {
			dst[(p0+p)*nr+j] = v
		}
	}
}

// sgemmFrom computes C = op(A)·op(B) + beta·C for arguments that SgemmFrom
// has accepted, with m, n and k positive. It blocks k and m as sgemm does
// and hands every kc-deep slice of each B micro-panel, fresh from src, to
// the kernel against all the A micro-panels of the block, so each element
// of C is summed in the order sgemm sums it. The panel is written into the
// first-level cache and read from there; a product of several row blocks
// asks for each panel once per block, which the mc rows it serves repay.
// The A micro-panels come from pa when it holds, or can hold, A packed for
// the kernel; otherwise each block is packed as sgemm packs it.
func sgemmFrom(m, n, k int, a []float32, lda int, pa *PackedA, src PanelSource, beta float32, c []float32, ldc int) {
	kn := pick(m, n)
	kc := blockSize(k, kcMax, 1)
	mc := blockSize(m, mcMax, kn.mr)
	held := pa != nil && pa.hold(kn.mr, m, k, a, lda)

	ws := getWorkspace()
	defer putWorkspace(ws)
	if !held {
		ws.a = grow(ws.a, mc*kc)
	}
	ws.b = grow(ws.b, kn.nr*kc)
	for pc := 0; pc < k; pc += kc {
		kb := min(kc, k-pc)
		bt := beta
		if pc > 0 {
			bt = 1
		}
		panel := ws.b[:kn.nr*kb]
		for ic := 0; ic < m; ic += mc {
			mb := min(mc, m-ic)
			ap := ws.a
			if held {
				ap = pa.panels(pc, ic, kb)
			} else {
				packA(ws.a, kn.mr, false, a, lda, ic, mb, pc, kb)
			}
			for jr := 0; jr < n; jr += kn.nr {
				cols := min(kn.nr, n-jr)
				src.Panel(panel, kn.nr, pc, kb, jr, cols)
				macroKernel(ws, kn, ap, mb, cols, kb, 1, panel, kb, kn.nr, false, bt, c[ic*ldc+jr:], ldc)
			}
		}
	}
}

// hold makes p hold the m×k matrix a (rows lda apart) packed for kernels
// of mr-row micro-panels, packing it unless p already holds it so, and
// reports whether it does; it does not when p's buffer is too small. The
// kc-deep slice from depth pc lies at buf[mp·pc:], mp = m rounded up to a
// multiple of mr, as packA packs all m rows of it; since mc is a multiple
// of mr, the row block from ic lies at buf[mp·pc+ic·kb:], exactly as packA
// packs that block alone.
func (p *PackedA) hold(mr, m, k int, a []float32, lda int) bool {
	if p.mr == mr && p.m == m && p.k == k && p.lda == lda {
		return true
	}
	p.mr = 0
	mp := roundUp(m, mr)
	if len(p.buf) < mp*k {
		return false
	}
	kc := blockSize(k, kcMax, 1)
	for pc := 0; pc < k; pc += kc {
		kb := min(kc, k-pc)
		packA(p.buf[mp*pc:], mr, false, a, lda, 0, m, pc, kb)
	}
	p.mr, p.m, p.k, p.lda = mr, m, k, lda
	return true
}

// panels returns the packed A that p holds from row ic of the block of
// columns pc to pc+kb on, where hold packed it.
func (p *PackedA) panels(pc, ic, kb int) []float32 {
	return p.buf[roundUp(p.m, p.mr)*pc+ic*kb:]
}

// roundUp returns m rounded up to a multiple of mr: the rows of A packed
// in mr-row micro-panels.
func roundUp(m, mr int) int {
	return (m + mr - 1) / mr * mr
}
