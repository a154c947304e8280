package aniso

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// planCall is one plan method with the names and shapes of the tensors it
// takes: ins are read, outs are written.
type planCall struct {
	name      string
	ins, outs []string
	shapes    map[string][]int
	call      func(ts map[string]*Tensor) error
}

// planCalls returns Forward (with and without bias) and Backward of every
// plan type, on geometries with groups, strides, phases and batch > 1, so
// that bias fills, partial sums and every walk run.
func planCalls(t *testing.T) []planCall {
	var calls []planCall
	type backward = func(gx, gw, gb, x, w, gy *Tensor) error
	weight := func(name string, x, w []int, out []int, fwd func(y, x, w, b *Tensor) error, bwd, bwdAdd backward) {
		shapes := map[string][]int{"x": x, "w": w, "b": {out[1]}, "y": out, "gy": out, "gx": x, "gw": w, "gb": {out[1]}}
		calls = append(calls,
			planCall{name + " forward", []string{"x", "w", "b"}, []string{"y"}, shapes,
				func(ts map[string]*Tensor) error { return fwd(ts["y"], ts["x"], ts["w"], ts["b"]) }},
			planCall{name + " forward without bias", []string{"x", "w"}, []string{"y"}, shapes,
				func(ts map[string]*Tensor) error { return fwd(ts["y"], ts["x"], ts["w"], nil) }},
			planCall{name + " backward", []string{"x", "w", "gy"}, []string{"gx", "gw", "gb"}, shapes,
				func(ts map[string]*Tensor) error {
					return bwd(ts["gx"], ts["gw"], ts["gb"], ts["x"], ts["w"], ts["gy"])
				}},
			// BackwardAdd runs first, so that its own checks meet a bad
			// layout; Backward in between makes the sum, twice the
			// gradients, the same on every call.
			planCall{name + " backward add", []string{"x", "w", "gy"}, []string{"gx", "gw", "gb"}, shapes,
				func(ts map[string]*Tensor) error {
					for _, f := range []backward{bwdAdd, bwd, bwdAdd} {
						if err := f(ts["gx"], ts["gw"], ts["gb"], ts["x"], ts["w"], ts["gy"]); err != nil {
							return err
						}
					}
					return nil
				}})
	}
	x, w := []int{3, 4, 7, 6}, []int{6, 2, 3, 3}
	co := ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, Groups: 2}
	cp, err := NewConvPlan(x, w, co)
	require.NoError(t, err)
	weight("conv", x, w, cp.OutShape(), cp.Forward, cp.Backward, cp.BackwardAdd)
	// A plan made for a larger batch runs on a smaller one: its loops must
	// stop at the call's batch, not the plan's.
	big, err := NewConvPlan(append([]int{5}, x[1:]...), w, co)
	require.NoError(t, err)
	weight("conv short batch", x, w, cp.OutShape(), big.Forward, big.Backward, big.BackwardAdd)
	for _, mode := range []StretchMode{Nearest, Zeros} {
		sp, err := NewStretchConvPlan(x, w, StretchOptions{ConvOptions: co, Stretch: []int{1, 3}, Mode: mode})
		require.NoError(t, err)
		weight("stretchconv "+mode.String(), x, w, sp.OutShape(), sp.Forward, sp.Backward, sp.BackwardAdd)
	}
	wd := []int{4, 3, 3, 2}
	dp, err := NewDeconvPlan(x, wd, DeconvOptions{ConvOptions: co, OutputPadding: []int{1, 0}})
	require.NoError(t, err)
	weight("deconv", x, wd, dp.OutShape(), dp.Forward, dp.Backward, dp.BackwardAdd)
	for _, uo := range []UnpoolOptions{{Ksize: []int{2, 3}}, {Ksize: []int{3, 2}, Stride: []int{2, 2}, Pad: []int{1, 0}}} {
		// Made for a larger batch, run on x's.
		up, err := NewUnpoolPlan(append([]int{5}, x[1:]...), uo)
		require.NoError(t, err)
		y := append([]int{x[0]}, up.OutShape()[1:]...)
		shapes := map[string][]int{"x": x, "y": y, "gy": y, "gx": x}
		name := "unpool " + map[bool]string{true: "direct", false: "engine"}[uo.Stride == nil]
		calls = append(calls,
			planCall{name + " forward", []string{"x"}, []string{"y"}, shapes,
				func(ts map[string]*Tensor) error { return up.Forward(ts["y"], ts["x"]) }},
			planCall{name + " backward", []string{"gy"}, []string{"gx"}, shapes,
				func(ts map[string]*Tensor) error { return up.Backward(ts["gx"], ts["gy"]) }})
	}
	sh, err := NewPixelShufflePlan([]int{2, 12, 3, 4}, []int{2, 3})
	require.NoError(t, err)
	un, err := NewPixelUnshufflePlan([]int{2, 2, 6, 12}, []int{2, 3})
	require.NoError(t, err)
	for _, c := range []struct {
		name string
		x, y []int
		fwd  func(y, x *Tensor) error
		bwd  func(gx, gy *Tensor) error
	}{
		{"pixelshuffle", []int{2, 12, 3, 4}, sh.OutShape(), sh.Forward, sh.Backward},
		{"pixelunshuffle", []int{2, 2, 6, 12}, un.OutShape(), un.Forward, un.Backward},
	} {
		shapes := map[string][]int{"x": c.x, "y": c.y, "gy": c.y, "gx": c.x}
		calls = append(calls,
			planCall{c.name + " forward", []string{"x"}, []string{"y"}, shapes,
				func(ts map[string]*Tensor) error { return c.fwd(ts["y"], ts["x"]) }},
			planCall{c.name + " backward", []string{"gy"}, []string{"gx"}, shapes,
				func(ts map[string]*Tensor) error { return c.bwd(ts["gx"], ts["gy"]) }})
	}
	return calls
}

// sentinel is a NaN with a payload: reading it poisons a result, and
// writing anything over it shows.
var sentinel = math.Float32frombits(0x7fa5a5a5)

// arena lays the tensors of c out in one slice, in the order of names,
// with a few sentinels before, between and after them. Each tensor's Data
// runs to the end of the arena, so a loop over len(Data) instead of the
// shape meets the sentinels and the next tensors; tail more sentinels end
// the arena.
func arena(rng *rand.Rand, c planCall, names []string, tail int) ([]float32, map[string]*Tensor) {
	var buf []float32
	offs := map[string]int{}
	gap := func() {
		for range 1 + rng.IntN(4) {
			buf = append(buf, sentinel)
		}
	}
	gap()
	for _, n := range names {
		offs[n] = len(buf)
		for range volume1(c.shapes[n]) {
			buf = append(buf, float32(2*rng.Float64()-1))
		}
		gap()
	}
	for range tail {
		buf = append(buf, sentinel)
	}
	ts := map[string]*Tensor{}
	for _, n := range names {
		ts[n] = &Tensor{Data: buf[offs[n]:], Shape: c.shapes[n]}
	}
	return buf, ts
}

// TestPlansStayInsideTheirShapes runs every plan method on tensors laid out
// in one arena whose Data slices run past their shapes: the sentinels
// between them must survive, the inputs must not change, and the results
// must be bit for bit those of tensors of exactly their size.
func TestPlansStayInsideTheirShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 1))
	for _, c := range planCalls(t) {
		t.Run(c.name, func(t *testing.T) {
			names := append(slices.Clone(c.ins), c.outs...)
			buf, ts := arena(rng, c, names, 0)
			orig := slices.Clone(buf)
			want := map[string]*Tensor{}
			for _, n := range names {
				want[n] = &Tensor{Data: slices.Clone(ts[n].Data[:volume1(c.shapes[n])]), Shape: c.shapes[n]}
			}
			require.NoError(t, c.call(want))
			for range 2 {
				require.NoError(t, c.call(ts))
			}
			isOut := map[int]bool{}
			for _, n := range c.outs {
				off := len(buf) - len(ts[n].Data)
				for i := range volume1(c.shapes[n]) {
					isOut[off+i] = true
				}
				got := ts[n].Data[:volume1(c.shapes[n])]
				for i, v := range want[n].Data {
					if math.Float32bits(got[i]) != math.Float32bits(v) {
						t.Fatalf("%s[%d] = %v, want %v as with a tensor of its size", n, i, got[i], v)
					}
				}
			}
			for i, v := range buf {
				if !isOut[i] && math.Float32bits(v) != math.Float32bits(orig[i]) {
					t.Fatalf("element %d of the arena, outside every result, changed from %v to %v", i, orig[i], v)
				}
			}
		})
	}
}

// TestPlansRejectOverlap places each result of each plan method over each
// other tensor of the call: every such call fails with ErrData naming both,
// and the same tensors laid out apart succeed.
func TestPlansRejectOverlap(t *testing.T) {
	rng := rand.New(rand.NewPCG(72, 1))
	for _, c := range planCalls(t) {
		names := append(slices.Clone(c.ins), c.outs...)
		room := 0
		for _, n := range names {
			room = max(room, volume1(c.shapes[n]))
		}
		_, ts := arena(rng, c, names, room)
		require.NoError(t, c.call(ts), c.name)
		for _, r := range c.outs {
			for _, o := range names {
				if o == r {
					continue
				}
				t.Run(c.name+"/"+r+" over "+o, func(t *testing.T) {
					_, ts := arena(rng, c, names, room)
					// r starts on o's last element: the smallest overlap.
					last := volume1(c.shapes[o]) - 1
					ts[r] = &Tensor{Data: ts[o].Data[last:], Shape: c.shapes[r]}
					err := c.call(ts)
					require.ErrorIs(t, err, ErrData)
					require.Contains(t, err.Error(), "overlaps")
					require.Contains(t, err.Error(), " "+r+" ")
					require.Contains(t, err.Error(), " "+o)
				})
			}
		}
	}
}

// TestOverlapOfStridedViews checks the overlap test on spans: a result in
// a gap of a strided operand overlaps it, one just past its last element
// does not, and empty tensors overlap nothing.
func TestOverlapOfStridedViews(t *testing.T) {
	p, err := NewConvPlan([]int{1, 1, 4, 4}, []int{1, 1, 1, 1}, ConvOptions{})
	require.NoError(t, err)
	buf := make([]float32, 400)
	x := &Tensor{Data: buf, Shape: []int{1, 1, 4, 4}, Strides: []int{400, 400, 100, 1}}
	w := New(1, 1, 1, 1)
	inGap := &Tensor{Data: buf[10:], Shape: []int{1, 1, 4, 4}}
	err = p.Forward(inGap, x, w, nil)
	require.ErrorIs(t, err, ErrData)
	require.Contains(t, err.Error(), "result y overlaps operand x")
	after := &Tensor{Data: buf[304:], Shape: []int{1, 1, 4, 4}}
	require.NoError(t, p.Forward(after, x, w, nil))
	below := &Tensor{Data: buf[303:], Shape: []int{1, 1, 4, 4}}
	require.ErrorIs(t, p.Forward(below, x, w, nil), ErrData)
	// The weights may share memory with anything read-only.
	require.NoError(t, p.Forward(New(1, 1, 4, 4), x, &Tensor{Data: buf[5:6], Shape: []int{1, 1, 1, 1}}, nil))

	e := &Tensor{Data: buf[:0], Shape: []int{0, 1, 4, 4}}
	require.False(t, extentOf(e).overlaps(extentOf(x)))
	require.True(t, extentOf(x).overlaps(extentOf(x)))
}
