package nn

import (
	"math"
	"slices"

	"github.com/anisoconv/aniso"
)

// Param is a learnable tensor and the gradient accumulated for it.
type Param struct {
	Name  string
	Value *aniso.Tensor
	Grad  *aniso.Tensor // same shape as Value; Backward adds into it
}

// newParam returns a parameter of the given shape, zero, with a zero
// gradient unless frozen.
func newParam(name string, frozen bool, shape ...int) *Param {
	p := &Param{Name: name, Value: aniso.New(shape...)}
	if !frozen {
		p.Grad = aniso.New(shape...)
	}
	return p
}

// checkParam validates a parameter an optimiser updates: Value and Grad
// contiguous and of one shape.
func checkParam(op string, i int, p *Param) error {
	if p == nil {
		return errorf(op, aniso.ErrNilTensor, "param %d is nil", i)
	}
	// The names are built only on failure: a step must not allocate.
	if checkDense(op, "", p.Value) != nil {
		return checkDense(op, "param "+p.Name+" value", p.Value)
	}
	if checkDense(op, "", p.Grad) != nil {
		return checkDense(op, "param "+p.Name+" grad", p.Grad)
	}
	if !slices.Equal(p.Value.Shape, p.Grad.Shape) {
		return errorf(op, aniso.ErrShape, "param %s: grad has shape %v, value %v", p.Name, p.Grad.Shape, p.Value.Shape)
	}
	return nil
}

// Layer is one differentiable step. Forward keeps what Backward needs;
// Backward adds the parameter gradients into Params()[i].Grad and returns
// the input gradient (nil when the layer was built not to compute it).
// Gradients accumulate over Backward calls until ZeroGrad clears them.
//
// The layers of this package own their results: the tensor Forward
// returns is valid until the next Forward of an input of the same shape on
// the same layer, and the one Backward returns until the next Backward
// after such a Forward. Forward keeps a reference to its input, which must
// not change before Backward. A layer value appears once in a network; to
// share weights, share the Params between two layers. Layers are not safe
// for concurrent use.
type Layer interface {
	Forward(x *aniso.Tensor) (*aniso.Tensor, error)
	Backward(gy *aniso.Tensor) (*aniso.Tensor, error)
	Params() []*Param
}

// ZeroGrad sets the gradient of every parameter to zero. Nil parameters,
// nil gradients and gradients that are not valid contiguous tensors are
// skipped.
func ZeroGrad(params []*Param) {
	for _, p := range params {
		if p == nil || checkDense("zerograd", "grad", p.Grad) != nil {
			continue
		}
		clear(p.Grad.Data[:p.Grad.Size()])
	}
}

// ClipGradNorm scales the gradients of params so that their global L2
// norm, the norm of all gradients concatenated, is at most maxNorm, as
// torch.nn.utils.clip_grad_norm_ does:
//
//	norm = √(Σ_p Σ_i g_pi²)
//	g   ← g · maxNorm/(norm + 10⁻⁶)   when that factor is below 1
//
// It returns the norm before clipping, accumulated in float64. A maxNorm
// that is not positive, or a norm that is not finite, leaves the gradients
// as they are. Parameters are skipped as by ZeroGrad.
func ClipGradNorm(params []*Param, maxNorm float64) (norm float64) {
	for _, p := range params {
		if p == nil || checkDense("clipgradnorm", "grad", p.Grad) != nil {
			continue
		}
		for _, g := range p.Grad.Data[:p.Grad.Size()] {
			norm += float64(g) * float64(g)
		}
	}
	norm = math.Sqrt(norm)
	coef := maxNorm / (norm + 1e-6)
	if !(maxNorm > 0) || math.IsInf(norm, 0) || math.IsNaN(norm) || !(coef < 1) {
		return norm
	}
	for _, p := range params {
		if p == nil || checkDense("clipgradnorm", "grad", p.Grad) != nil {
			continue
		}
		for i, g := range p.Grad.Data[:p.Grad.Size()] {
			p.Grad.Data[i] = float32(float64(g) * coef)
		}
	}
	return norm
}
