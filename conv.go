package aniso

// ConvOptions is the geometry of a convolution. Per-axis slices have length
// zero (the default) or exactly the number of spatial axes; the zero value
// is a stride-1, unpadded, undilated, ungrouped convolution.
type ConvOptions struct {
	Stride   []int // per spatial axis, ≥ 1; nil means 1
	PadLo    []int // zeros before each spatial axis; nil means 0; negative crops
	PadHi    []int // zeros after each spatial axis; nil means equal to PadLo
	Dilation []int // spacing of the kernel taps, ≥ 1; nil means 1
	Groups   int   // contiguous channel blocks; 0 or 1 means ungrouped
}

// Conv returns the N-d convolution (cross-correlation) of x with w plus the
// bias b:
//
//	y[n, o, p] = b[o] + Σ_c Σ_j w[o, c, j] · x[n, g·C/G + c, p·s + j·d − lo]
//
// per spatial axis, for output channel o in group g = ⌊o·G/O⌋. x is
// N×C×D1×…×Dn (n ≥ 1), w is O×(C/G)×k1×…×kn, b has O elements or is nil.
// Samples outside the input read as zero; negative padding crops. Each
// spatial output size is
//
//	⌊(D + lo + hi − dk)/s⌋ + 1,   dk = d(k − 1) + 1,
//
// which must be at least 1. The result is a new contiguous N×O×… tensor.
// Errors wrap ErrNilTensor, ErrShape, ErrOption, ErrGeometry, ErrData or
// ErrTooLarge.
func Conv(x, w, b *Tensor, o ConvOptions) (y *Tensor, err error) {
	defer guard("conv", &err)
	return stretchConv("conv", x, w, b, StretchOptions{ConvOptions: o})
}

// ConvBackward returns the gradients of Conv(x, w, b, o) with respect to x,
// w and b, for the output gradient gy. gx has x's shape, gw has w's shape
// and gb has O elements; all are new contiguous tensors. The input gradient
// is the transposed convolution of gy (see Deconv).
func ConvBackward(x, w, gy *Tensor, o ConvOptions) (gx, gw, gb *Tensor, err error) {
	defer guard("conv", &err)
	return stretchConvBackward("conv", x, w, gy, StretchOptions{ConvOptions: o})
}
