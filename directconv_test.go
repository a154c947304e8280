package aniso

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// withDirect runs f with directMode set to mode.
func withDirect(mode int, f func()) {
	directMode = mode
	defer func() { directMode = directAuto }()
	f()
}

// TestDirectConvRandom runs the random operator tests, the arena test and
// the strided-result test with every forward product that has a run table
// on the direct path, whatever its channels: forward passes and the data
// gradients that run as forward passes of a second engine.
func TestDirectConvRandom(t *testing.T) {
	withDirect(directOn, func() {
		for _, f := range []func(*testing.T){TestConvRandom, TestStretchConvRandom, TestDeconvRandom, TestPlansStayInsideTheirShapes, TestPlansStridedResults} {
			f(t)
		}
	})
}

// directGeoms are geometries whose products take the direct path by the
// rule of directForward on a machine with a vector kernel: 16 to 64
// channels, kernels 3×3, 5×5 and 3×1, padding that joins lines and
// padding that does not, stride 2 (panels gathered first), dilation, 1-D
// and 3-D, groups, and stretches whose phases read lines at step 1.
var directGeoms = []struct {
	x, w []int
	o    StretchOptions
}{
	{[]int{1, 32, 7, 37}, []int{32, 32, 3, 3}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1}}}},
	{[]int{1, 16, 5, 70}, []int{16, 16, 3, 3}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1}}}},
	{[]int{1, 16, 6, 29}, []int{48, 16, 5, 5}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{2, 2}}}},
	{[]int{1, 16, 8, 41}, []int{64, 16, 3, 1}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 0}}}},
	{[]int{1, 16, 8, 41}, []int{13, 16, 3, 3}, StretchOptions{}},
	{[]int{2, 16, 9, 31}, []int{17, 16, 3, 3}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1}, Stride: []int{2, 2}}}},
	{[]int{1, 16, 7, 33}, []int{6, 16, 3, 3}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{2, 2}, Dilation: []int{2, 2}}}},
	{[]int{2, 32, 90}, []int{10, 16, 7}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{3}, Groups: 2}}},
	{[]int{1, 16, 4, 5, 30}, []int{5, 16, 3, 3, 3}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1, 1}}}},
	{[]int{2, 8, 5, 6, 8}, []int{12, 8, 4, 4, 3}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1, 1}}}},
	{[]int{1, 16, 4, 20}, []int{6, 16, 4, 4}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1}, PadHi: []int{2, 2}}, Stretch: []int{2, 2}, Mode: Nearest}},
	{[]int{1, 16, 4, 20}, []int{6, 16, 4, 4}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1}, PadHi: []int{2, 2}}, Stretch: []int{1, 2}, Mode: Zeros}},
}

// TestDirectConv compares the forward pass and the gradients of the
// geometries of directGeoms, for contiguous inputs and inputs whose gaps
// hold NaN (between all elements, or only between rows), with the float64
// reference on the direct path and off it; the two paths sum in different
// orders, so some results must differ in their bits, which shows that the
// direct path ran.
func TestDirectConv(t *testing.T) {
	rng := rand.New(rand.NewPCG(91, 1))
	differ := 0
	for i, c := range directGeoms {
		g, u := stretchRefGeom(c.o, len(c.x)-2)
		x, w, b := randRef(rng, c.x...), randRef(rng, c.w...), randRef(rng, c.w[0]).Data
		want := refStretchConv(x, w, b, g, u, c.o.Mode)
		gy := randRef(rng, want.Shape...)
		wgx, _, _ := refStretchConvGrads(x, w, gy, g, u, c.o.Mode)
		for l, xt := range []*Tensor{tensorFromRef(x), gappy(rng, x), rowGaps(rng, x)} {
			var ys [2]*Tensor
			for j, mode := range []int{directOff, directAuto} {
				name := fmt.Sprintf("case %d (x %v w %v %v) layout %d mode %d", i, c.x, c.w, c.o, l, mode)
				withDirect(mode, func() {
					y, err := StretchConv(xt, tensorFromRef(w), tensorFromRef(biasRef(b)), c.o)
					require.NoError(t, err, name)
					expectClose(t, name+" forward", y, want)
					gx, _, _, err := StretchConvBackward(xt, tensorFromRef(w), tensorFromRef(gy), c.o)
					require.NoError(t, err, name)
					expectClose(t, name+" data gradient", gx, wgx)
					ys[j] = y
				})
			}
			for k := range ys[0].Data {
				if math.Float32bits(ys[0].Data[k]) != math.Float32bits(ys[1].Data[k]) {
					differ++
					break
				}
			}
		}
	}
	if directAvailable() {
		require.Positive(t, differ, "the direct path never ran")
	}
}

// stretchRefGeom returns the reference geometry and stretch factors of o
// for n spatial axes, with the defaults StretchConv gives omitted fields.
func stretchRefGeom(o StretchOptions, n int) (refGeom, []int) {
	g := refGeom{Stride: o.Stride, PadLo: o.PadLo, PadHi: o.PadHi, Dilation: o.Dilation, Groups: max(o.Groups, 1)}
	u := o.Stretch
	for _, def := range []*[]int{&g.Stride, &g.Dilation, &u} {
		if len(*def) == 0 {
			*def = ones(n)
		}
	}
	if len(g.PadLo) == 0 {
		g.PadLo = make([]int, n)
	}
	if len(g.PadHi) == 0 {
		g.PadHi = g.PadLo
	}
	return g, u
}

// directAvailable reports whether directForward's rule takes the direct
// path on this machine.
func directAvailable() bool {
	e := &engine{cin: minPanelChannels}
	return !e.directDeclined()
}

// rowGaps returns a as a tensor whose last axis is contiguous and whose
// other axes leave a gap of 1 to 3 NaN elements after each row or block,
// so that lines are read at unit step but never join.
func rowGaps(rng *rand.Rand, a *refArr) *Tensor {
	r := len(a.Shape)
	strides := make([]int, r)
	strides[r-1] = 1
	span := a.Shape[r-1]
	for d := r - 2; d >= 0; d-- {
		strides[d] = span + 1 + rng.IntN(3)
		span = strides[d] * a.Shape[d]
	}
	return scatter(a, strides, span)
}

func ones(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 1
	}
	return s
}

// TestDirectConvThreads checks that the direct path gives the same bits on
// one goroutine and on several.
func TestDirectConvThreads(t *testing.T) {
	rng := rand.New(rand.NewPCG(92, 1))
	x, w := randTensor(rng, 4, 32, 40, 50), randTensor(rng, 32, 32, 3, 3)
	o := ConvOptions{PadLo: []int{1, 1}}
	withDirect(directOn, func() {
		old := runtime.GOMAXPROCS(1)
		one, err := Conv(x, w, nil, o)
		runtime.GOMAXPROCS(4)
		many, err2 := Conv(x, w, nil, o)
		runtime.GOMAXPROCS(old)
		require.NoError(t, err)
		require.NoError(t, err2)
		for i := range one.Data {
			if math.Float32bits(one.Data[i]) != math.Float32bits(many.Data[i]) {
				t.Fatalf("y[%d] = %v on one goroutine, %v on four", i, one.Data[i], many.Data[i])
			}
		}
	})
}

// TestDirectConvAllocatesNothing checks that plans whose forward products
// take the direct path, by panels, by pieces of lines or through gathered
// panels, allocate nothing once they have run.
func TestDirectConvAllocatesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(93, 1))
	// Lines that join, lines that do not, lines read at step 2.
	for _, o := range []ConvOptions{{PadLo: []int{1, 1}}, {}, {Stride: []int{2, 2}}} {
		x, w, b := randTensor(rng, 2, 16, 30, 70), randTensor(rng, 16, 16, 3, 3), randTensor(rng, 16)
		p, err := NewConvPlan(x.Shape, w.Shape, o)
		require.NoError(t, err)
		y, gy := New(p.OutShape()...), randTensor(rng, p.OutShape()...)
		gx, gw, gb := New(x.Shape...), New(w.Shape...), New(16)
		withDirect(directOn, func() {
			requireNoAllocs(t,
				func() error { return p.Forward(y, x, w, b) },
				func() error { return p.Backward(gx, gw, gb, x, w, gy) },
			)
		})
	}
}

// TestDirectConvRoutesToUse checks that after blas32.Use every
// multiply-add of a forward pass the direct path would take reaches the
// installed implementation.
func TestDirectConvRoutesToUse(t *testing.T) {
	rng := rand.New(rand.NewPCG(94, 1))
	x, w := randTensor(rng, 1, 16, 20, 30), randTensor(rng, 16, 16, 3, 3)
	o := ConvOptions{PadLo: []int{1, 1}}
	p, err := NewConvPlan(x.Shape, w.Shape, o)
	require.NoError(t, err)
	y := New(p.OutShape()...)
	withDirect(directOn, func() {
		require.Equal(t, p.MACs(), countMACs(t, func() error { return p.Forward(y, x, w, nil) }))
	})
}
