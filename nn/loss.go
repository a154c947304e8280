package nn

import (
	"math"
	"slices"

	"github.com/anisoconv/aniso"
)

// MSE returns the mean squared error between y and target over all n
// elements, and its gradient with respect to y:
//
//	loss = Σ (y − target)²/n,   grad = 2(y − target)/n.
//
// The sums are accumulated in float64. y and target may be strided and
// must have the same shape, with at least one element; grad is a new
// contiguous tensor of that shape. Errors wrap aniso.ErrNilTensor,
// aniso.ErrShape, aniso.ErrData or aniso.ErrTooLarge.
func MSE(y, target *aniso.Tensor) (loss float64, grad *aniso.Tensor, err error) {
	defer guard("mse", &err)
	grad, t, err := lossOperands("mse", y, target)
	if err != nil {
		return 0, nil, err
	}
	n := float64(len(t))
	for i, v := range grad.Data {
		d := float64(v) - float64(t[i])
		loss += d * d
		grad.Data[i] = float32(2 * d / n)
	}
	return loss / n, grad, nil
}

// L1 returns the mean absolute error between y and target over all n
// elements, and its gradient with respect to y:
//
//	loss = Σ |y − target|/n,   grad = sign(y − target)/n,
//
// with sign(0) = 0, as PyTorch's l1_loss. Shapes, results and errors are as
// for MSE.
func L1(y, target *aniso.Tensor) (loss float64, grad *aniso.Tensor, err error) {
	defer guard("l1", &err)
	grad, t, err := lossOperands("l1", y, target)
	if err != nil {
		return 0, nil, err
	}
	n := float64(len(t))
	for i, v := range grad.Data {
		d := float64(v) - float64(t[i])
		loss += math.Abs(d)
		switch {
		case d > 0:
			grad.Data[i] = float32(1 / n)
		case d < 0:
			grad.Data[i] = float32(-1 / n)
		default:
			grad.Data[i] = float32(d) // 0, or NaN passed on
		}
	}
	return loss / n, grad, nil
}

// lossOperands validates the operands of a loss and returns a new tensor
// holding y's elements in row-major order and target's elements likewise.
func lossOperands(op string, y, target *aniso.Tensor) (*aniso.Tensor, []float32, error) {
	if err := checkTensor(op, "y", y); err != nil {
		return nil, nil, err
	}
	if err := checkTensor(op, "target", target); err != nil {
		return nil, nil, err
	}
	if !slices.Equal(y.Shape, target.Shape) {
		return nil, nil, errorf(op, aniso.ErrShape, "y has shape %v, target %v", y.Shape, target.Shape)
	}
	n := y.Size()
	if n == 0 {
		return nil, nil, errorf(op, aniso.ErrShape, "y and target of shape %v have no elements to average", y.Shape)
	}
	g := aniso.New(y.Shape...)
	gather(g.Data, y)
	var t []float32
	if contiguous(target) {
		t = target.Data[:n:n]
	} else {
		t = make([]float32, n)
		gather(t, target)
	}
	return g, t, nil
}
