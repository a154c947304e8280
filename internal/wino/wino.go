// Package wino holds the transforms of the Winograd minimal filtering
// algorithm F(2×2, 3×3), by which a 3×3 correlation of unit stride makes
// each 2×2 block of its output, a tile, from the 4×4 window of input the
// tile reads with 16 multiplications per channel instead of 36:
//
//	Y = Aᵀ·[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A
//
// for the 3×3 kernel g and the 4×4 window d, where
//
//	Bᵀ = ⎡1  0 −1  0⎤   G = ⎡ 1    0    0 ⎤   Aᵀ = ⎡1 1  1  0⎤
//	     ⎢0  1  1  0⎥       ⎢1/2  1/2  1/2⎥        ⎣0 1 −1 −1⎦
//	     ⎢0 −1  1  0⎥       ⎢1/2 −1/2  1/2⎥
//	     ⎣0  1  0 −1⎦       ⎣ 0    0    1 ⎦
//
// Summed over the input channels, the elementwise products become 16
// matrix products, one per point ξ = 4i+j of the 4×4 transform domain. The
// weight gradient follows from the same identity: the gradient of g is
// Gᵀ·[(A·gy·Aᵀ) ⊙ (Bᵀ·d·B)]·G summed over the tiles, with gy the tile's
// 2×2 block of the output gradient.
//
// The tile transforms work on n tiles side by side along a row, tile t
// reading and writing columns 2t, 2t+1, … of their rows, and keep the
// transform domain as 16 rows of n, point ξ of tile t at ξ·ld + t. Each
// has a Go version, which defines its results, and on amd64 with AVX-512
// a version in assembly, chosen at run time (the purego build tag leaves
// only the Go ones). Every output is a fixed sequence of additions and
// subtractions of its inputs, so both give the same bits, but for the
// payload of a NaN made from two NaN operands of an addition: the
// processor passes on the first operand's, and the Go compiler may swap
// the operands of an addition.
package wino

// Fast reports whether the tile transforms run in assembly on this
// machine; elsewhere their Go versions, several times slower, serve.
func Fast() bool { return use != generic }

// Input sets, for the n tiles of the four rows src[r·lds:] (r < 4) read
// from column 2t for tile t, the input transform V = Bᵀ·d·B, where
// d[r][c] = src[r·lds + 2t + c]: V[i][j] goes to dst[(4i+j)·ld + t].
// It reads columns 0 to 2n+1 of each row.
func Input(dst []float32, ld int, src []float32, lds, n int) {
	if n <= 0 {
		return
	}
	_ = src[3*lds+2*n+1]
	_ = dst[15*ld+n-1]
	if !inputArch(dst, ld, src, lds, 4, 2*n+2, 0, 0, n, 0) {
		inputGo(dst, ld, src, lds, n)
	}
}

// inputGo is the definition of Input's results. Each row of d is first
// transformed along its columns (d·B), then the columns of the result
// along its rows.
func inputGo(dst []float32, ld int, src []float32, lds, n int) {
	for t := 0; t < n; t++ {
		var m [4][4]float32
		for r := 0; r < 4; r++ {
			d := src[r*lds+2*t : r*lds+2*t+4]
			m[r] = [4]float32{d[0] - d[2], d[1] + d[2], d[2] - d[1], d[1] - d[3]}
		}
		for j := 0; j < 4; j++ {
			dst[j*ld+t] = m[0][j] - m[2][j]
			dst[(4+j)*ld+t] = m[1][j] + m[2][j]
			dst[(8+j)*ld+t] = m[2][j] - m[1][j]
			dst[(12+j)*ld+t] = m[1][j] - m[3][j]
		}
	}
}

// Output sets, for the n tiles whose transform-domain products
// m[i][j] = src[(4i+j)·ld + t] it is given, the 2×2 tile Y = Aᵀ·m·A + bias
// at dst[a·ldd + 2t + b] (a, b < 2). It writes columns 0 to 2n−1 of the
// two rows dst and dst[ldd:].
func Output(dst []float32, ldd int, src []float32, ld, n int, bias float32) {
	if n <= 0 {
		return
	}
	_ = src[15*ld+n-1]
	_ = dst[ldd+2*n-1]
	if !outputArch(dst, ldd, 2, 2*n, src, ld, n, bias, 0) {
		outputGo(dst, ldd, src, ld, n, bias)
	}
}

// outputGo is the definition of Output's results: the rows of m are
// combined first (Aᵀ·m), then the columns of the result, and the bias is
// added last.
func outputGo(dst []float32, ldd int, src []float32, ld, n int, bias float32) {
	for t := 0; t < n; t++ {
		var s [2][4]float32
		for j := 0; j < 4; j++ {
			m0, m1, m2, m3 := src[j*ld+t], src[(4+j)*ld+t], src[(8+j)*ld+t], src[(12+j)*ld+t]
			s[0][j] = m0 + m1 + m2
			s[1][j] = m1 - m2 - m3
		}
		for a := 0; a < 2; a++ {
			dst[a*ldd+2*t] = s[a][0] + s[a][1] + s[a][2] + bias
			dst[a*ldd+2*t+1] = s[a][1] - s[a][2] - s[a][3] + bias
		}
	}
}

// Grad sets, for the n tiles of the two rows src and src[lds:] read from
// column 2t for tile t, the transform Z = A·gy·Aᵀ of the 2×2 block
// gy[a][b] = src[a·lds + 2t + b] of an output gradient: Z[i][j] goes to
// dst[(4i+j)·ld + t]. It reads columns 0 to 2n−1 of both rows.
func Grad(dst []float32, ld int, src []float32, lds, n int) {
	if n <= 0 {
		return
	}
	_ = src[lds+2*n-1]
	_ = dst[15*ld+n-1]
	if !gradArch(dst, ld, src, lds, 2, 2*n, n, 0) {
		gradGo(dst, ld, src, lds, n)
	}
}

// gradGo is the definition of Grad's results: each row of gy is expanded
// along its columns (gy·Aᵀ), then the columns of the result along its
// rows.
func gradGo(dst []float32, ld int, src []float32, lds, n int) {
	for t := 0; t < n; t++ {
		var u [2][4]float32
		for a := 0; a < 2; a++ {
			g0, g1 := src[a*lds+2*t], src[a*lds+2*t+1]
			u[a] = [4]float32{g0, g0 + g1, g0 - g1, -g1}
		}
		for j := 0; j < 4; j++ {
			dst[j*ld+t] = u[0][j]
			dst[(4+j)*ld+t] = u[0][j] + u[1][j]
			dst[(8+j)*ld+t] = u[0][j] - u[1][j]
			dst[(12+j)*ld+t] = -u[1][j]
		}
	}
}

// Kernel sets u[ξ·ld] for ξ = 4i+j to the transform U = G·g·Gᵀ of the
// 3×3 kernel g (row-major), computed in float64 and rounded once.
func Kernel(u []float32, ld int, g []float32) {
	var t [4][3]float64
	for c := 0; c < 3; c++ {
		g0, g1, g2 := float64(g[c]), float64(g[3+c]), float64(g[6+c])
		t[0][c], t[1][c], t[2][c], t[3][c] = g0, (g0+g1+g2)/2, (g0-g1+g2)/2, g2
	}
	for i := 0; i < 4; i++ {
		r0, r1, r2 := t[i][0], t[i][1], t[i][2]
		u[(4*i)*ld] = float32(r0)
		u[(4*i+1)*ld] = float32((r0 + r1 + r2) / 2)
		u[(4*i+2)*ld] = float32((r0 - r1 + r2) / 2)
		u[(4*i+3)*ld] = float32(r2)
	}
}

// KernelGrad adds to the 3×3 kernel gradient gw (row-major) the transform
// Gᵀ·x·G of the 4×4 sum x[ξ] = x[ξ·ld] of the transform domain, computed in
// float64 and rounded once per element.
func KernelGrad(gw []float32, x []float32, ld int) {
	var t [3][4]float64
	for j := 0; j < 4; j++ {
		x0, x1, x2, x3 := float64(x[j*ld]), float64(x[(4+j)*ld]), float64(x[(8+j)*ld]), float64(x[(12+j)*ld])
		t[0][j], t[1][j], t[2][j] = x0+(x1+x2)/2, (x1-x2)/2, (x1+x2)/2+x3
	}
	for k := 0; k < 3; k++ {
		x0, x1, x2, x3 := t[k][0], t[k][1], t[k][2], t[k][3]
		gw[3*k] += float32(x0 + (x1+x2)/2)
		gw[3*k+1] += float32((x1 - x2) / 2)
		gw[3*k+2] += float32((x1+x2)/2 + x3)
	}
}

// InputEdge is Input for a row of tiles whose windows may cross the edges
// of a plane of h rows of w samples, rows lds apart: row r of the windows
// is row r0+r of the plane, tile t reads its columns c0 + 2t + c (c < 4),
// and samples outside the plane read as zero. r0 and c0 may be negative.
// It reads only samples inside the plane.
//
// next is a hint, in elements, from each sample the call reads to the one
// the next call will read in its place, such as the distance between
// channels when the caller transforms one row of tiles of each channel in
// turn (or a multiple of it, to look further ahead); 0 gives none. Where
// the transform runs in assembly it fetches those samples into the cache
// ahead of time, which never faults and changes no result.
func InputEdge(dst []float32, ld int, plane []float32, lds, h, w, r0, c0, n, next int) {
	if n <= 0 {
		return
	}
	_ = dst[15*ld+n-1]
	if lo, hi := max(r0, 0), min(r0+4, h); lo < hi && w > 0 {
		_ = plane[(hi-1)*lds+w-1]
	}
	if inputArch(dst, ld, plane, lds, h, w, r0, c0, n, next) {
		return
	}
	// Tiles [ia, ib) read whole windows inside the plane.
	ia, ib := n, n
	if r0 >= 0 && r0+4 <= h {
		ia = min(n, max(0, (1-c0)/2))
		ib = max(ia, min(n, (w-c0-2)/2))
	}
	inputEdgeGo(dst, ld, plane, lds, h, w, r0, c0, 0, ia)
	if ib > ia {
		Input(dst[ia:], ld, plane[r0*lds+c0+2*ia:], lds, ib-ia)
	}
	inputEdgeGo(dst, ld, plane, lds, h, w, r0, c0, ib, n)
}

// inputEdgeGo is the definition of InputEdge's results for the tiles
// [t0, t1): those of inputGo on the windows with their absent samples set
// to zero.
func inputEdgeGo(dst []float32, ld int, plane []float32, lds, h, w, r0, c0, t0, t1 int) {
	var d [16]float32
	for t := t0; t < t1; t++ {
		for r := 0; r < 4; r++ {
			i := r0 + r
			for c := 0; c < 4; c++ {
				d[4*r+c] = 0
				if j := c0 + 2*t + c; i >= 0 && i < h && j >= 0 && j < w {
					d[4*r+c] = plane[i*lds+j]
				}
			}
		}
		inputGo(dst[t:], ld, d[:], 4, 1)
	}
}

// OutputEdge is Output for a row of tiles that may cross the edges of the
// output: it writes only the rows a < rows and the columns 2t+b < w.
//
// next is a hint, in elements, from each output the call writes to the
// one the next call will write in its place, as InputEdge's is for the
// samples it reads; 0 gives none. Where the transform runs in assembly it
// fetches those lines into the cache ahead of time, so that its stores to
// an output not yet in the cache do not wait for their lines; that never
// faults and changes no result.
func OutputEdge(dst []float32, ldd, rows, w int, src []float32, ld, n int, bias float32, next int) {
	if n <= 0 || rows <= 0 || w <= 0 {
		return
	}
	_ = src[15*ld+n-1]
	_ = dst[(min(rows, 2)-1)*ldd+min(w, 2*n)-1]
	if outputArch(dst, ldd, min(rows, 2), w, src, ld, min(n, (w+1)/2), bias, next) {
		return
	}
	full := 0
	if rows >= 2 {
		full = min(n, w/2)
		Output(dst, ldd, src, ld, full, bias)
	}
	outputEdgeGo(dst, ldd, rows, w, src, ld, full, n, bias)
}

// outputEdgeGo is the definition of OutputEdge's results for the tiles
// [t0, t1): those of outputGo, of which only the rows a < rows and the
// columns 2t+b < w are written.
func outputEdgeGo(dst []float32, ldd, rows, w int, src []float32, ld, t0, t1 int, bias float32) {
	var y [4]float32
	for t := t0; t < t1 && 2*t < w; t++ {
		outputGo(y[:], 2, src[t:], ld, 1, bias)
		for a := 0; a < min(rows, 2); a++ {
			for b := 0; b < 2 && 2*t+b < w; b++ {
				dst[a*ldd+2*t+b] = y[2*a+b]
			}
		}
	}
}

// GradEdge is Grad for a row of tiles that may cross the edges of the
// output gradient: it reads only the rows a < rows and the columns
// 2t+b < w, the others reading as zero.
//
// next is a hint, in elements, from each sample the call reads to the one
// the next call will read in its place, as InputEdge's is; 0 gives none.
func GradEdge(dst []float32, ld int, src []float32, lds, rows, w, n, next int) {
	if n <= 0 {
		return
	}
	_ = dst[15*ld+n-1]
	if rows > 0 && w > 0 {
		_ = src[(min(rows, 2)-1)*lds+min(w, 2*n)-1]
	}
	if gradArch(dst, ld, src, lds, rows, w, n, next) {
		return
	}
	full := 0
	if rows >= 2 {
		full = max(0, min(n, w/2))
		Grad(dst, ld, src, lds, full)
	}
	gradEdgeGo(dst, ld, src, lds, rows, w, full, n)
}

// gradEdgeGo is the definition of GradEdge's results for the tiles
// [t0, t1): those of gradGo on the blocks with their absent samples set
// to zero.
func gradEdgeGo(dst []float32, ld int, src []float32, lds, rows, w, t0, t1 int) {
	var g [4]float32
	for t := t0; t < t1; t++ {
		for a := 0; a < 2; a++ {
			for b := 0; b < 2; b++ {
				g[2*a+b] = 0
				if a < rows && 2*t+b < w {
					g[2*a+b] = src[a*lds+2*t+b]
				}
			}
		}
		gradGo(dst[t:], ld, g[:], 2, 1)
	}
}
