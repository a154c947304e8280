package aniso

// planIO is what a plan needs to read and write tensors without
// allocating: stride buffers for views of tensors without Strides, and
// packing buffers for weights and biases that are not contiguous.
type planIO struct {
	op         string
	strides    [4][]int
	wbuf, bbuf []float32
}

func newPlanIO(op string, rank int) planIO {
	io := planIO{op: op}
	for i := range io.strides {
		io.strides[i] = make([]int, rank)
	}
	return io
}

// view returns t as batch × channels × spatial, using stride buffer slot
// when t has no Strides.
func (io *planIO) view(t *Tensor, slot int) view {
	st := t.Strides
	if st == nil {
		st = io.strides[slot][:len(t.Shape)]
		s := 1
		for i := len(t.Shape) - 1; i >= 0; i-- {
			st[i] = s
			s *= t.Shape[i]
		}
	}
	return view{data: t.Data, sn: st[0], sc: st[1], sp: st[2:]}
}

// packed returns t's elements in row-major order: t.Data itself when t is
// contiguous, otherwise a copy in *buf, which grows on first use.
func packedInto(buf *[]float32, t *Tensor) []float32 {
	n := t.Size()
	if t.contiguous() {
		return t.Data[:n]
	}
	if len(*buf) < n {
		*buf = make([]float32, n)
	}
	gatherStrided(*buf, t.Data, t.Shape, t.Strides)
	return (*buf)[:n]
}

func (io *planIO) weights(w *Tensor) []float32 { return packedInto(&io.wbuf, w) }

// bias returns b packed, or nil for a nil b.
func (io *planIO) bias(b *Tensor) []float32 {
	if b == nil {
		return nil
	}
	return packedInto(&io.bbuf, b)
}

// operand validates a tensor a plan reads: not nil, of the plan's shape,
// and with Data covering what Shape and Strides address.
func (io *planIO) operand(name string, t *Tensor, shape []int) error {
	if t == nil {
		return errorf(io.op, ErrNilTensor, "%s is nil", name)
	}
	if !sameShape(t.Shape, shape) {
		return errorf(io.op, ErrShape, "%s has shape %v, want %v", name, t.Shape, shape)
	}
	return checkTensor(io.op, name, t)
}

// result validates a tensor a plan writes: as operand, and contiguous.
func (io *planIO) result(name string, t *Tensor, shape []int) error {
	if err := io.operand(name, t, shape); err != nil {
		return err
	}
	if !t.contiguous() {
		return errorf(io.op, ErrData, "%s must be contiguous, has strides %v for shape %v", name, t.Strides, t.Shape)
	}
	return nil
}

// results validates the optional results of a backward pass; nil ones are
// skipped.
func (io *planIO) results(names []string, ts []*Tensor, shapes [][]int) error {
	for i, t := range ts {
		if t == nil {
			continue
		}
		if err := io.result(names[i], t, shapes[i]); err != nil {
			return err
		}
	}
	return nil
}

// workspace returns the floats of scratch an engine holds.
func (e *engine) workspace() int {
	n := len(e.partial)
	for _, wk := range e.workers {
		n += len(wk.col) + len(wk.tmp) + len(wk.wf)
	}
	return n
}
