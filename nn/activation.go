package nn

import (
	"math"
	"slices"

	"github.com/anisoconv/aniso"
)

// ReLU is the rectifier y = max(x, 0), element by element, on tensors of
// any shape. Its gradient at 0 is 0, as in PyTorch.
type ReLU struct{ e elementwise }

// NewReLU returns a ReLU layer.
func NewReLU() *ReLU { return &ReLU{elementwise{op: "relu", kind: relu}} }

// Forward returns max(x, 0), a contiguous tensor the layer owns.
func (r *ReLU) Forward(x *aniso.Tensor) (*aniso.Tensor, error) { return r.e.forward(x) }

// Backward returns gy where the last Forward's output is positive and 0
// elsewhere. Before any Forward the error wraps ErrNoForward.
func (r *ReLU) Backward(gy *aniso.Tensor) (*aniso.Tensor, error) { return r.e.backward(gy) }

// Params returns nil: ReLU has none.
func (r *ReLU) Params() []*Param { return nil }

// LeakyReLU is y = x for x > 0 and slope·x otherwise, element by element.
type LeakyReLU struct{ e elementwise }

// NewLeakyReLU returns a LeakyReLU layer with the given slope for
// non-positive inputs (PyTorch's negative_slope; its default is 0.01).
func NewLeakyReLU(slope float32) *LeakyReLU {
	return &LeakyReLU{elementwise{op: "leakyrelu", kind: leaky, slope: slope}}
}

// Forward returns the LeakyReLU of x, a contiguous tensor the layer owns.
func (r *LeakyReLU) Forward(x *aniso.Tensor) (*aniso.Tensor, error) { return r.e.forward(x) }

// Backward returns gy where the last Forward's input is positive and
// slope·gy elsewhere.
func (r *LeakyReLU) Backward(gy *aniso.Tensor) (*aniso.Tensor, error) { return r.e.backward(gy) }

// Params returns nil: LeakyReLU has none.
func (r *LeakyReLU) Params() []*Param { return nil }

// Sigmoid is the logistic function y = 1/(1 + e^−x), element by element.
type Sigmoid struct{ e elementwise }

// NewSigmoid returns a Sigmoid layer.
func NewSigmoid() *Sigmoid { return &Sigmoid{elementwise{op: "sigmoid", kind: sigmoid}} }

// Forward returns the sigmoid of x, a contiguous tensor the layer owns.
func (s *Sigmoid) Forward(x *aniso.Tensor) (*aniso.Tensor, error) { return s.e.forward(x) }

// Backward returns gy·y·(1 − y) for the last Forward's output y.
func (s *Sigmoid) Backward(gy *aniso.Tensor) (*aniso.Tensor, error) { return s.e.backward(gy) }

// Params returns nil: Sigmoid has none.
func (s *Sigmoid) Params() []*Param { return nil }

// Tanh is the hyperbolic tangent, element by element.
type Tanh struct{ e elementwise }

// NewTanh returns a Tanh layer.
func NewTanh() *Tanh { return &Tanh{elementwise{op: "tanh", kind: tanh}} }

// Forward returns tanh(x), a contiguous tensor the layer owns.
func (t *Tanh) Forward(x *aniso.Tensor) (*aniso.Tensor, error) { return t.e.forward(x) }

// Backward returns gy·(1 − y²) for the last Forward's output y.
func (t *Tanh) Backward(gy *aniso.Tensor) (*aniso.Tensor, error) { return t.e.backward(gy) }

// Params returns nil: Tanh has none.
func (t *Tanh) Params() []*Param { return nil }

type kind int

const (
	relu kind = iota
	leaky
	sigmoid
	tanh
)

// elementwise is the machinery of the activations: per input shape an
// output and an input-gradient buffer (and, for LeakyReLU, a copy of the
// input, since its output does not tell the sign of the input for every
// slope).
type elementwise struct {
	op     string
	kind   kind
	slope  float32
	states []*ewState
	cur    *ewState
}

type ewState struct {
	shape    []int
	x, y, gx *aniso.Tensor
}

func (e *elementwise) state(shape []int) *ewState {
	for _, s := range e.states {
		if slices.Equal(s.shape, shape) {
			return s
		}
	}
	s := &ewState{shape: append([]int(nil), shape...), y: aniso.New(shape...), gx: aniso.New(shape...)}
	if e.kind == leaky {
		s.x = aniso.New(shape...)
	}
	e.states = append(e.states, s)
	return s
}

func (e *elementwise) forward(x *aniso.Tensor) (y *aniso.Tensor, err error) {
	defer guard(e.op, &err)
	e.cur = nil
	if err := checkTensor(e.op, "x", x); err != nil {
		return nil, err
	}
	s := e.state(x.Shape)
	yd := s.y.Data
	// The input is read where it lies when it is contiguous: one pass.
	xd := elements(yd, x)
	switch e.kind {
	case relu:
		for i, v := range xd {
			yd[i] = max(v, 0)
		}
	case leaky:
		copy(s.x.Data, xd)
		for i, v := range xd {
			if !(v > 0) {
				v *= e.slope
			}
			yd[i] = v
		}
	case sigmoid:
		for i, v := range xd {
			yd[i] = float32(1 / (1 + math.Exp(-float64(v))))
		}
	case tanh:
		for i, v := range xd {
			yd[i] = float32(math.Tanh(float64(v)))
		}
	}
	e.cur = s
	return s.y, nil
}

func (e *elementwise) backward(gy *aniso.Tensor) (gx *aniso.Tensor, err error) {
	defer guard(e.op, &err)
	s := e.cur
	if s == nil {
		return nil, errorf(e.op, ErrNoForward, "Backward called before Forward")
	}
	if err := checkTensor(e.op, "gy", gy); err != nil {
		return nil, err
	}
	if !slices.Equal(gy.Shape, s.shape) {
		return nil, errorf(e.op, aniso.ErrShape, "gy has shape %v, the last output %v", gy.Shape, s.shape)
	}
	g, y := s.gx.Data, s.y.Data
	gd := elements(g, gy)
	switch e.kind {
	case relu:
		for i, v := range y {
			d := gd[i]
			if !(v > 0) {
				d = 0
			}
			g[i] = d
		}
	case leaky:
		for i, v := range s.x.Data {
			d := gd[i]
			if !(v > 0) {
				d *= e.slope
			}
			g[i] = d
		}
	case sigmoid:
		for i, v := range y {
			g[i] = gd[i] * (v * (1 - v))
		}
	case tanh:
		for i, v := range y {
			g[i] = gd[i] * (1 - v*v)
		}
	}
	return s.gx, nil
}
