package gemm

// A microKernel computes one register tile of C,
//
//	C = alpha·Ã·B̃ + beta·C,
//
// where Ã is an mr×k micro-panel of op(A) packed by packA (column p at
// a[p·mr : p·mr+mr]) and B̃ is a k×nr panel of op(B) whose row p starts at
// b[p·ldb] (ldb = nr when packB packed it, and only a strided kernel is
// given another ldb). Each element of C is summed over
// p in increasing order and then scaled; beta = 0 writes C without reading
// it.
//
// Only the first rows rows and cols columns of the tile are wanted. A kernel
// may skip the sums of the other rows, but what it stores in the wanted
// elements depends neither on rows nor on cols. An unmasked kernel reads all
// nr columns of B̃ and writes the whole mr×nr tile; the driver hands it edge
// tiles through a copy (edgeTile). A masked kernel reads only the first cols
// columns of each row of B̃ and writes only the wanted rows×cols corner of
// C, so it works on edge tiles in place. A strided kernel can read B̃
// straight out of a row-major op(B); if it is unmasked, the driver still
// packs the last panel when op(B) ends inside it.
type microKernel struct {
	name    string
	mr, nr  int
	masked  bool
	strided bool
	// fused kernels sum with fused multiply-adds, rounding once per step,
	// and store fma(beta, C, alpha·sum); they all give identical bits, so
	// the driver may choose among them by shape.
	fused bool
	// suits, if set, tells for which m×n products the driver picks this
	// kernel over the next ones; the others are left to them.
	suits func(m, n int) bool
	// ok reports whether this machine can run the kernel: the CPU has the
	// instructions and the operating system saves the registers it uses.
	ok   bool
	tile func(k, rows, cols int, a, b []float32, ldb int, c []float32, ldc int, alpha, beta float32)
}

// maxTile bounds mr·nr for every unmasked kernel: edgeTile copies a tile
// into an array of this size.
const maxTile = 16 * 16

// generic is the reference kernel, written in Go; every machine runs it.
// Its register block depends on the build (genericTile).
var generic = &microKernel{
	name: "generic", mr: 4, nr: 12, ok: true,
	tile: genericTile,
}

// kernels lists every kernel of this build, the preferred ones first.
var kernels = append(archKernels, generic)

// forced, when set by the tests and benchmarks, is the kernel every product
// uses.
var forced *microKernel

// pick returns the kernel for an m×n product: the first one in kernels that
// the machine runs and that suits the shape. Only fused kernels are ever
// chosen beside each other by shape, so the choice never changes the bits
// of C, and callers may split a product as they like.
func pick(m, n int) *microKernel {
	if forced != nil {
		return forced
	}
	for _, kn := range kernels {
		if kn.ok && (kn.suits == nil || kn.suits(m, n)) {
			return kn
		}
	}
	return generic
}
