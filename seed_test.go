package aniso

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The seed problem: map (1,1,100,100) to (1,1,50,200), shrinking one axis
// while growing the other.

func randTensor(rng *rand.Rand, shape ...int) *Tensor {
	t := New(shape...)
	fillUniform(rng, t.Data)
	return t
}

func dot(a, b *Tensor) float64 { return dotStrided(a, &Tensor{Data: packed(b), Shape: b.Shape}) }

// requireAdjoint checks ⟨Conv(x), y⟩ = ⟨x, Deconv(y)⟩ for one geometry.
func requireAdjoint(t *testing.T, rng *rand.Rand, xShape, wShape []int, o DeconvOptions) {
	t.Helper()
	x, w := randTensor(rng, xShape...), randTensor(rng, wShape...)
	cx, err := Conv(x, w, nil, o.ConvOptions)
	require.NoError(t, err)
	y := randTensor(rng, cx.Shape...)
	dy, err := Deconv(y, w, nil, o)
	require.NoError(t, err)
	require.Equal(t, x.Shape, dy.Shape)
	lhs, rhs := dot(cx, y), dot(x, dy)
	require.InDelta(t, lhs, rhs, 1e-5*(math.Abs(lhs)+1), "⟨Conv x, y⟩ = %v, ⟨x, Deconv y⟩ = %v", lhs, rhs)
}

// gradCheck runs CheckGradient on an operator of (x, w, b) with backward
// giving (gx, gw, gb).
func gradCheck(t *testing.T, x, w, b *Tensor,
	f func(x, w, b *Tensor) (*Tensor, error),
	g func(x, w, gy *Tensor) (gx, gw, gb *Tensor, err error)) {
	t.Helper()
	rep, err := CheckGradient(
		func(xs []*Tensor) (*Tensor, error) { return f(xs[0], xs[1], xs[2]) },
		func(xs []*Tensor, gy *Tensor) ([]*Tensor, error) {
			gx, gw, gb, err := g(xs[0], xs[1], gy)
			return []*Tensor{gx, gw, gb}, err
		},
		[]*Tensor{x, w, b}, GradCheckOptions{Seed: 7})
	require.NoError(t, err, rep.String())
	require.Len(t, rep.Results, 6)
}

func TestSeedConvDeconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 1))
	conv := ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 0}}
	deconv := DeconvOptions{ConvOptions: ConvOptions{Stride: []int{1, 2}, PadLo: []int{0, 1}}}

	x := randTensor(rng, 1, 1, 100, 100)
	wc, wd, b := randTensor(rng, 1, 1, 4, 1), randTensor(rng, 1, 1, 1, 4), randTensor(rng, 1)
	y, err := Conv(x, wc, b, conv)
	require.NoError(t, err)
	require.Equal(t, []int{1, 1, 50, 100}, y.Shape)
	z, err := Deconv(x, wd, b, deconv)
	require.NoError(t, err)
	require.Equal(t, []int{1, 1, 100, 200}, z.Shape)

	// The adjoint pairs of both steps.
	requireAdjoint(t, rng, []int{1, 1, 100, 100}, []int{1, 1, 4, 1}, DeconvOptions{ConvOptions: conv})
	requireAdjoint(t, rng, []int{1, 1, 100, 200}, []int{1, 1, 1, 4}, deconv)

	gradCheck(t, x, wc, b,
		func(x, w, b *Tensor) (*Tensor, error) { return Conv(x, w, b, conv) },
		func(x, w, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) { return ConvBackward(x, w, gy, conv) })
	gradCheck(t, x, wd, b,
		func(x, w, b *Tensor) (*Tensor, error) { return Deconv(x, w, b, deconv) },
		func(x, w, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) { return DeconvBackward(x, w, gy, deconv) })
}

// TestSeed3D is the seed's two steps in 3-D with several channels:
// (1,2,16,16,16) conv → (1,3,8,16,16), deconv → (1,3,16,32,16).
func TestSeed3D(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 1))
	conv := ConvOptions{Stride: []int{2, 1, 1}, PadLo: []int{1, 0, 1}}
	deconv := DeconvOptions{ConvOptions: ConvOptions{Stride: []int{1, 2, 1}, PadLo: []int{0, 1, 0}}}
	x := randTensor(rng, 1, 2, 16, 16, 16)
	wc, b := randTensor(rng, 3, 2, 4, 1, 3), randTensor(rng, 3)
	y, err := Conv(x, wc, b, conv)
	require.NoError(t, err)
	require.Equal(t, []int{1, 3, 8, 16, 16}, y.Shape)
	wd := randTensor(rng, 2, 3, 1, 4, 1)
	z, err := Deconv(x, wd, b, deconv)
	require.NoError(t, err)
	require.Equal(t, []int{1, 3, 16, 32, 16}, z.Shape)

	requireAdjoint(t, rng, x.Shape, wc.Shape, DeconvOptions{ConvOptions: conv})
	requireAdjoint(t, rng, []int{1, 3, 16, 32, 16}, wd.Shape, deconv)
	gradCheck(t, x, wc, b,
		func(x, w, b *Tensor) (*Tensor, error) { return Conv(x, w, b, conv) },
		func(x, w, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) { return ConvBackward(x, w, gy, conv) })
	gradCheck(t, x, wd, b,
		func(x, w, b *Tensor) (*Tensor, error) { return Deconv(x, w, b, deconv) },
		func(x, w, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) { return DeconvBackward(x, w, gy, deconv) })
}

// Seed options of the one-operator equivalents, from SEMANTICS: stride 2
// on H, stretch 2 on W, kernel 4×4.
var (
	seedNearest = StretchOptions{
		ConvOptions: ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 2}},
		Stretch:     []int{1, 2}, Mode: Nearest,
	}
	seedZeros = StretchOptions{
		ConvOptions: ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 2}, PadHi: []int{1, 2}},
		Stretch:     []int{1, 2}, Mode: Zeros,
	}
)

func TestSeedStretch(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 1))
	x, w, b := randTensor(rng, 1, 1, 100, 100), randTensor(rng, 1, 1, 4, 4), randTensor(rng, 1)
	for _, o := range []StretchOptions{seedNearest, seedZeros} {
		t.Run(o.Mode.String(), func(t *testing.T) {
			y, err := StretchConv(x, w, b, o)
			require.NoError(t, err)
			require.Equal(t, []int{1, 1, 50, 200}, y.Shape)
			gradCheck(t, x, w, b,
				func(x, w, b *Tensor) (*Tensor, error) { return StretchConv(x, w, b, o) },
				func(x, w, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) { return StretchConvBackward(x, w, gy, o) })
		})
	}
}

// TestSeedChains reproduces the seed's four two-step methods with the
// library's operators and Chainer's parameters, and checks the upsample →
// conv chain against the one StretchConv that equals it.
func TestSeedChains(t *testing.T) {
	rng := rand.New(rand.NewPCG(24, 1))
	x := randTensor(rng, 1, 1, 100, 100)
	want := []int{1, 1, 50, 200}
	down := ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 0}}
	up := DeconvOptions{ConvOptions: ConvOptions{Stride: []int{1, 2}, PadLo: []int{0, 1}}}
	wDown, wUp := randTensor(rng, 1, 1, 4, 1), randTensor(rng, 1, 1, 1, 4)
	w44 := randTensor(rng, 1, 1, 4, 4)

	// conv → deconv.
	h, err := Conv(x, wDown, nil, down)
	require.NoError(t, err)
	require.Equal(t, []int{1, 1, 50, 100}, h.Shape)
	y, err := Deconv(h, wUp, nil, up)
	require.NoError(t, err)
	require.Equal(t, want, y.Shape)

	// deconv → conv.
	h, err = Deconv(x, wUp, nil, up)
	require.NoError(t, err)
	require.Equal(t, []int{1, 1, 100, 200}, h.Shape)
	y, err = Conv(h, wDown, nil, down)
	require.NoError(t, err)
	require.Equal(t, want, y.Shape)

	// unpooling_2d(ksize=(1,2)) with Chainer's default cover_all=True gives
	// 199 columns; Convolution2D(ksize=4, stride=(2,1), pad=(1,2)) → 200.
	h, err = UnpoolND(x, UnpoolOptions{Ksize: []int{1, 2}, CoverAll: true})
	require.NoError(t, err)
	require.Equal(t, []int{1, 1, 100, 199}, h.Shape)
	y, err = Conv(h, w44, nil, ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 2}})
	require.NoError(t, err)
	require.Equal(t, want, y.Shape)

	// Zero-interleaving by a deconvolution with the fixed weight [0,1,0]:
	// 201 columns, then Convolution2D(ksize=4, stride=(2,1), pad=1) → 200.
	interleave := New(1, 1, 1, 3)
	interleave.Data[1] = 1
	upOpts := DeconvOptions{ConvOptions: ConvOptions{Stride: []int{1, 2}}}
	h, err = Deconv(x, interleave, nil, upOpts)
	require.NoError(t, err)
	require.Equal(t, []int{1, 1, 100, 201}, h.Shape)
	convOpts := ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}}
	y, err = Conv(h, w44, nil, convOpts)
	require.NoError(t, err)
	require.Equal(t, want, y.Shape)

	fused, err := StretchConv(x, w44, nil, seedZeros)
	require.NoError(t, err)
	requireClose(t, fused, y, 1e-6)

	// Their gradients agree too.
	gy := randTensor(rng, want...)
	gx, gw, _, err := StretchConvBackward(x, w44, gy, seedZeros)
	require.NoError(t, err)
	gh, gw2, _, err := ConvBackward(h, w44, gy, convOpts)
	require.NoError(t, err)
	gx2, _, _, err := DeconvBackward(x, interleave, gh, upOpts)
	require.NoError(t, err)
	requireClose(t, gx, gx2, 1e-6)
	requireClose(t, gw, gw2, 1e-6)
}

// requireClose checks that two tensors of one shape agree to a normwise
// relative error of tol.
func requireClose(t *testing.T, got, want *Tensor, tol float64) {
	t.Helper()
	require.Equal(t, want.Shape, got.Shape)
	require.LessOrEqual(t, relErr(got, refFromTensor(want)), tol)
}

// TestSeed3DStretch is the 3-D generalisation: (1,2,16,16,16) →
// (1,3,8,32,16) with stretch (1,2,1) and stride (2,1,1), in both modes.
func TestSeed3DStretch(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 1))
	x, w, b := randTensor(rng, 1, 2, 16, 16, 16), randTensor(rng, 3, 2, 4, 4, 3), randTensor(rng, 3)
	for _, mode := range []StretchMode{Nearest, Zeros} {
		t.Run(mode.String(), func(t *testing.T) {
			o := StretchOptions{
				ConvOptions: ConvOptions{Stride: []int{2, 1, 1}, PadLo: []int{1, 1, 1}, PadHi: []int{1, 2, 1}},
				Stretch:     []int{1, 2, 1}, Mode: mode,
			}
			if mode == Zeros {
				o.PadLo = []int{1, 2, 1}
			}
			y, err := StretchConv(x, w, b, o)
			require.NoError(t, err)
			require.Equal(t, []int{1, 3, 8, 32, 16}, y.Shape)
			gradCheck(t, x, w, b,
				func(x, w, b *Tensor) (*Tensor, error) { return StretchConv(x, w, b, o) },
				func(x, w, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) { return StretchConvBackward(x, w, gy, o) })
		})
	}
}
