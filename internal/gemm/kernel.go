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
// scaled; beta = 0 writes C without reading it.
func kernelGeneric(k int, a, b, c []float32, ldc int, alpha, beta float32) {
	a = a[:k*mr]
	b = b[:k*nr]
	var acc [mr][nr]float32
	for p := 0; p < k; p++ {
		ap := (*[mr]float32)(a[p*mr:])
		bp := (*[nr]float32)(b[p*nr:])
		for i := range acc {
			ai := ap[i]
			row := &acc[i]
			for j := range row {
				row[j] += ai * bp[j]
			}
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
