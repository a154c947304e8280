package nn

import (
	"math"
	"math/rand/v2"

	"github.com/anisoconv/aniso"
)

// Fans returns the fan-in and fan-out of a weight of the given shape as
// PyTorch and Chainer compute them: with r the product of the sizes after
// the second (the kernel),
//
//	fanIn = shape[1]·r,   fanOut = shape[0]·r.
//
// For a Conv weight O×(C/G)×k… that is (C/G)·Πk and O·Πk; for a Deconv
// weight C×(O/G)×k… it is (O/G)·Πk and C·Πk. A shape of one size gives
// that size for both, and an empty shape gives 1 and 1.
func Fans(shape []int) (fanIn, fanOut int) {
	switch len(shape) {
	case 0:
		return 1, 1
	case 1:
		return shape[0], shape[0]
	}
	r := 1
	for _, k := range shape[2:] {
		r *= k
	}
	return shape[1] * r, shape[0] * r
}

// HeNormal fills t with samples of the normal distribution of mean 0 and
// variance 2/fanIn (He et al. 2015, PyTorch's kaiming_normal_ for ReLU),
// drawn from rng in row-major order. t may be strided; the gaps are left
// alone. Nothing is written when rng or t is nil, t is not a valid
// tensor, or fanIn is not positive.
func HeNormal(rng *rand.Rand, t *aniso.Tensor, fanIn int) {
	normal(rng, t, fanIn, 2/float64(fanIn))
}

// HeUniform fills t with samples of the uniform distribution on [−a, a),
// a = √(6/fanIn), which has HeNormal's variance (PyTorch's
// kaiming_uniform_ for ReLU). Invalid arguments are treated as by
// HeNormal.
func HeUniform(rng *rand.Rand, t *aniso.Tensor, fanIn int) {
	uniform(rng, t, fanIn, 6/float64(fanIn))
}

// GlorotNormal fills t with samples of the normal distribution of mean 0
// and variance 2/(fanIn + fanOut) (Glorot and Bengio 2010, PyTorch's
// xavier_normal_). Nothing is written when rng or t is nil, t is not a
// valid tensor, or fanIn or fanOut is not positive.
func GlorotNormal(rng *rand.Rand, t *aniso.Tensor, fanIn, fanOut int) {
	normal(rng, t, min(fanIn, fanOut), 2/(float64(fanIn)+float64(fanOut)))
}

// GlorotUniform fills t with samples of the uniform distribution on
// [−a, a), a = √(6/(fanIn + fanOut)) (PyTorch's xavier_uniform_). Invalid
// arguments are treated as by GlorotNormal.
func GlorotUniform(rng *rand.Rand, t *aniso.Tensor, fanIn, fanOut int) {
	uniform(rng, t, min(fanIn, fanOut), 6/(float64(fanIn)+float64(fanOut)))
}

// normal fills t with N(0, variance) when rng and t are valid and fan is
// positive.
func normal(rng *rand.Rand, t *aniso.Tensor, fan int, variance float64) {
	if rng == nil || fan < 1 || checkTensor("init", "t", t) != nil {
		return
	}
	sd := math.Sqrt(variance)
	setEach(t, func() float32 { return float32(sd * rng.NormFloat64()) })
}

// uniform fills t with U(−√a2, √a2) under the conditions of normal.
func uniform(rng *rand.Rand, t *aniso.Tensor, fan int, a2 float64) {
	if rng == nil || fan < 1 || checkTensor("init", "t", t) != nil {
		return
	}
	a := math.Sqrt(a2)
	setEach(t, func() float32 { return float32(a * (2*rng.Float64() - 1)) })
}
