package aniso

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The tests in this file compare every operator, forward and all
// gradients, with the float64 direct-loop reference on seeded random
// geometries in 1-D to 4-D, for contiguous inputs and for strided inputs
// whose gaps hold NaN.

const randomTol = 1e-5

// perRank is the number of random geometries per number of spatial axes;
// four ranks make 320 per operator.
const perRank = 80

// operand is one input of a random case in its reference form.
type operand struct {
	name string
	ref  *refArr
}

// layouts returns the operands as contiguous tensors and as gappy ones.
func layouts(rng *rand.Rand, ops []operand) (contiguous, strided []*Tensor) {
	for _, o := range ops {
		if o.ref == nil {
			contiguous, strided = append(contiguous, nil), append(strided, nil)
			continue
		}
		contiguous = append(contiguous, tensorFromRef(o.ref))
		strided = append(strided, gappy(rng, o.ref))
	}
	return contiguous, strided
}

// snapshot copies the Data of every tensor so that unchanged can verify
// that an operator did not write to its inputs.
func snapshot(ts []*Tensor) [][]uint32 {
	s := make([][]uint32, len(ts))
	for i, t := range ts {
		if t == nil {
			continue
		}
		for _, v := range t.Data {
			s[i] = append(s[i], math.Float32bits(v))
		}
	}
	return s
}

func unchanged(t *testing.T, what string, ts []*Tensor, before [][]uint32) {
	t.Helper()
	for i, tt := range ts {
		if tt == nil {
			continue
		}
		for j, v := range tt.Data {
			if math.Float32bits(v) != before[i][j] {
				t.Fatalf("%s: input %d was modified at element %d", what, i, j)
			}
		}
	}
}

func expectClose(t *testing.T, what string, got *Tensor, want *refArr) {
	t.Helper()
	if e := relErr(got, want); !(e <= randomTol) {
		t.Fatalf("%s: relative error %.3g (got shape %v, want %v)", what, e, shapeOf(got), want.Shape)
	}
}

func shapeOf(t *Tensor) []int {
	if t == nil {
		return nil
	}
	return t.Shape
}

func biasRef(b []float64) *refArr {
	if b == nil {
		return nil
	}
	return &refArr{Shape: []int{len(b)}, Data: b}
}

// checkWeighted runs an operator with weights and its backward pass on
// contiguous and on gappy operands and compares the results, forward and
// every gradient, with the reference's; it also checks that no input is
// written to.
func checkWeighted(t *testing.T, rng *rand.Rand, what string, x, w *refArr, b []float64, gy, want, gx, gw *refArr, gb []float64,
	forward func(x, w, b *Tensor) (*Tensor, error),
	backward func(x, w, gy *Tensor) (*Tensor, *Tensor, *Tensor, error)) {
	t.Helper()
	plain, strided := layouts(rng, []operand{{"x", x}, {"w", w}, {"b", biasRef(b)}, {"gy", gy}})
	for li, in := range [][]*Tensor{plain, strided} {
		what := fmt.Sprintf("%s (layout %d)", what, li)
		before := snapshot(in)
		y, err := forward(in[0], in[1], in[2])
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		expectClose(t, what+": y", y, want)
		dx, dw, db, err := backward(in[0], in[1], in[3])
		if err != nil {
			t.Fatalf("%s: backward: %v", what, err)
		}
		expectClose(t, what+": gx", dx, gx)
		expectClose(t, what+": gw", dw, gw)
		expectClose(t, what+": gb", db, biasRef(gb))
		unchanged(t, what, in, before)
	}
}

// coverage counts the features a batch of random geometries exercised, so
// that a test can insist on each of them.
type coverage map[string]int

func (c coverage) require(t *testing.T, features ...string) {
	t.Helper()
	for _, f := range features {
		if c[f] == 0 {
			t.Errorf("no random case exercised %s", f)
		}
	}
}

// convCase is a random convolution geometry.
type convCase struct {
	x, w []int
	g    refGeom
}

func (c convCase) options() ConvOptions {
	return ConvOptions{Stride: c.g.Stride, PadLo: c.g.PadLo, PadHi: c.g.PadHi, Dilation: c.g.Dilation, Groups: c.g.Groups}
}

func (c convCase) String() string {
	return fmt.Sprintf("x %v w %v stride %v pad %v/%v dilation %v groups %d", c.x, c.w, c.g.Stride, c.g.PadLo, c.g.PadHi, c.g.Dilation, c.g.Groups)
}

// drawConv draws a convolution with n spatial axes; weights are
// outPerGroup·G × inPerGroup × k… as Conv wants them.
func drawConv(rng *rand.Rand, n int) convCase {
	groups, batch, perIn, perOut := refRandChannels(rng)
	inMax, kMax, dMax := refRandLimits(n)
	c := convCase{
		x: []int{batch, groups * perIn},
		w: []int{groups * perOut, perIn},
		g: refGeom{Groups: groups},
	}
	for a := 0; a < n; a++ {
		in, k, s, d, lo, hi := refRandAxis(rng, inMax, kMax, dMax)
		c.x, c.w = append(c.x, in), append(c.w, k)
		c.g.Stride = append(c.g.Stride, s)
		c.g.Dilation = append(c.g.Dilation, d)
		c.g.PadLo = append(c.g.PadLo, lo)
		c.g.PadHi = append(c.g.PadHi, hi)
	}
	return c
}

func (c coverage) note(ok bool, f string) {
	if ok {
		c[f]++
	}
}

var convFeatures = []string{"1-D", "2-D", "3-D", "4-D", "stride > kernel", "dilation", "negative padding",
	"asymmetric padding", "padding ≥ kernel", "groups", "batch > 1"}

// deconvCase is a random transposed convolution geometry.
type deconvCase struct {
	convCase
	outPad []int
}

func (c deconvCase) options() DeconvOptions {
	return DeconvOptions{ConvOptions: c.convCase.options(), OutputPadding: c.outPad}
}

func TestDeconvRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 1))
	cov := coverage{}
	for n := 1; n <= 4; n++ {
		for i := 0; i < perRank; {
			cc := drawConv(rng, n)
			// Deconv weights are C × O/G × k…: swap the roles of the
			// channel counts.
			cc.w[0], cc.w[1] = cc.x[1], cc.w[0]/cc.g.Groups
			c := deconvCase{convCase: cc}
			ok := true
			for a := 0; a < n; a++ {
				c.outPad = append(c.outPad, rng.IntN(max(c.g.Stride[a], c.g.Dilation[a])))
			}
			size := refDeconvSize(c.x[2:], c.w[2:], c.g, c.outPad)
			for a, v := range size {
				ok = ok && v >= 1 && v+min(c.g.PadLo[a], 0)+min(c.g.PadHi[a], 0) >= 0
			}
			if !ok {
				continue
			}
			i++
			drawConvCoverage(c.convCase, cov)
			for a, v := range c.outPad {
				cov.note(v >= c.g.Stride[a], "output padding ≥ stride")
				cov.note(v > 0, "output padding")
			}
			x, w := randRef(rng, c.x...), randRef(rng, c.w...)
			var b []float64
			if rng.IntN(2) == 0 {
				b = randRef(rng, c.w[1]*c.g.Groups).Data
			}
			want := refDeconv(x, w, b, c.g, c.outPad)
			gy := randRef(rng, want.Shape...)
			gx, gw, gb := refDeconvGrads(x, w, gy, c.g, c.outPad)
			checkWeighted(t, rng, fmt.Sprintf("%v output padding %v", c.convCase, c.outPad), x, w, b, gy, want, gx, gw, gb,
				func(x, w, b *Tensor) (*Tensor, error) { return Deconv(x, w, b, c.options()) },
				func(x, w, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) {
					return DeconvBackward(x, w, gy, c.options())
				})
		}
	}
	cov.require(t, append(convFeatures, "output padding", "output padding ≥ stride")...)
}

// drawConvCoverage notes the features of an accepted case.
func drawConvCoverage(c convCase, cov coverage) {
	for a := range c.g.Stride {
		k, s, d, lo, hi := c.w[2+a], c.g.Stride[a], c.g.Dilation[a], c.g.PadLo[a], c.g.PadHi[a]
		cov.note(s > k, "stride > kernel")
		cov.note(d > 1, "dilation")
		cov.note(lo < 0 || hi < 0, "negative padding")
		cov.note(lo != hi, "asymmetric padding")
		cov.note(lo >= k || hi >= k, "padding ≥ kernel")
	}
	cov.note(c.g.Groups > 1, "groups")
	cov.note(c.x[0] > 1, "batch > 1")
	cov[fmt.Sprintf("%d-D", len(c.g.Stride))]++
}

// stretchCase is a random StretchConv geometry.
type stretchCase struct {
	convCase
	u    []int
	mode StretchMode
}

func (c stretchCase) options() StretchOptions {
	return StretchOptions{ConvOptions: c.convCase.options(), Stretch: c.u, Mode: c.mode}
}

// drawStretch draws a StretchConv with n spatial axes: factors up to 4
// (3 in 3-D and 4-D) on random axes, then a convolution that fits the
// stretched length.
func drawStretch(rng *rand.Rand, n int) stretchCase {
	groups, batch, perIn, perOut := refRandChannels(rng)
	inMax, kMax, dMax := refRandLimits(n)
	uMax := 4
	if n > 2 {
		uMax = 3
	}
	c := stretchCase{
		convCase: convCase{x: []int{batch, groups * perIn}, w: []int{groups * perOut, perIn}, g: refGeom{Groups: groups}},
		mode:     StretchMode(rng.IntN(2)),
	}
	for a := 0; a < n; a++ {
		for {
			in, k := 1+rng.IntN(inMax), 1+rng.IntN(kMax+1)
			u, s, d := 1+rng.IntN(uMax), 1+rng.IntN(4), 1+rng.IntN(dMax)
			l := u * in
			if c.mode == Zeros {
				l = u*(in-1) + 1
			}
			dk := d*(k-1) + 1
			lo, hi := rng.IntN(dk+4)-2, rng.IntN(dk+4)-2
			if l+lo+hi < dk || l+min(lo, 0)+min(hi, 0) < 0 {
				continue
			}
			c.x, c.w, c.u = append(c.x, in), append(c.w, k), append(c.u, u)
			c.g.Stride = append(c.g.Stride, s)
			c.g.Dilation = append(c.g.Dilation, d)
			c.g.PadLo = append(c.g.PadLo, lo)
			c.g.PadHi = append(c.g.PadHi, hi)
			break
		}
	}
	return c
}

func TestStretchConvRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 1))
	cov := coverage{}
	for n := 1; n <= 4; n++ {
		for range perRank {
			c := drawStretch(rng, n)
			drawConvCoverage(c.convCase, cov)
			cov.note(c.mode == Nearest, "Nearest")
			cov.note(c.mode == Zeros, "Zeros")
			for a, u := range c.u {
				cov.note(u > 1 && c.g.Stride[a] > 1, "stretch and stride on one axis")
				cov.note(u > 1 && c.g.Stride[a]%u == 0, "stride a multiple of the stretch")
				cov.note(u > 1 && c.g.Dilation[a] > 1, "stretch with dilation")
			}
			x, w := randRef(rng, c.x...), randRef(rng, c.w...)
			var b []float64
			if rng.IntN(2) == 0 {
				b = randRef(rng, c.w[0]).Data
			}
			want := refStretchConv(x, w, b, c.g, c.u, c.mode)
			gy := randRef(rng, want.Shape...)
			gx, gw, gb := refStretchConvGrads(x, w, gy, c.g, c.u, c.mode)
			checkWeighted(t, rng, fmt.Sprintf("%v stretch %v %v", c.convCase, c.u, c.mode), x, w, b, gy, want, gx, gw, gb,
				func(x, w, b *Tensor) (*Tensor, error) { return StretchConv(x, w, b, c.options()) },
				func(x, w, gy *Tensor) (*Tensor, *Tensor, *Tensor, error) {
					return StretchConvBackward(x, w, gy, c.options())
				})
		}
	}
	cov.require(t, append(convFeatures, "Nearest", "Zeros", "stretch and stride on one axis",
		"stride a multiple of the stretch", "stretch with dilation")...)
}

func TestUnpoolRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 1))
	cov := coverage{}
	for n := 1; n <= 4; n++ {
		inMax := []int{8, 6, 4, 3}[n-1]
		for i := 0; i < perRank; {
			batch, chans := 1+rng.IntN(2), 1+rng.IntN(3)
			x := []int{batch, chans}
			var k, s, p, outSize []int
			cover := rng.IntN(2) == 0
			explicit := rng.IntN(4) == 0
			for a := 0; a < n; a++ {
				x = append(x, 1+rng.IntN(inMax))
				k = append(k, 1+rng.IntN(4))
				s = append(s, 1+rng.IntN(4))
				p = append(p, rng.IntN(3))
			}
			if rng.IntN(3) == 0 {
				s = nil // stride defaults to the window
			}
			stride := s
			if stride == nil {
				stride = k
			}
			size := refUnpoolSize(x[2:], k, stride, p, cover, nil)
			ok := true
			for a := range size {
				if explicit {
					size[a] = max(1, size[a]+rng.IntN(5)-2)
				}
				ok = ok && size[a] >= 1
			}
			if !ok {
				continue
			}
			if explicit {
				outSize = size
			}
			i++
			for a := range k {
				cov.note(k[a] > stride[a], "k > s")
				cov.note(k[a] < stride[a], "k < s")
				cov.note(k[a] == stride[a], "k = s")
				cov.note(p[a] > 0, "pad")
			}
			cov.note(cover, "cover_all")
			cov.note(!cover, "no cover_all")
			cov.note(explicit, "OutSize")
			cov.note(s == nil, "default stride")
			o := UnpoolOptions{Ksize: k, Stride: s, Pad: p, CoverAll: cover, OutSize: outSize}
			xr := randRef(rng, x...)
			want := refUnpool(xr, k, stride, p, cover, outSize)
			gy := randRef(rng, want.Shape...)
			gx := refUnpoolGrad(x, gy, k, stride, p, cover, outSize)
			plain, strided := layouts(rng, []operand{{"x", xr}, {"gy", gy}})
			for li, in := range [][]*Tensor{plain, strided} {
				what := fmt.Sprintf("x %v %+v (layout %d)", x, o, li)
				before := snapshot(in)
				y, err := UnpoolND(in[0], o)
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				expectClose(t, what+": y", y, want)
				dx, err := UnpoolNDBackward(in[0], in[1], o)
				if err != nil {
					t.Fatalf("%s: backward: %v", what, err)
				}
				expectClose(t, what+": gx", dx, gx)
				unchanged(t, what, in, before)
			}
		}
	}
	cov.require(t, "k > s", "k < s", "k = s", "pad", "cover_all", "no cover_all", "OutSize", "default stride")
}
