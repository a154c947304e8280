package aniso

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestImplicitForwardBits checks that the forward pass gives the same bits
// whether im2col feeds the GEMM's panels directly or builds its tile first,
// on random geometries (contiguous and strided inputs) and on larger ones
// whose products span several panels and depth slices.
func TestImplicitForwardBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	type conv struct {
		x, w *Tensor
		o    StretchOptions
	}
	var cases []conv
	for n := 1; n <= 3; n++ {
		for i := 0; i < 25; i++ {
			c := drawStretch(rng, n)
			o := c.options()
			if i%2 == 0 {
				c.convCase = drawConv(rng, n)
				o = StretchOptions{ConvOptions: c.convCase.options()}
			}
			x, w := randRef(rng, c.x...), randRef(rng, c.w...)
			xs, _ := layouts(rng, []operand{{"x", x}})
			cases = append(cases, conv{tensorFromRef(x), tensorFromRef(w), o}, conv{xs[0], tensorFromRef(w), o})
		}
	}
	for _, s := range []struct{ x, w, stride []int }{
		{[]int{2, 40, 30, 30}, []int{8, 40, 3, 3}, nil},
		{[]int{1, 16, 12, 11, 13}, []int{4, 16, 3, 3, 3}, nil},
		{[]int{1, 24, 70}, []int{6, 24, 7}, nil},
		// Lines read at step 2, through panels that span two lines.
		{[]int{2, 40, 20, 101}, []int{8, 40, 3, 3}, []int{1, 2}},
		{[]int{1, 16, 6, 9, 150}, []int{4, 16, 3, 2, 4}, []int{2, 1, 2}},
	} {
		x, w := randRef(rng, s.x...), randRef(rng, s.w...)
		o := StretchOptions{}
		o.Stride = s.stride
		for range s.x[2:] {
			o.PadLo, o.PadHi = append(o.PadLo, 1), append(o.PadHi, 1)
		}
		xs, _ := layouts(rng, []operand{{"x", x}})
		cases = append(cases, conv{tensorFromRef(x), tensorFromRef(w), o}, conv{xs[0], tensorFromRef(w), o})
	}
	for i, c := range cases {
		run := func(tile bool) *Tensor {
			tilePath, panelPath, directMode = tile, !tile, directOff
			defer func() { tilePath, panelPath, directMode = false, false, directAuto }()
			p, err := NewStretchConvPlan(c.x.Shape, c.w.Shape, c.o)
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			y := New(p.OutShape()...)
			// Twice, so the second call replays the run table.
			for range 2 {
				if err := p.Forward(y, c.x, c.w, nil); err != nil {
					t.Fatalf("case %d: %v", i, err)
				}
			}
			return y
		}
		want, got := run(true), run(false)
		for j := range want.Data {
			if math.Float32bits(got.Data[j]) != math.Float32bits(want.Data[j]) {
				t.Fatalf("case %d (x %v w %v %s): y[%d] = %v, the tile path gives %v", i, c.x.Shape, c.w.Shape, fmt.Sprint(c.o), j, got.Data[j], want.Data[j])
			}
		}
	}
}

// TestMaskedPart checks the split of a panel row that spans two lines into
// a masked gather and the runs left over.
func TestMaskedPart(t *testing.T) {
	head := []run{{0, 1, 7, 1}} // a row compiled before, kept as it is
	for _, c := range []struct {
		segs []run
		base int
		mask uint64
		step int
		out  []run
	}{
		// The end of one line and the start of the next, rows apart: the
		// longer is gathered, the other copied.
		{[]run{{0, 10, 100, 1}, {10, 20, 300, 1}}, 290, 0xfffff << 10, 1, []run{{0, 10, 100, 1}}},
		// With a zero run over the tail of a copy that runs on: it stays
		// beside the other copy and leaves the mask.
		{[]run{{0, 4, 50, 2}, {4, 12, 200, 1}, {14, 2, 0, -1}}, 196, 0x3ff << 4, 1, []run{{0, 4, 50, 2}, {14, 2, 0, -1}}},
		// Zero runs alone beside the gather are left to it.
		{[]run{{2, 30, 40, 1}, {0, 2, 0, -1}, {32, 32, 0, -1}}, 38, 0xfffffffc, 1, nil},
		// Lines read at step 2: the longer is gathered at step 2, the
		// shorter, and the copy at unit step, copied.
		{[]run{{0, 10, 100, 2}, {10, 40, 300, 2}, {50, 3, 9, 1}}, 280, 0xffffffffff << 10, 2, []run{{0, 10, 100, 2}, {50, 3, 9, 1}}},
		// A step-2 gather whose base lies before the line, and a zero run
		// at the end of the panel left to it.
		{[]run{{20, 30, 4, 2}, {50, 14, 0, -1}}, -36, 0x3fffffff << 20, 2, nil},
		// No unit-stride copy: runs only.
		{[]run{{0, 8, 10, 3}, {8, 8, 0, -1}}, 0, 0, 0, []run{{0, 8, 10, 3}, {8, 8, 0, -1}}},
	} {
		segs := append(append([]run{}, head...), c.segs...)
		base, mask, step, out := maskedPart(segs, len(head))
		want := append(append([]run{}, head...), c.out...)
		if base != c.base || mask != c.mask || step != c.step || fmt.Sprint(out) != fmt.Sprint(want) {
			t.Errorf("maskedPart(%v) = %d, %#x, %d, %v; want %d, %#x, %d, %v", c.segs, base, mask, step, out, c.base, c.mask, c.step, want)
		}
	}
}

// TestImplicitWeightBits checks that the weight gradient gives the same
// bits whether im2col feeds the GEMM's transposed panels directly or
// builds its tile first, on random geometries (contiguous and strided
// inputs, with NaN in the gaps) and on larger ones whose products span
// several panels and depth slices, with padding that leaves zero runs in
// them.
func TestImplicitWeightBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	type conv struct {
		x, w, gy *Tensor
		o        StretchOptions
	}
	var cases []conv
	add := func(x, w *refArr, o StretchOptions) {
		p, err := NewStretchConvPlan(tensorFromRef(x).Shape, tensorFromRef(w).Shape, o)
		if err != nil {
			t.Fatalf("x %v w %v %s: %v", tensorFromRef(x).Shape, tensorFromRef(w).Shape, fmt.Sprint(o), err)
		}
		gy := randRef(rng, p.OutShape()...)
		s, _ := layouts(rng, []operand{{"x", x}, {"gy", gy}})
		cases = append(cases, conv{tensorFromRef(x), tensorFromRef(w), tensorFromRef(gy), o}, conv{s[0], tensorFromRef(w), s[1], o})
	}
	for n := 1; n <= 3; n++ {
		for i := 0; i < 30; i++ {
			c := drawStretch(rng, n)
			o := c.options()
			if i%2 == 0 {
				c.convCase = drawConv(rng, n)
				o = StretchOptions{ConvOptions: c.convCase.options()}
			}
			add(randRef(rng, c.x...), randRef(rng, c.w...), o)
		}
	}
	for _, s := range []struct {
		x, w, u []int
		pad     int
	}{
		{[]int{2, 40, 30, 30}, []int{8, 40, 3, 3}, nil, 1},
		{[]int{1, 16, 12, 11, 13}, []int{4, 16, 3, 3, 3}, nil, 1},
		{[]int{1, 24, 70}, []int{6, 24, 7}, nil, -1},
		{[]int{1, 8, 9, 10, 11}, []int{8, 8, 3, 3, 3}, []int{1, 2, 1}, 1},
		{[]int{1, 12, 40, 50}, []int{16, 12, 3, 3}, []int{2, 1}, 2},
	} {
		o := StretchOptions{Stretch: s.u}
		for range s.x[2:] {
			o.PadLo, o.PadHi = append(o.PadLo, s.pad), append(o.PadHi, s.pad)
		}
		add(randRef(rng, s.x...), randRef(rng, s.w...), o)
	}
	// Copy runs shorter than a depth slice: a stride on the first axis
	// keeps the lines of a row from joining, and a 3-d stretch makes runs
	// of a few dozen positions, so most rows of a panel hold several runs
	// and the zero runs between them.
	for _, mode := range []StretchMode{Nearest, Zeros} {
		o := StretchOptions{
			ConvOptions: ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 2}},
			Stretch:     []int{1, 2}, Mode: mode,
		}
		add(randRef(rng, 2, 16, 20, 45), randRef(rng, 16, 16, 4, 4), o)
		o = StretchOptions{
			ConvOptions: ConvOptions{Stride: []int{2, 1, 2}, PadLo: []int{1, 1, 1}, PadHi: []int{1, 1, 1}},
			Stretch:     []int{1, 2, 2}, Mode: mode,
		}
		add(randRef(rng, 1, 16, 8, 9, 10), randRef(rng, 16, 16, 3, 3, 3), o)
	}
	for i, c := range cases {
		run := func(tile, rows bool) *Tensor {
			tilePath, rowsPath = tile, rows
			defer func() { tilePath, rowsPath = false, false }()
			p, err := NewStretchConvPlan(c.x.Shape, c.w.Shape, c.o)
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			gw := New(c.w.Shape...)
			// Twice, so the second call replays the run table.
			for range 2 {
				if err := p.Backward(nil, gw, nil, c.x, c.w, c.gy); err != nil {
					t.Fatalf("case %d: %v", i, err)
				}
			}
			return gw
		}
		want := run(true, false)
		for _, rows := range []bool{false, true} {
			if !rows && dotWeights() {
				// The default path is dotWeight, which sums in
				// another order.
				continue
			}
			got := run(false, rows)
			for j := range want.Data {
				if math.Float32bits(got.Data[j]) != math.Float32bits(want.Data[j]) {
					t.Fatalf("case %d (x %v w %v %s, every product from panels %v): gw[%d] = %v, the tile path gives %v", i, c.x.Shape, c.w.Shape, fmt.Sprint(c.o), rows, j, got.Data[j], want.Data[j])
				}
			}
		}
	}
}

// TestPlanNewWeights runs a plan on one set of weights and then on
// another: the weights packed once per call, for the panels or for the
// tiles, must not outlive the call. The second call is compared with a
// fresh plan's.
func TestPlanNewWeights(t *testing.T) {
	for _, tile := range []bool{false, true} {
		tilePath, panelPath, directMode = tile, !tile, directOff
		planNewWeights(t)
	}
	tilePath, panelPath, directMode = false, false, directAuto
}

func planNewWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, c := range []struct {
		x, w []int
		o    StretchOptions
	}{
		{[]int{2, 16, 20, 30}, []int{8, 16, 3, 3}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{1, 1}, PadHi: []int{1, 1}}}},
		{[]int{2, 8, 20, 30}, []int{8, 4, 3, 3}, StretchOptions{ConvOptions: ConvOptions{Groups: 2}}},
		{[]int{1, 6, 12, 15}, []int{4, 6, 3, 3}, StretchOptions{Stretch: []int{2, 3}}},
	} {
		x := tensorFromRef(randRef(rng, c.x...))
		w1, w2 := tensorFromRef(randRef(rng, c.w...)), tensorFromRef(randRef(rng, c.w...))
		p, err := NewStretchConvPlan(c.x, c.w, c.o)
		require.NoError(t, err)
		q, err := NewStretchConvPlan(c.x, c.w, c.o)
		require.NoError(t, err)
		got, want := New(p.OutShape()...), New(p.OutShape()...)
		require.NoError(t, p.Forward(got, x, w1, nil))
		require.NoError(t, p.Forward(got, x, w2, nil))
		require.NoError(t, q.Forward(want, x, w2, nil))
		for j := range want.Data {
			if math.Float32bits(got.Data[j]) != math.Float32bits(want.Data[j]) {
				t.Fatalf("x %v w %v: y[%d] = %v after other weights, a fresh plan gives %v", c.x, c.w, j, got.Data[j], want.Data[j])
			}
		}
	}
}
