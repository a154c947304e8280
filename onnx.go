package aniso

// ONNXAttrs holds the attributes of an ONNX Conv or ConvTranspose node
// that decide its geometry. Nil or empty slices take the ONNX defaults.
type ONNXAttrs struct {
	// AutoPad is "NOTSET" (or empty), "SAME_UPPER", "SAME_LOWER" or
	// "VALID".
	AutoPad string
	// Pads is laid out [x1_begin, x2_begin, …, x1_end, x2_end, …], as in
	// ONNX; it applies when AutoPad is NOTSET.
	Pads      []int
	Strides   []int
	Dilations []int
	Group     int
	// OutputPadding and OutputShape (spatial sizes only) apply to
	// ConvTranspose.
	OutputPadding []int
	OutputShape   []int
}

// ONNXConv returns the ConvOptions of an ONNX Conv node with attributes a,
// for input spatial sizes in and kernel spatial sizes kernel. With
// SAME_UPPER or SAME_LOWER the output size is ⌈n/s⌉ and the total padding
//
//	max(0, (⌈n/s⌉ − 1)·s + dk − n),   dk = d(k − 1) + 1,
//
// is split evenly, the odd one at the end for SAME_UPPER and at the
// beginning for SAME_LOWER. VALID pads nothing. Errors wrap ErrOption.
func ONNXConv(a ONNXAttrs, in, kernel []int) (ConvOptions, error) {
	const op = "onnx conv"
	g, err := onnxGeom(op, a, in, kernel)
	if err != nil {
		return ConvOptions{}, err
	}
	if len(a.OutputPadding) != 0 || len(a.OutputShape) != 0 {
		return ConvOptions{}, errorf(op, ErrOption, "output_padding and output_shape apply to ConvTranspose only")
	}
	if g.same {
		for i, n := range in {
			var ck checked
			out := ceilDiv(n, g.stride[i])
			total := max(0, ck.sub(ck.add(ck.mul(out-1, g.stride[i]), g.dk[i]), n))
			if ck.overflow {
				return ConvOptions{}, errorf(op, ErrTooLarge, "axis %d: input %d, stride %d and dilated kernel %d overflow", i, n, g.stride[i], g.dk[i])
			}
			g.lo[i], g.hi[i] = splitPad(total, a.AutoPad == "SAME_UPPER")
		}
	}
	return g.options(), nil
}

// ONNXConvTranspose returns the DeconvOptions of an ONNX ConvTranspose node
// with attributes a, for input spatial sizes in and kernel spatial sizes
// kernel. With OutputShape, or with SAME_UPPER or SAME_LOWER (which aim at
// out = n·s), the total padding is
//
//	total = s(n − 1) + a + dk − out
//
// and SAME_UPPER puts ⌊total/2⌋ at the beginning while SAME_LOWER and
// NOTSET put ⌊total/2⌋ at the end, with floor division: a negative total
// extends the output, at the end for NOTSET. OutputPadding is kept, so
// Deconv's output size is exactly out. The result leaves OutSize empty:
// output_shape moves both ends of the output, while OutSize keeps the
// pads and moves the high end only. Errors wrap ErrOption.
func ONNXConvTranspose(a ONNXAttrs, in, kernel []int) (DeconvOptions, error) {
	const op = "onnx convtranspose"
	g, err := onnxGeom(op, a, in, kernel)
	if err != nil {
		return DeconvOptions{}, err
	}
	outPad, err := perAxis(op, "output_padding", a.OutputPadding, len(in), 0)
	if err != nil {
		return DeconvOptions{}, err
	}
	if len(a.OutputShape) != 0 && len(a.OutputShape) != len(in) {
		return DeconvOptions{}, errorf(op, ErrOption, "output_shape has %d values for %d spatial axes", len(a.OutputShape), len(in))
	}
	if len(a.OutputShape) != 0 || g.same {
		for i, n := range in {
			var ck checked
			out := ck.mul(n, g.stride[i])
			if len(a.OutputShape) != 0 {
				out = a.OutputShape[i]
			}
			total := ck.sub(ck.add(ck.add(ck.mul(g.stride[i], n-1), outPad[i]), g.dk[i]), out)
			if ck.overflow {
				return DeconvOptions{}, errorf(op, ErrTooLarge, "axis %d: input %d, stride %d, dilated kernel %d and output %d overflow", i, n, g.stride[i], g.dk[i], out)
			}
			g.lo[i], g.hi[i] = splitPad(total, a.AutoPad == "SAME_UPPER")
		}
	}
	return DeconvOptions{ConvOptions: g.options(), OutputPadding: outPad}, nil
}

// splitPad splits a total padding into begin and end: ⌊total/2⌋ at the
// beginning when upper, at the end otherwise (floor division).
func splitPad(total int, upper bool) (lo, hi int) {
	half := floorDiv(total, 2)
	if upper {
		return half, total - half
	}
	return total - half, half
}

// onnxParsed is the geometry ONNX Conv and ConvTranspose attributes share.
type onnxParsed struct {
	stride, dilation, lo, hi, dk []int
	group                        int
	same                         bool
}

func (g onnxParsed) options() ConvOptions {
	return ConvOptions{Stride: g.stride, PadLo: g.lo, PadHi: g.hi, Dilation: g.dilation, Groups: g.group}
}

func onnxGeom(op string, a ONNXAttrs, in, kernel []int) (onnxParsed, error) {
	var g onnxParsed
	n := len(in)
	if n == 0 || len(kernel) != n {
		return g, errorf(op, ErrShape, "%d input and %d kernel spatial sizes", n, len(kernel))
	}
	for i := range n {
		if in[i] < 1 || kernel[i] < 1 {
			return g, errorf(op, ErrShape, "axis %d: input %d and kernel %d must be at least 1", i, in[i], kernel[i])
		}
	}
	var err error
	if g.stride, err = perAxis(op, "strides", a.Strides, n, 1); err != nil {
		return g, err
	}
	if g.dilation, err = perAxis(op, "dilations", a.Dilations, n, 1); err != nil {
		return g, err
	}
	if err = positive(op, "stride", g.stride); err != nil {
		return g, err
	}
	if err = positive(op, "dilation", g.dilation); err != nil {
		return g, err
	}
	if a.Group < 0 {
		return g, errorf(op, ErrOption, "group %d must not be negative", a.Group)
	}
	g.group = a.Group
	g.lo, g.hi, g.dk = make([]int, n), make([]int, n), make([]int, n)
	for i := range n {
		var ck checked
		g.dk[i] = ck.add(ck.mul(g.dilation[i], kernel[i]-1), 1)
		if ck.overflow {
			return g, errorf(op, ErrTooLarge, "axis %d: kernel %d with dilation %d overflows", i, kernel[i], g.dilation[i])
		}
	}
	switch a.AutoPad {
	case "", "NOTSET":
		switch len(a.Pads) {
		case 0:
		case 2 * n:
			copy(g.lo, a.Pads[:n])
			copy(g.hi, a.Pads[n:])
		default:
			return g, errorf(op, ErrOption, "pads has %d values, want %d (begins, then ends) for %d spatial axes", len(a.Pads), 2*n, n)
		}
	case "VALID":
	case "SAME_UPPER", "SAME_LOWER":
		g.same = true
	default:
		return g, errorf(op, ErrOption, "unknown auto_pad %q", a.AutoPad)
	}
	return g, nil
}
