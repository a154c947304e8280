package aniso

// planIO is what a plan needs to read and write tensors without
// allocating: stride buffers for views of tensors without Strides, and
// packing buffers for weights and biases that are not contiguous.
type planIO struct {
	op         string
	strides    [4][]int
	wbuf, bbuf []float32
	gwbuf      []float32 // a strided weight gradient, packed
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

// packedInto returns t's elements in row-major order: t.Data itself when t
// is contiguous, otherwise a copy in *buf, which grows on first use.
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

// input validates the tensor that sets a call's batch, x or, for an
// unpooling's gradient, gy: as operand, but with any batch up to the
// planned one, which it returns.
func (io *planIO) input(name string, t *Tensor, shape []int) (int, error) {
	if t == nil {
		return 0, errorf(io.op, ErrNilTensor, "%s is nil", name)
	}
	if len(t.Shape) != len(shape) {
		if name == "x" {
			return 0, errorf(io.op, ErrShape, "x has rank %d; inputs are N×C×D1×…×Dn with %d spatial axes here", len(t.Shape), len(shape)-2)
		}
		return 0, errorf(io.op, ErrShape, "%s has rank %d, want %d", name, len(t.Shape), len(shape))
	}
	if !sameShape(t.Shape[1:], shape[1:]) {
		return 0, errorf(io.op, ErrShape, "%s has shape %v, want %v with a batch of at most %d", name, t.Shape, shape, shape[0])
	}
	if t.Shape[0] > shape[0] {
		return 0, errorf(io.op, ErrShape, "%s has batch %d, more than the %d the plan was made for", name, t.Shape[0], shape[0])
	}
	return t.Shape[0], checkTensor(io.op, name, t)
}

// batched validates a tensor of a call with batch n: as operand, with the
// plan's shape but batch n.
func (io *planIO) batched(name string, t *Tensor, shape []int, n int) error {
	if t == nil {
		return errorf(io.op, ErrNilTensor, "%s is nil", name)
	}
	if len(t.Shape) != len(shape) || t.Shape[0] != n || !sameShape(t.Shape[1:], shape[1:]) {
		want := append([]int{n}, shape[1:]...)
		return errorf(io.op, ErrShape, "%s has shape %v, want %v", name, t.Shape, want)
	}
	return checkTensor(io.op, name, t)
}

// result validates a tensor a plan writes: as batched, and not
// overlapping itself, so that no element is written twice.
func (io *planIO) result(name string, t *Tensor, shape []int, n int) error {
	if err := io.batched(name, t, shape, n); err != nil {
		return err
	}
	if t.Strides != nil && selfOverlaps(t.Shape, t.Strides) {
		return errorf(io.op, ErrData, "%s overlaps itself: strides %v for shape %v address some elements twice", name, t.Strides, t.Shape)
	}
	return nil
}

// results validates the optional results of a backward pass, the first of
// which has batch n; nil ones are skipped.
func (io *planIO) results(names []string, ts []*Tensor, shapes [][]int, n int) error {
	for i, t := range ts {
		if t == nil {
			continue
		}
		nt := shapes[i][0]
		if i == 0 {
			nt = n
		}
		if err := io.result(names[i], t, shapes[i], nt); err != nil {
			return err
		}
	}
	return nil
}

// workspace returns the floats of scratch an engine holds.
func (e *engine) workspace() int {
	n := len(e.partial) + len(e.tiled)
	if e.wino != nil {
		n += len(e.wino.u) + len(e.wino.gw)
	}
	for _, wk := range e.workers {
		n += len(wk.col) + len(wk.tmp) + len(wk.wf) + len(wk.wt) + len(wk.pa) + len(wk.poly) + len(wk.wino)
	}
	return n
}

// convPlan is a validated Conv, StretchConv or Deconv geometry with its
// engine. For Deconv (transposed) the engine runs the convolution Deconv
// transposes, so the roles of its operations swap.
type convPlan struct {
	e          *engine
	adj        adjoint // the data adjoint as a gather, see adjoint.go
	io         planIO
	transposed bool
	xShape     []int
	wShape     []int
	yShape     []int
	bShape     []int
}

// forward runs the forward pass into y; zeroed says that y holds zeros
// already, as a fresh tensor does.
// newConvPlan builds the plan of a geometry validated up to its output
// sizes: x and w as the operator sees them, outC output channels in groups,
// spatial output sizes out and the specs of the convolution the engine
// runs. For Deconv (transposed) that is the convolution Deconv transposes,
// so the engine's gathered side is Deconv's output.
func newConvPlan(op string, x, w *Tensor, outC, groups int, out []int, specs []axisSpec, mode StretchMode, transposed bool) (*convPlan, error) {
	yShape, err := outShape(op, x.Shape[0], outC, out)
	if err != nil {
		return nil, err
	}
	cin, cout := x.Shape[1]/groups, outC/groups
	src, dst := append([]int(nil), x.Shape[2:]...), out
	if transposed {
		cin, cout, src, dst = cout, cin, dst, src
	}
	e, err := newEngine(op, x.Shape[0], groups, cin, cout, src, dst, specs, mode)
	if err != nil {
		return nil, err
	}
	return &convPlan{
		e:          e,
		adj:        newAdjoint(specs, mode),
		io:         newPlanIO(op, len(x.Shape)),
		transposed: transposed,
		xShape:     append([]int(nil), x.Shape...),
		wShape:     append([]int(nil), w.Shape...),
		yShape:     yShape,
		bShape:     []int{outC},
	}, nil
}

func (p *convPlan) forward(y, x, w, b *Tensor, zeroed bool) error {
	n, err := p.io.input("x", x, p.xShape)
	if err != nil {
		return err
	}
	if err := p.io.operand("w", w, p.wShape); err != nil {
		return err
	}
	if b != nil {
		if err := p.io.operand("b", b, p.bShape); err != nil {
			return err
		}
	}
	if err := p.io.result("y", y, p.yShape, n); err != nil {
		return err
	}
	if err := checkDisjoint(p.io.op, []string{"y"}, []*Tensor{y}, []string{"x", "w", "b"}, []*Tensor{x, w, b}); err != nil {
		return err
	}
	if p.transposed && n > 0 && p.adj.run(p.io.op, p.e, p.io.view(y, 0), p.io.view(x, 1), p.io.weights(w), p.io.bias(b), n) {
		return nil
	}
	if p.transposed {
		// The data adjoint accumulates into y.
		if b != nil {
			fillChannels(p.io.view(y, 0), y.Shape, p.io.bias(b))
		} else if !zeroed {
			clearTensor(y)
		}
	}
	if n == 0 {
		return nil
	}
	p.e.makeFolded()
	p.e.batch = n
	if p.transposed {
		p.e.backwardData(p.io.view(y, 0), p.io.view(x, 1), p.io.weights(w))
		return nil
	}
	p.e.forward(p.io.view(y, 0), p.io.view(x, 1), p.io.weights(w), p.io.bias(b))
	return nil
}

// backward runs the backward pass into gx, gw and gb; zeroed says that
// they hold zeros already, add that the weight and bias gradients are to
// be added onto gw and gb.
func (p *convPlan) backward(gx, gw, gb, x, w, gy *Tensor, zeroed, add bool) error {
	n, err := p.io.input("x", x, p.xShape)
	if err != nil {
		return err
	}
	if err := p.io.operand("w", w, p.wShape); err != nil {
		return err
	}
	if err := p.io.batched("gy", gy, p.yShape, n); err != nil {
		return err
	}
	names, results := []string{"gx", "gw", "gb"}, []*Tensor{gx, gw, gb}
	if err := p.io.results(names, results, [][]int{p.xShape, p.wShape, p.bShape}, n); err != nil {
		return err
	}
	if err := checkDisjoint(p.io.op, names, results, []string{"x", "w", "gy"}, []*Tensor{x, w, gy}); err != nil {
		return err
	}
	if n > 0 {
		p.e.makeFolded()
	}
	p.e.batch = n
	gyv := p.io.view(gy, 0)
	// The weight gradient reads the tiles of gy the data adjoint gathers.
	p.e.shareTiles, p.e.tilesHeld = true, false
	defer func() { p.e.shareTiles, p.e.tilesHeld = false, false }()
	if gx != nil {
		switch {
		case n == 0:
		case p.transposed:
			p.e.forward(p.io.view(gx, 1), gyv, p.io.weights(w), nil)
		case p.adj.run(p.io.op, p.e, p.io.view(gx, 1), gyv, p.io.weights(w), nil, n):
		default:
			if !zeroed {
				clearTensor(gx)
			}
			p.e.backwardData(p.io.view(gx, 1), gyv, p.io.weights(w))
		}
	}
	if gw != nil && !(add && n == 0) {
		// The engine adds the weight gradient onto a contiguous gw: its
		// GEMM runs with β = 1 on it. A strided gw is packed first.
		gwd := gw.Data[:gw.Size()]
		strided := !gw.contiguous()
		switch {
		case strided && add:
			gwd = packedInto(&p.io.gwbuf, gw)
		case strided:
			if len(p.io.gwbuf) < gw.Size() {
				p.io.gwbuf = make([]float32, gw.Size())
			}
			gwd = p.io.gwbuf[:gw.Size()]
			clear(gwd)
		case !zeroed && !add:
			clear(gwd)
		}
		switch {
		case n == 0:
		case p.transposed:
			p.e.backwardWeight(gwd, gyv, p.io.view(x, 2))
		default:
			p.e.backwardWeight(gwd, p.io.view(x, 2), gyv)
		}
		if strided {
			scatterStrided(gw.Data, gw.Shape, gw.Strides, gwd)
		}
	}
	if gb != nil && !(add && n == 0) {
		p.e.sumChannels(gb.Data, gb.strides1(), gyv, gy.Shape, add)
	}
	return nil
}

// run is the one-shot forward pass: the result is allocated.
func (p *convPlan) run(x, w, b *Tensor) (*Tensor, error) {
	if err := checkBias(p.io.op, b, p.bShape[0]); err != nil {
		return nil, err
	}
	// The forward pass of a convolution writes every output; Deconv's
	// adds the data adjoint onto zeros where it runs as col2im.
	var y *Tensor
	if p.transposed {
		y = New(p.yShape...)
	} else {
		y = newResult(p.yShape...)
	}
	if err := p.forward(y, x, w, b, true); err != nil {
		return nil, err
	}
	return y, nil
}

// runBackward is the one-shot backward pass: the gradients are allocated.
func (p *convPlan) runBackward(x, w, gy *Tensor) (gx, gw, gb *Tensor, err error) {
	if err := checkGrad(p.io.op, gy, p.yShape); err != nil {
		return nil, nil, nil, err
	}
	// The input gradient is written in full where it runs as a forward
	// pass; col2im adds it onto zeros.
	if p.transposed || p.adj.engine(p.io.op, p.e) != nil {
		gx = newResult(p.xShape...)
	} else {
		gx = New(p.xShape...)
	}
	gw, gb = New(p.wShape...), New(p.bShape...)
	if err := p.backward(gx, gw, gb, x, w, gy, true, false); err != nil {
		return nil, nil, nil, err
	}
	return gx, gw, gb, nil
}

// weightPlan holds what ConvPlan, DeconvPlan and StretchConvPlan share.
// Their methods call these with the operator's name; a nil *weightPlan
// (from a nil plan) or a nil p (from a zero plan) gives ErrNilPlan or a
// zero result.
type weightPlan struct{ p *convPlan }

// nilPlan returns the error of a method called on a nil or zero plan.
func nilPlan(op string) error {
	return errorf(op, ErrNilPlan, "the plan is nil or was not made by its constructor")
}

// plan returns the validated plan, or an ErrNilPlan error.
func (w *weightPlan) plan(op string) (*convPlan, error) {
	if w == nil || w.p == nil {
		return nil, nilPlan(op)
	}
	return w.p, nil
}

func (w *weightPlan) outShape() []int {
	if w == nil || w.p == nil {
		return nil
	}
	return append([]int(nil), w.p.yShape...)
}

func (w *weightPlan) workspace() int {
	if w == nil || w.p == nil {
		return 0
	}
	return w.p.e.workspace() + w.p.adj.workspace()
}

func (w *weightPlan) macs() int {
	if w == nil || w.p == nil {
		return 0
	}
	return w.p.e.macs
}

// setThreads sets the plan's bound on goroutines; it does nothing for a
// nil or zero plan, which has no calls to bound.
func (w *weightPlan) setThreads(n int) {
	if w == nil || w.p == nil {
		return
	}
	w.p.e.threads = max(n, 0)
}

func (w *weightPlan) forward(op string, y, x, wt, b *Tensor) (err error) {
	defer guard(op, &err)
	p, err := w.plan(op)
	if err != nil {
		return err
	}
	return p.forward(y, x, wt, b, false)
}

// backward runs Backward, or BackwardAdd if add is set.
func (w *weightPlan) backward(op string, gx, gw, gb, x, wt, gy *Tensor, add bool) (err error) {
	defer guard(op, &err)
	p, err := w.plan(op)
	if err != nil {
		return err
	}
	return p.backward(gx, gw, gb, x, wt, gy, false, add)
}
