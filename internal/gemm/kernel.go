package gemm

// Shape of the register tile that the micro-kernels compute.
const (
	mr = 6  // rows of a tile, and of an A micro-panel
	nr = 16 // columns of a tile, and of a B micro-panel
)

// kernelGeneric is the reference micro-kernel. It computes the mr×nr tile
//
//	C = alpha·Ã·B̃ + beta·C
//
// where a holds k columns of Ã packed mr at a time (a[p·mr+i] = Ã[i][p]) and
// b holds k rows of B̃ packed nr at a time (b[p·nr+j] = B̃[p][j]). C has rows
// ldc apart. Each element is summed over p in increasing order and then
// scaled; beta = 0 writes C without reading it. Only the first rows rows of
// the tile are wanted: the kernel may skip the sums of the others and store
// anything there, but whatever it stores in the wanted rows does not depend
// on rows.
//
// The tile is computed in 2×4 blocks whose eight sums the compiler keeps in
// registers, which is about twice as fast as accumulating in memory.
func kernelGeneric(k, rows int, a, b, c []float32, ldc int, alpha, beta float32) {
	a = a[:k*mr]
	b = b[:k*nr]
	var acc [mr][nr]float32
	for i := 0; i < rows; i += 2 {
		for j := 0; j < nr; j += 4 {
			var s00, s01, s02, s03, s10, s11, s12, s13 float32
			for p := 0; p < k; p++ {
				ap := a[p*mr+i : p*mr+i+2]
				bp := b[p*nr+j : p*nr+j+4]
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
			}
			acc[i][j], acc[i][j+1], acc[i][j+2], acc[i][j+3] = s00, s01, s02, s03
			acc[i+1][j], acc[i+1][j+1], acc[i+1][j+2], acc[i+1][j+3] = s10, s11, s12, s13
		}
	}
	for i := range acc {
		row := (*[nr]float32)(c[i*ldc:])
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
