package gemm

// The generic kernel computes its 4×12 tile, with B̃ packed (ldb = nr), in
// register blocks, each summed over p in one pass. Which block is fastest depends on the build: how
// many floating-point registers the compiler may use, and whether it fuses
// s += a·b into one multiply-add. A fused multiply-add waits for the
// previous one on the same sum (four cycles on current cores), so a block
// needs as many sums as the machine starts multiply-adds in that time;
// when the multiply and the add are separate, the add waits less and fewer
// sums keep the adders busy, but every product needs a register of its
// own. Each build picks its block in genericTile; every build compiles all
// of them, so that the tests check, on any machine, that they give the
// same bits: each element is summed over p in increasing order whatever
// the block, and only the compiler's choice to fuse changes the rounding,
// the same way for every block.

// kernelGeneric2x3 is the generic kernel in 2×3 blocks, for builds that
// do not fuse and have sixteen registers (amd64 below v3): six sums, six
// products and two elements of Ã fill the fifteen registers Go may use,
// and six independent sums keep both adders busy. The loop is unrolled
// four times, and the fixed-size array pointers leave only the arithmetic
// and its loads in it. On a Zen 5 core this runs at about 13 GFLOP/s,
// four fifths of the two multiplies and two adds it can start per cycle;
// unrolling two, eight or sixteen times, 2×4 or 1×6 blocks, and loops
// that step through the panels by reslicing were all no faster.
func kernelGeneric2x3(k, rows, cols int, a, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
	const mr, nr = 4, 12
	a = a[:k*mr]
	b = b[:k*nr]
	var acc [mr][nr]float32
	for i := 0; i < rows; i += 2 {
		for j := 0; j < nr; j += 3 {
			var s00, s01, s02, s10, s11, s12 float32
			p := 0
			for ; p+3 < k; p += 4 {
				ap := (*[3*mr + 2]float32)(a[p*mr+i:])
				bp := (*[3*nr + 3]float32)(b[p*nr+j:])
				a0, a1 := ap[0], ap[1]
				s00 += a0 * bp[0]
				s01 += a0 * bp[1]
				s02 += a0 * bp[2]
				s10 += a1 * bp[0]
				s11 += a1 * bp[1]
				s12 += a1 * bp[2]
				a0, a1 = ap[mr], ap[mr+1]
				s00 += a0 * bp[nr]
				s01 += a0 * bp[nr+1]
				s02 += a0 * bp[nr+2]
				s10 += a1 * bp[nr]
				s11 += a1 * bp[nr+1]
				s12 += a1 * bp[nr+2]
				a0, a1 = ap[2*mr], ap[2*mr+1]
				s00 += a0 * bp[2*nr]
				s01 += a0 * bp[2*nr+1]
				s02 += a0 * bp[2*nr+2]
				s10 += a1 * bp[2*nr]
				s11 += a1 * bp[2*nr+1]
				s12 += a1 * bp[2*nr+2]
				a0, a1 = ap[3*mr], ap[3*mr+1]
				s00 += a0 * bp[3*nr]
				s01 += a0 * bp[3*nr+1]
				s02 += a0 * bp[3*nr+2]
				s10 += a1 * bp[3*nr]
				s11 += a1 * bp[3*nr+1]
				s12 += a1 * bp[3*nr+2]
			}
			for ; p < k; p++ {
				ap := (*[2]float32)(a[p*mr+i:])
				bp := (*[3]float32)(b[p*nr+j:])
				a0, a1 := ap[0], ap[1]
				s00 += a0 * bp[0]
				s01 += a0 * bp[1]
				s02 += a0 * bp[2]
				s10 += a1 * bp[0]
				s11 += a1 * bp[1]
				s12 += a1 * bp[2]
			}
			acc[i][j], acc[i][j+1], acc[i][j+2] = s00, s01, s02
			acc[i+1][j], acc[i+1][j+1], acc[i+1][j+2] = s10, s11, s12
		}
	}
	storeGeneric(&acc, c, ldc, alpha, beta)
}

// kernelGeneric2x4 is the generic kernel in 2×4 blocks, for builds that
// fuse and have sixteen registers (amd64 v3 and up): eight sums, two
// elements of Ã and the elements of B̃ fit without spilling, since a fused
// product needs no register of its own, and eight sums keep two
// multiply-add units busy where six leave them idle a quarter of the time.
func kernelGeneric2x4(k, rows, cols int, a, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
	const mr, nr = 4, 12
	a = a[:k*mr]
	b = b[:k*nr]
	var acc [mr][nr]float32
	for i := 0; i < rows; i += 2 {
		for j := 0; j < nr; j += 4 {
			var s00, s01, s02, s03, s10, s11, s12, s13 float32
			p := 0
			for ; p+1 < k; p += 2 {
				ap := (*[mr + 2]float32)(a[p*mr+i:])
				bp := (*[nr + 4]float32)(b[p*nr+j:])
				a0, a1 := ap[0], ap[1]
				b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
				s00 += a0 * b0
				s01 += a0 * b1
				s02 += a0 * b2
				s03 += a0 * b3
				s10 += a1 * b0
				s11 += a1 * b1
				s12 += a1 * b2
				s13 += a1 * b3
				a0, a1 = ap[mr], ap[mr+1]
				b0, b1, b2, b3 = bp[nr], bp[nr+1], bp[nr+2], bp[nr+3]
				s00 += a0 * b0
				s01 += a0 * b1
				s02 += a0 * b2
				s03 += a0 * b3
				s10 += a1 * b0
				s11 += a1 * b1
				s12 += a1 * b2
				s13 += a1 * b3
			}
			if p < k {
				ap := (*[2]float32)(a[p*mr+i:])
				bp := (*[4]float32)(b[p*nr+j:])
				a0, a1 := ap[0], ap[1]
				s00 += a0 * bp[0]
				s01 += a0 * bp[1]
				s02 += a0 * bp[2]
				s03 += a0 * bp[3]
				s10 += a1 * bp[0]
				s11 += a1 * bp[1]
				s12 += a1 * bp[2]
				s13 += a1 * bp[3]
			}
			acc[i][j], acc[i][j+1], acc[i][j+2], acc[i][j+3] = s00, s01, s02, s03
			acc[i+1][j], acc[i+1][j+1], acc[i+1][j+2], acc[i+1][j+3] = s10, s11, s12, s13
		}
	}
	storeGeneric(&acc, c, ldc, alpha, beta)
}

// kernelGeneric4x4 is the generic kernel in 4×4 blocks, for builds with
// thirty-two floating-point registers (arm64, ppc64, riscv64, loong64,
// which fuse, and mips): sixteen sums, a column of Ã and four elements of
// B̃ stay in registers, each step loads eight values for sixteen
// multiply-adds where a 2×3 block loads five for six, and sixteen sums
// keep up to four multiply-add units busy. On arm64 the two unrolled steps
// compile to 32 multiply-adds, 8 paired loads and no spill.
func kernelGeneric4x4(k, rows, cols int, a, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
	const mr, nr = 4, 12
	a = a[:k*mr]
	b = b[:k*nr]
	var acc [mr][nr]float32
	for j := 0; j < nr; j += 4 {
		var s00, s01, s02, s03, s10, s11, s12, s13 float32
		var s20, s21, s22, s23, s30, s31, s32, s33 float32
		// Stepping through the panels by reslicing leaves one length
		// check per two steps; the last row of B̃ holds fewer than nr
		// elements past column j.
		ap, bp := a, b[j:]
		for ; len(ap) >= 2*mr && len(bp) >= nr+4; ap, bp = ap[2*mr:], bp[min(2*nr, len(bp)):] {
			a0, a1, a2, a3 := ap[0], ap[1], ap[2], ap[3]
			b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
			s00 += a0 * b0
			s01 += a0 * b1
			s02 += a0 * b2
			s03 += a0 * b3
			s10 += a1 * b0
			s11 += a1 * b1
			s12 += a1 * b2
			s13 += a1 * b3
			s20 += a2 * b0
			s21 += a2 * b1
			s22 += a2 * b2
			s23 += a2 * b3
			s30 += a3 * b0
			s31 += a3 * b1
			s32 += a3 * b2
			s33 += a3 * b3
			a0, a1, a2, a3 = ap[mr], ap[mr+1], ap[mr+2], ap[mr+3]
			b0, b1, b2, b3 = bp[nr], bp[nr+1], bp[nr+2], bp[nr+3]
			s00 += a0 * b0
			s01 += a0 * b1
			s02 += a0 * b2
			s03 += a0 * b3
			s10 += a1 * b0
			s11 += a1 * b1
			s12 += a1 * b2
			s13 += a1 * b3
			s20 += a2 * b0
			s21 += a2 * b1
			s22 += a2 * b2
			s23 += a2 * b3
			s30 += a3 * b0
			s31 += a3 * b1
			s32 += a3 * b2
			s33 += a3 * b3
		}
		if len(ap) >= mr && len(bp) >= 4 {
			a0, a1, a2, a3 := ap[0], ap[1], ap[2], ap[3]
			b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
			s00 += a0 * b0
			s01 += a0 * b1
			s02 += a0 * b2
			s03 += a0 * b3
			s10 += a1 * b0
			s11 += a1 * b1
			s12 += a1 * b2
			s13 += a1 * b3
			s20 += a2 * b0
			s21 += a2 * b1
			s22 += a2 * b2
			s23 += a2 * b3
			s30 += a3 * b0
			s31 += a3 * b1
			s32 += a3 * b2
			s33 += a3 * b3
		}
		acc[0][j], acc[0][j+1], acc[0][j+2], acc[0][j+3] = s00, s01, s02, s03
		acc[1][j], acc[1][j+1], acc[1][j+2], acc[1][j+3] = s10, s11, s12, s13
		acc[2][j], acc[2][j+1], acc[2][j+2], acc[2][j+3] = s20, s21, s22, s23
		acc[3][j], acc[3][j+1], acc[3][j+2], acc[3][j+3] = s30, s31, s32, s33
	}
	storeGeneric(&acc, c, ldc, alpha, beta)
}

// storeGeneric stores C = alpha·acc + beta·C for the 4×12 tile of the
// generic kernel; beta = 0 writes C without reading it.
func storeGeneric(acc *[4][12]float32, c []float32, ldc int, alpha, beta float32) {
	for i := range acc {
		row := (*[12]float32)(c[i*ldc:])
		if beta == 0 {
			for j := range row {
				row[j] = alpha * acc[i][j]
			}
			continue
		}
		for j := range row {
			row[j] = alpha*acc[i][j] + beta*row[j]
		}
	}
}
