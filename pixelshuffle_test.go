package aniso

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// refPixelShuffle computes PixelShuffle from its defining formula, one
// output element at a time:
//
//	y[n, c, d1·r1 + i1, …] = x[n, c·R + ((i1·r2 + i2)·r3 + …)·rn + in, d1, …]
func refPixelShuffle(x *refArr, r []int) *refArr {
	R := 1
	for _, v := range r {
		R *= v
	}
	shape := []int{x.Shape[0], x.Shape[1] / R}
	for a, v := range r {
		shape = append(shape, x.Shape[2+a]*v)
	}
	y := newRef(shape...)
	d := make([]int, len(r))
	k := 0
	for idx, ok := refFirst(shape); ok; ok = refNext(idx, shape) {
		q := 0
		for a := range r {
			d[a] = idx[2+a] / r[a]
			q = q*r[a] + idx[2+a]%r[a]
		}
		y.Data[k] = x.Data[x.pos(idx[0], idx[1]*R+q, d)]
		k++
	}
	return y
}

// refPixelUnshuffle computes PixelUnshuffle from its defining formula,
// one output element at a time: deep channel k = c·R + q takes phase q of
// wide channel c.
func refPixelUnshuffle(x *refArr, r []int) *refArr {
	R := 1
	for _, v := range r {
		R *= v
	}
	shape := []int{x.Shape[0], x.Shape[1] * R}
	for a, v := range r {
		shape = append(shape, x.Shape[2+a]/v)
	}
	y := newRef(shape...)
	o := make([]int, len(r))
	k := 0
	for idx, ok := refFirst(shape); ok; ok = refNext(idx, shape) {
		c, q := idx[1]/R, idx[1]%R
		for a := len(r) - 1; a >= 0; a-- {
			o[a] = idx[2+a]*r[a] + q%r[a]
			q /= r[a]
		}
		y.Data[k] = x.Data[x.pos(idx[0], c, o)]
		k++
	}
	return y
}

// shuffleCase is a random shuffle geometry: the deep shape
// N×(C·R)×D1×…×Dn and the factors.
type shuffleCase struct {
	deep, r []int
}

func (c shuffleCase) wide() []int {
	w := []int{c.deep[0], c.deep[1]}
	R := 1
	for _, v := range c.r {
		R *= v
	}
	w[1] /= R
	for a, v := range c.r {
		w = append(w, c.deep[2+a]*v)
	}
	return w
}

func drawShuffle(rng *rand.Rand, nsp int) shuffleCase {
	c := shuffleCase{r: make([]int, nsp)}
	R := 1
	for a := range c.r {
		c.r[a] = 1 + rng.IntN(3)
		R *= c.r[a]
	}
	c.deep = []int{1 + rng.IntN(3), (1 + rng.IntN(3)) * R}
	for range nsp {
		c.deep = append(c.deep, 1+rng.IntN(4))
	}
	return c
}

// TestPixelShuffleRandom checks both operators and their plans against the
// references on random geometries in 1-D to 3-D, with factors of 1, 2 and
// 3 mixed over the axes and batch up to 3, for contiguous inputs and for
// strided ones whose gaps hold NaN, exactly: they only move elements. It
// also checks that each undoes the other and that they are adjoint.
func TestPixelShuffleRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 1))
	var sawOne, sawMixed, sawBatch bool
	for nsp := 1; nsp <= 3; nsp++ {
		for range 40 {
			c := drawShuffle(rng, nsp)
			sawOne = sawOne || slices.Contains(c.r, 1) && slices.ContainsFunc(c.r, func(v int) bool { return v > 1 })
			sawMixed = sawMixed || slices.Contains(c.r, 2) && slices.Contains(c.r, 3)
			sawBatch = sawBatch || c.deep[0] > 1
			what := fmt.Sprintf("deep %v factors %v", c.deep, c.r)
			xr, gr := randRef(rng, c.deep...), randRef(rng, c.wide()...)
			wantY, wantG := refPixelShuffle(xr, c.r), refPixelUnshuffle(gr, c.r)
			sp, err := NewPixelShufflePlan(c.deep, c.r)
			require.NoError(t, err, what)
			up, err := NewPixelUnshufflePlan(c.wide(), c.r)
			require.NoError(t, err, what)
			require.Equal(t, c.wide(), sp.OutShape(), what)
			require.Equal(t, c.deep, up.OutShape(), what)
			for _, layout := range []string{"contiguous", "strided"} {
				x, g := tensorFromRef(xr), tensorFromRef(gr)
				if layout == "strided" {
					x, g = gappy(rng, xr), gappy(rng, gr)
				}
				before := snapshot([]*Tensor{x, g})
				y, err := PixelShuffle(x, c.r)
				require.NoError(t, err, what)
				require.Zero(t, relErr(y, wantY), "%s %s: PixelShuffle", what, layout)
				gx, err := PixelUnshuffle(g, c.r)
				require.NoError(t, err, what)
				require.Zero(t, relErr(gx, wantG), "%s %s: PixelUnshuffle", what, layout)

				// The plans, into results full of NaN: every element is
				// written and none is read.
				for _, run := range []struct {
					name string
					f    func(dst, src *Tensor) error
					src  *Tensor
					want *refArr
				}{
					{"shuffle plan Forward", sp.Forward, x, wantY},
					{"shuffle plan Backward", sp.Backward, g, wantG},
					{"unshuffle plan Forward", up.Forward, g, wantG},
					{"unshuffle plan Backward", up.Backward, x, wantY},
				} {
					dst := New(run.want.Shape...)
					for i := range dst.Data {
						dst.Data[i] = float32(math.NaN())
					}
					require.NoError(t, run.f(dst, run.src), what)
					require.Zero(t, relErr(dst, run.want), "%s %s: %s", what, layout, run.name)
				}
				unchanged(t, what, []*Tensor{x, g}, before)

				// Inverse: exact round trips both ways.
				back, err := PixelUnshuffle(y, c.r)
				require.NoError(t, err, what)
				require.Zero(t, relErr(back, xr), "%s %s: unshuffle(shuffle(x)) ≠ x", what, layout)
				back, err = PixelShuffle(gx, c.r)
				require.NoError(t, err, what)
				require.Zero(t, relErr(back, gr), "%s %s: shuffle(unshuffle(g)) ≠ g", what, layout)

				// Adjoint: ⟨shuffle(x), g⟩ = ⟨x, unshuffle(g)⟩.
				lhs := dotRef(refFromTensor(y), gr)
				rhs := dotRef(xr, refFromTensor(gx))
				require.InDelta(t, lhs, rhs, 1e-12*(math.Abs(lhs)+1), "%s %s: adjoint", what, layout)
			}
		}
	}
	require.True(t, sawOne && sawMixed && sawBatch, "cases lack a factor 1 beside a larger one, mixed factors 2 and 3, or batch > 1")
}

// TestPixelShuffleByHand pins down the channel order on small examples
// worked out by hand: PyTorch's pixel_shuffle with upscale factor 2, ONNX
// DepthToSpace in CRD mode.
func TestPixelShuffleByHand(t *testing.T) {
	// x[0, k, h, w] = 4k + 2h + w: phase (i, j) of the only output channel
	// is input channel 2i + j.
	x := New(1, 4, 2, 2)
	for i := range x.Data {
		x.Data[i] = float32(i)
	}
	y, err := PixelShuffle(x, []int{2, 2})
	require.NoError(t, err)
	require.Equal(t, []int{1, 1, 4, 4}, y.Shape)
	require.Equal(t, []float32{
		0, 4, 1, 5,
		8, 12, 9, 13,
		2, 6, 3, 7,
		10, 14, 11, 15,
	}, y.Data)

	// CRD: output channel c takes the consecutive input channels 4c…4c+3
	// (DCR would give channel 0 the inputs 0, 2, 4, 6).
	x = New(1, 8, 1, 1)
	for i := range x.Data {
		x.Data[i] = float32(i)
	}
	y, err = PixelShuffle(x, []int{2, 2})
	require.NoError(t, err)
	require.Equal(t, []int{1, 2, 2, 2}, y.Shape)
	require.Equal(t, []float32{0, 1, 2, 3, 4, 5, 6, 7}, y.Data)

	// Per axis: factors (1, 3) interleave three channels along the last
	// axis only.
	x = New(1, 3, 2, 2)
	for i := range x.Data {
		x.Data[i] = float32(i)
	}
	y, err = PixelShuffle(x, []int{1, 3})
	require.NoError(t, err)
	require.Equal(t, []int{1, 1, 2, 6}, y.Shape)
	require.Equal(t, []float32{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, y.Data)
	back, err := PixelUnshuffle(y, []int{1, 3})
	require.NoError(t, err)
	require.Equal(t, x.Data, back.Data)
}

// TestPixelShuffleIdentity checks that factors of 1 on every axis and an
// empty batch are handled: the first copies, the second has nothing to do.
func TestPixelShuffleIdentity(t *testing.T) {
	rng := rand.New(rand.NewPCG(72, 1))
	x := randTensor(rng, 2, 3, 4, 5, 2)
	for _, f := range []func(*Tensor, []int) (*Tensor, error){PixelShuffle, PixelUnshuffle} {
		y, err := f(x, []int{1, 1, 1})
		require.NoError(t, err)
		require.Equal(t, x.Shape, y.Shape)
		require.Equal(t, x.Data, y.Data)
	}
	y, err := PixelShuffle(New(0, 4, 3), []int{4})
	require.NoError(t, err)
	require.Equal(t, []int{0, 1, 12}, y.Shape)
	y, err = PixelUnshuffle(New(0, 1, 12), []int{4})
	require.NoError(t, err)
	require.Equal(t, []int{0, 4, 3}, y.Shape)
}

func TestPixelShufflePlansAllocateNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(73, 1))
	x := randTensor(rng, 2, 12, 5, 4, 3)
	strided := gappy(rng, refFromTensor(x))
	r := []int{2, 1, 3}
	sp, err := NewPixelShufflePlan(x.Shape, r)
	require.NoError(t, err)
	up, err := NewPixelUnshufflePlan(sp.OutShape(), r)
	require.NoError(t, err)
	y, gx := New(sp.OutShape()...), New(x.Shape...)
	for _, f := range []func() error{
		func() error { return sp.Forward(y, x) },
		func() error { return sp.Forward(y, strided) },
		func() error { return sp.Backward(gx, y) },
		func() error { return up.Forward(gx, y) },
		func() error { return up.Backward(y, gx) },
	} {
		allocs := testing.AllocsPerRun(5, func() {
			if err := f(); err != nil {
				t.Fatal(err)
			}
		})
		require.Zero(t, allocs)
	}
}

func shuffle2(x *Tensor, r []int) func() error {
	return func() error { _, err := PixelShuffle(x, r); return err }
}

func unshuffle2(x *Tensor, r []int) func() error {
	return func() error { _, err := PixelUnshuffle(x, r); return err }
}

func TestPixelShuffleBadInput(t *testing.T) {
	x := New(1, 4, 3, 3)
	big := 1 << 62
	sp, err := NewPixelShufflePlan(x.Shape, []int{2, 2})
	require.NoError(t, err)
	up, err := NewPixelUnshufflePlan([]int{1, 1, 6, 6}, []int{2, 2})
	require.NoError(t, err)
	y := New(1, 1, 6, 6)
	cases := []badCase{
		{"nil", shuffle2(nil, []int{2}), ErrNilTensor, []string{"pixelshuffle", "x is nil"}},
		{"rank", shuffle2(New(2, 4), nil), ErrShape, []string{"rank 2"}},
		{"factors length", shuffle2(x, []int{2}), ErrOption, []string{"factors has 1 values for 2 spatial axes"}},
		{"nil factors", shuffle2(x, nil), ErrOption, []string{"factors has 0 values for 2 spatial axes"}},
		{"zero factor", shuffle2(x, []int{2, 0}), ErrOption, []string{"axis 1", "factor 0"}},
		{"negative factor", shuffle2(x, []int{-2, 2}), ErrOption, []string{"axis 0", "factor -2"}},
		{"channels", shuffle2(New(1, 6, 3, 3), []int{2, 2}), ErrShape, []string{"6 channels", "4 phases", "[2 2]"}},
		{"factors overflow", shuffle2(x, []int{1 << 40, 1 << 40}), ErrTooLarge, []string{"[1099511627776 1099511627776]", "overflows"}},
		{"size overflow", shuffle2(&Tensor{Shape: []int{0, 2, big}}, []int{2}), ErrTooLarge, []string{"axis 0", "size 4611686018427387904 times factor 2"}},
		{"short data", shuffle2(&Tensor{Data: make([]float32, 10), Shape: []int{1, 4, 2, 2}}, []int{2, 2}), ErrData, []string{"reaches element 15", "Data has 10"}},
		{"negative stride", shuffle2(&Tensor{Data: make([]float32, 16), Shape: []int{1, 4, 2, 2}, Strides: []int{16, 4, -2, 1}}, []int{2, 2}), ErrData, []string{"negative stride -2"}},
		{"strides length", shuffle2(&Tensor{Data: make([]float32, 16), Shape: []int{1, 4, 2, 2}, Strides: []int{1}}, []int{2, 2}), ErrData, []string{"1 strides for 4 dimensions"}},

		{"unshuffle nil", unshuffle2(nil, []int{2}), ErrNilTensor, []string{"pixelunshuffle", "x is nil"}},
		{"unshuffle factors length", unshuffle2(y, []int{2, 2, 2}), ErrOption, []string{"pixelunshuffle", "factors has 3 values"}},
		{"unshuffle zero factor", unshuffle2(y, []int{0, 2}), ErrOption, []string{"axis 0", "factor 0"}},
		{"unshuffle size", unshuffle2(New(1, 1, 5, 6), []int{2, 2}), ErrShape, []string{"axis 0", "size 5", "factor 2"}},
		{"unshuffle channels overflow", unshuffle2(&Tensor{Shape: []int{0, big, 2}}, []int{2}), ErrTooLarge, []string{"4611686018427387904 channels times 2"}},
		{"unshuffle short data", unshuffle2(&Tensor{Data: make([]float32, 30), Shape: []int{1, 1, 6, 6}}, []int{2, 2}), ErrData, []string{"Data has 30"}},

		{"plan shape", func() error { _, err := NewPixelShufflePlan(nil, nil); return err }, ErrShape, []string{"pixelshuffle", "rank 0"}},
		{"plan channels", func() error { _, err := NewPixelShufflePlan([]int{1, 3, 2}, []int{2}); return err }, ErrShape, []string{"3 channels"}},
		{"unshuffle plan size", func() error { _, err := NewPixelUnshufflePlan([]int{1, 3, 5}, []int{2}); return err }, ErrShape, []string{"pixelunshuffle", "size 5"}},
		{"forward nil y", func() error { return sp.Forward(nil, x) }, ErrNilTensor, []string{"y is nil"}},
		{"forward nil x", func() error { return sp.Forward(y, nil) }, ErrNilTensor, []string{"x is nil"}},
		{"forward y shape", func() error { return sp.Forward(New(1, 1, 6, 5), x) }, ErrShape, []string{"y has shape [1 1 6 5], want [1 1 6 6]"}},
		{"forward x shape", func() error { return sp.Forward(y, New(1, 4, 3, 2)) }, ErrShape, []string{"x has shape [1 4 3 2], want [1 4 3 3]"}},
		{"forward overlapping y", func() error {
			return sp.Forward(&Tensor{Data: make([]float32, 72), Shape: []int{1, 1, 6, 6}, Strides: []int{72, 72, 3, 1}}, x)
		}, ErrData, []string{"y overlaps itself"}},
		{"backward gy shape", func() error { return sp.Backward(New(1, 4, 3, 3), New(1, 4, 3, 3)) }, ErrShape, []string{"pixelshuffle", "gy has shape [1 4 3 3]"}},
		{"backward gx shape", func() error { return sp.Backward(y, y) }, ErrShape, []string{"gx has shape [1 1 6 6], want [1 4 3 3]"}},
		{"unshuffle backward", func() error { return up.Backward(New(1, 1, 6, 6), New(1, 4, 3, 4)) }, ErrShape, []string{"pixelunshuffle", "gy has shape [1 4 3 4]"}},
		{"unshuffle backward short gy", func() error {
			return up.Backward(New(1, 1, 6, 6), &Tensor{Data: make([]float32, 5), Shape: []int{1, 4, 3, 3}})
		}, ErrData, []string{"gy", "Data has 5"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			require.Error(t, err)
			require.ErrorIs(t, err, c.kind, err.Error())
			require.True(t, strings.HasPrefix(err.Error(), "aniso: "), err.Error())
			for _, w := range c.words {
				require.Contains(t, err.Error(), w)
			}
		})
	}
}

// TestPixelShuffleNoPanic throws random, mostly broken, tensors and
// factors at every entry point: each returns a result or an error of a
// known class, and never panics.
func TestPixelShuffleNoPanic(t *testing.T) {
	rng := rand.New(rand.NewPCG(74, 1))
	for i := range 2000 {
		nsp := 1 + rng.IntN(3)
		rank := nsp + 2
		if rng.IntN(20) == 0 {
			rank = rng.IntN(6)
		}
		x, g := wildTensor(rng, rank), wildTensor(rng, rank)
		r := wildInts(rng, nsp)
		if rng.IntN(2) == 0 {
			r = make([]int, nsp)
			for a := range r {
				r[a] = 1 + rng.IntN(2)
			}
		}
		shape := func(t *Tensor) []int {
			if t == nil {
				return nil
			}
			return t.Shape
		}
		calls := []func() error{
			shuffle2(x, r),
			unshuffle2(x, r),
			func() error {
				p, err := NewPixelShufflePlan(shape(x), r)
				if err != nil {
					return err
				}
				if err := p.Forward(g, x); err != nil && !classified(err) {
					return err
				}
				return p.Backward(x, g)
			},
			func() error {
				p, err := NewPixelUnshufflePlan(shape(x), r)
				if err != nil {
					return err
				}
				if err := p.Forward(g, x); err != nil && !classified(err) {
					return err
				}
				return p.Backward(x, g)
			},
		}
		for j, call := range calls {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("case %d call %d panicked: %v", i, j, r)
					}
				}()
				if err := call(); err != nil && !classified(err) {
					t.Fatalf("case %d call %d: unclassified error %v", i, j, err)
				}
			}()
		}
	}
}

// BenchmarkPixelShuffle moves 8×32 channels of 50×100 samples: with
// factors (1, 2) the last axis interleaves two channels element by
// element, with (2, 1) whole lines are copied.
func BenchmarkPixelShuffle(b *testing.B) {
	for _, r := range [][]int{{1, 2}, {2, 1}, {2, 2}} {
		x := randTensor(rand.New(rand.NewPCG(1, 1)), 8, 32*r[0]*r[1], 50, 100)
		p, err := NewPixelShufflePlan(x.Shape, r)
		if err != nil {
			b.Fatal(err)
		}
		y, gx := New(p.OutShape()...), New(x.Shape...)
		b.Run(fmt.Sprintf("factors=%dx%d/pass=forward", r[0], r[1]), func(b *testing.B) {
			b.SetBytes(int64(8 * len(x.Data)))
			b.ReportAllocs()
			for b.Loop() {
				if err := p.Forward(y, x); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("factors=%dx%d/pass=backward", r[0], r[1]), func(b *testing.B) {
			b.SetBytes(int64(8 * len(x.Data)))
			b.ReportAllocs()
			for b.Loop() {
				if err := p.Backward(gx, y); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
