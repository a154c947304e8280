// Package methods builds the ways of mapping an N×C×D1×…×Dn tensor to
// N×C×E1×…×En that the seed comparison measures, from aniso's public
// operators only: four two-step chains, the one-step StretchConv in both
// modes, and sub-pixel convolution with two initialisations.
//
// Every spatial axis either keeps its size, shrinks by an integer factor s
// (D = s·E) or grows by an integer factor u (E = u·D). For the seed
// (100, 100) → (50, 200), s = 2 on the first axis and u = 2 on the second,
// the methods are
//
//	conv-deconv      Conv k=(4,1) s=(2,1) p=(1,0), then Deconv k=(1,4) s=(1,2) p=(0,1)
//	deconv-conv      the same two layers in the other order
//	unpool-conv      UnpoolND ksize=(1,2) CoverAll, then Conv k=(4,4) s=(2,1) p=(1,2)
//	upsample-conv    fixed depthwise Deconv [0 1 0] s=(1,2), then Conv k=(4,4) s=(2,1) p=(1,1)
//	stretch-nearest  StretchConv Nearest u=(1,2) k=(4,4) s=(2,1), pad 1/1 and 1/2
//	stretch-zeros    StretchConv Zeros u=(1,2) k=(4,4) s=(2,1), pad 1/1 and 2/2
//	subpixel-conv    Conv C→2C k=(4,3) s=(2,1) p=(1,1), then PixelShuffle (1,2)
//	subpixel-icnr    the same, initialised by ICNR
//
// and with any factors a shrinking axis uses k = 2s, stride s, pad ⌊s/2⌋
// before and the rest of s after; a growing axis k = 2u in the layers that
// grow it; an axis that keeps its size k = 1 in the separable chains and
// k = 3, pad 1 in the full convolutions, which mix every spatial axis.
//
// The sub-pixel convolution maps C channels to C·U, U the product of the
// growth factors, at the input's resolution along the growing axes, and
// PixelShuffle turns every block of U channels into the U phases of one
// output channel. Its shrinking and kept axes follow the rule above. A
// growing axis gets k = 3, pad 1, whatever u: the 2u-tap kernels of the
// other methods give output u·d + i a reach of input samples d − 1 to
// d + 1 (two or three of them, depending on the phase i), and three taps
// centred on d cover exactly those for all u phases at once, with
// symmetric padding that keeps the size D. So the sub-pixel convolution
// can compute what either StretchConv computes, each of their phase
// kernels folded or thinned onto its three taps, with more parameters
// (U·3 taps per channel pair along the grown axes against 2u).
//
// Every trained layer has a bias and, except the sub-pixel convolution,
// maps C channels to C channels; the unpooling, the upsampling weight and
// the pixel shuffle are fixed and have no parameters.
//
// Beside the methods, the package holds what the seed and train commands
// measure with them: multiply-adds (Method.MACs), the gradient flow and
// the checkerboard at initialisation (GradientFlow, PhaseSpread), and the
// statistics of repeated timings (Quartiles, PairedRatio).
package methods

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/anisoconv/aniso"
)

// Names lists the methods compared, two-step chains first.
var Names = []string{
	"conv-deconv",
	"deconv-conv",
	"unpool-conv",
	"upsample-conv",
	"stretch-nearest",
	"stretch-zeros",
	"subpixel-conv",
	"subpixel-icnr",
}

// RepeatConv names a method outside the comparison: UnpoolND with
// CoverAll false, which repeats every sample u times, followed by the full
// convolution. It is the same function as stretch-nearest.
const RepeatConv = "repeat-conv"

// op is the operator of one layer.
type op int

const (
	opConv op = iota
	opDeconv
	opUnpool
	opStretch
	opShuffle
)

// layer is one operator with its options and weights.
type layer struct {
	op      op
	stretch aniso.StretchOptions // opConv uses its ConvOptions only
	deconv  aniso.DeconvOptions
	// opShuffle keeps its factors in unpool.Ksize: like a repeating
	// unpooling it fills a window of that many outputs per input
	// position, and PhaseSpread's margins count it so.
	unpool  aniso.UnpoolOptions
	w, b    *aniso.Tensor
	fixed   bool  // w is not trained and b is nil
	icnr    []int // non-nil: Init gives w the same weights for each of these phases
	in, out []int // N×C×… shapes of the layer's input and output
}

// Method is one way from the input shape to the output shape.
type Method struct {
	Name    string
	In, Out []int // N×C×D1×…×Dn and N×C×E1×…×En
	layers  []*layer
}

// axis is how one spatial axis changes: by a shrink factor s or a growth
// factor u, both 1 when it keeps its size.
type axis struct{ s, u int }

// resize returns the change of every spatial axis from in to out, which
// must have the same batch and channel count.
func resize(in, out []int) ([]axis, error) {
	if len(in) < 3 || len(out) != len(in) {
		return nil, fmt.Errorf("methods: shapes %v and %v must both be N×C×D1×…×Dn with the same number of spatial axes", in, out)
	}
	for i, v := range in {
		if v < 1 || out[i] < 1 {
			return nil, fmt.Errorf("methods: shapes %v and %v must have sizes of at least 1", in, out)
		}
	}
	if in[0] != out[0] || in[1] != out[1] {
		return nil, fmt.Errorf("methods: every layer keeps batch and channels, but %v → %v changes them", in, out)
	}
	ax := make([]axis, len(in)-2)
	for a := range ax {
		n, m := in[2+a], out[2+a]
		switch {
		case n == m:
			ax[a] = axis{1, 1}
		case n > m && n%m == 0:
			ax[a] = axis{n / m, 1}
		case m > n && m%n == 0:
			ax[a] = axis{1, m / n}
		default:
			return nil, fmt.Errorf("methods: axis %d: %d → %d is neither an integer shrink nor an integer growth", a, n, m)
		}
	}
	return ax, nil
}

// All builds every method of Names for in → out, with He-initialised
// weights from seed.
func All(in, out []int, seed uint64) ([]*Method, error) {
	ms := make([]*Method, len(Names))
	for i, name := range Names {
		m, err := New(name, in, out)
		if err != nil {
			return nil, err
		}
		m.Init(seed)
		ms[i] = m
	}
	return ms, nil
}

// New builds the named method, one of Names or RepeatConv, for in → out.
// Its weights are zero until Init or SetParams.
func New(name string, in, out []int) (*Method, error) {
	ax, err := resize(in, out)
	if err != nil {
		return nil, err
	}
	nsp := len(ax)
	c := in[1]
	m := &Method{Name: name, In: slices.Clone(in), Out: slices.Clone(out)}
	// Per-axis geometry of the separable layers (shrink, grow) and of the
	// full convolution.
	var (
		shrinkK, shrinkS, shrinkLo, shrinkHi = ones(nsp), ones(nsp), zeros(nsp), zeros(nsp)
		growK, growS, growLo, growHi         = ones(nsp), ones(nsp), zeros(nsp), zeros(nsp)
		fullK, fullS                         = ones(nsp), ones(nsp)
		u                                    = ones(nsp)
	)
	for a, x := range ax {
		switch {
		case x.s > 1:
			shrinkK[a], shrinkS[a], shrinkLo[a], shrinkHi[a] = 2*x.s, x.s, x.s/2, x.s-x.s/2
			fullK[a], fullS[a] = 2*x.s, x.s
		case x.u > 1:
			growK[a], growS[a], growLo[a], growHi[a] = 2*x.u, x.u, x.u/2, x.u-x.u/2
			fullK[a], u[a] = 2*x.u, x.u
		default:
			fullK[a] = 3
		}
	}
	// fullPads returns the padding of the full convolution, with grow
	// giving it for an axis grown by u.
	fullPads := func(grow func(u int) (lo, hi int)) (lo, hi []int) {
		lo, hi = make([]int, nsp), make([]int, nsp)
		for a, x := range ax {
			switch {
			case x.s > 1:
				lo[a], hi[a] = shrinkLo[a], shrinkHi[a]
			case x.u > 1:
				lo[a], hi[a] = grow(x.u)
			default:
				lo[a], hi[a] = 1, 1
			}
		}
		return lo, hi
	}
	// A 2u-tap kernel makes u·n outputs from a stretched length L when
	// lo+hi = u·n + 2u − 1 − L: 2u−1 for Nearest (L = u·n), 3u−2 for Zeros
	// and the CoverAll unpooling (L = u(n−1)+1), u for the upsampling
	// (L = u(n−1) + 2u−1).
	nearest := func(u int) (int, int) { return u - 1, u }
	zeroed := func(u int) (int, int) { return (3*u - 2) / 2, 3*u - 2 - (3*u-2)/2 }
	upsampled := func(u int) (int, int) { return u / 2, u - u/2 }

	shrink := aniso.ConvOptions{Stride: shrinkS, PadLo: shrinkLo, PadHi: shrinkHi}
	grow := aniso.DeconvOptions{ConvOptions: aniso.ConvOptions{Stride: growS, PadLo: growLo, PadHi: growHi}}
	full := func(grow func(u int) (int, int)) aniso.ConvOptions {
		lo, hi := fullPads(grow)
		return aniso.ConvOptions{Stride: fullS, PadLo: lo, PadHi: hi}
	}
	convLayer := func(o aniso.ConvOptions, k []int) *layer {
		return &layer{op: opConv, stretch: aniso.StretchOptions{ConvOptions: o}, w: aniso.New(append([]int{c, c}, k...)...), b: aniso.New(c)}
	}
	deconvLayer := func(o aniso.DeconvOptions, k []int) *layer {
		return &layer{op: opDeconv, deconv: o, w: aniso.New(append([]int{c, c}, k...)...), b: aniso.New(c)}
	}
	stretchLayer := func(mode aniso.StretchMode, pads func(u int) (int, int)) *layer {
		o := aniso.StretchOptions{ConvOptions: full(pads), Stretch: u, Mode: mode}
		return &layer{op: opStretch, stretch: o, w: aniso.New(append([]int{c, c}, fullK...)...), b: aniso.New(c)}
	}
	unpoolLayer := func(coverAll bool) *layer {
		return &layer{op: opUnpool, unpool: aniso.UnpoolOptions{Ksize: u, CoverAll: coverAll}}
	}

	switch name {
	case "conv-deconv":
		m.layers = []*layer{convLayer(shrink, shrinkK), deconvLayer(grow, growK)}
	case "deconv-conv":
		m.layers = []*layer{deconvLayer(grow, growK), convLayer(shrink, shrinkK)}
	case "unpool-conv":
		m.layers = []*layer{unpoolLayer(true), convLayer(full(zeroed), fullK)}
	case RepeatConv:
		m.layers = []*layer{unpoolLayer(false), convLayer(full(nearest), fullK)}
	case "upsample-conv":
		// A depthwise transposed convolution whose kernel, 2u−1 taps long
		// on a grown axis, is one at its centre: every sample lands u−1
		// places after u·i, with zeros between.
		k := ones(nsp)
		centre := 0
		for a, x := range ax {
			k[a] = 2*x.u - 1
			centre = centre*k[a] + x.u - 1
		}
		w := aniso.New(append([]int{c, 1}, k...)...)
		kvol := len(w.Data) / c
		for ch := 0; ch < c; ch++ {
			w.Data[ch*kvol+centre] = 1
		}
		up := &layer{op: opDeconv, deconv: aniso.DeconvOptions{ConvOptions: aniso.ConvOptions{Stride: u, Groups: c}}, w: w, fixed: true}
		m.layers = []*layer{up, convLayer(full(upsampled), fullK)}
	case "stretch-nearest":
		m.layers = []*layer{stretchLayer(aniso.Nearest, nearest)}
	case "stretch-zeros":
		m.layers = []*layer{stretchLayer(aniso.Zeros, zeroed)}
	case "subpixel-conv", "subpixel-icnr":
		k, lo, hi := ones(nsp), zeros(nsp), zeros(nsp)
		phases := 1
		for a, x := range ax {
			switch {
			case x.s > 1:
				k[a], lo[a], hi[a] = shrinkK[a], shrinkLo[a], shrinkHi[a]
			default:
				k[a], lo[a], hi[a] = 3, 1, 1
			}
			phases *= x.u
		}
		o := aniso.ConvOptions{Stride: shrinkS, PadLo: lo, PadHi: hi}
		conv := &layer{op: opConv, stretch: aniso.StretchOptions{ConvOptions: o}, w: aniso.New(append([]int{c * phases, c}, k...)...), b: aniso.New(c * phases)}
		if name == "subpixel-icnr" {
			conv.icnr = u
		}
		m.layers = []*layer{conv, {op: opShuffle, unpool: aniso.UnpoolOptions{Ksize: u}}}
	default:
		return nil, fmt.Errorf("methods: unknown method %q", name)
	}
	shape := m.In
	for _, l := range m.layers {
		l.in = shape
		l.out = l.outShape(shape)
		shape = l.out
	}
	return m, nil
}

func ones(n int) []int {
	v := make([]int, n)
	for i := range v {
		v[i] = 1
	}
	return v
}

func zeros(n int) []int { return make([]int, n) }

// outShape returns the output shape of l for input shape x from the
// geometry formulas of the operators, for checking what they return.
func (l *layer) outShape(x []int) []int {
	y := slices.Clone(x)
	for a := range x[2:] {
		n := x[2+a]
		switch l.op {
		case opConv, opStretch:
			o := l.stretch
			k := l.w.Shape[2+a]
			if u := at(o.Stretch, a, 1); u > 1 {
				if o.Mode == aniso.Nearest {
					n = u * n
				} else {
					n = u*(n-1) + 1
				}
			}
			y[2+a] = (n+at(o.PadLo, a, 0)+at(o.PadHi, a, 0)-k)/at(o.Stride, a, 1) + 1
		case opDeconv:
			o := l.deconv
			y[2+a] = at(o.Stride, a, 1)*(n-1) + l.w.Shape[2+a] - at(o.PadLo, a, 0) - at(o.PadHi, a, 0)
		case opUnpool:
			k := l.unpool.Ksize[a]
			y[2+a] = k * n
			if l.unpool.CoverAll {
				y[2+a] = k*(n-1) + 1
			}
		case opShuffle:
			y[1] /= l.unpool.Ksize[a]
			y[2+a] = l.unpool.Ksize[a] * n
		}
	}
	if l.op == opConv {
		y[1] = l.w.Shape[0]
	}
	return y
}

// at returns v[a], or def when v is nil.
func at(v []int, a, def int) int {
	if v == nil {
		return def
	}
	return v[a]
}

// Steps returns the number of operators the method applies in a row.
func (m *Method) Steps() int { return len(m.layers) }

// Describe returns the operators and their geometry, one step per line.
func (m *Method) Describe() []string {
	var d []string
	for _, l := range m.layers {
		nsp := len(l.in) - 2
		var s string
		switch l.op {
		case opConv:
			o := l.stretch.ConvOptions
			s = fmt.Sprintf("Conv k=%s s=%s pad %s/%s", dims(l.w.Shape[2:]), dims(o.Stride), list(o.PadLo, nsp), list(o.PadHi, nsp))
			if l.out[1] != l.in[1] {
				s += fmt.Sprintf(", %d → %d channels", l.in[1], l.out[1])
			}
			if l.icnr != nil {
				s += ", ICNR"
			}
		case opStretch:
			o := l.stretch
			s = fmt.Sprintf("StretchConv %v u=%s k=%s s=%s pad %s/%s", o.Mode, dims(o.Stretch), dims(l.w.Shape[2:]), dims(o.Stride), list(o.PadLo, nsp), list(o.PadHi, nsp))
		case opDeconv:
			o := l.deconv
			if l.fixed {
				s = fmt.Sprintf("Deconv depthwise, fixed kernel k=%s, s=%s", dims(l.w.Shape[2:]), dims(o.Stride))
				break
			}
			s = fmt.Sprintf("Deconv k=%s s=%s pad %s/%s", dims(l.w.Shape[2:]), dims(o.Stride), list(o.PadLo, nsp), list(o.PadHi, nsp))
		case opUnpool:
			s = fmt.Sprintf("UnpoolND ksize=%s CoverAll=%t", dims(l.unpool.Ksize), l.unpool.CoverAll)
		case opShuffle:
			s = fmt.Sprintf("PixelShuffle r=%s", dims(l.unpool.Ksize))
		}
		d = append(d, fmt.Sprintf("%s → %s", s, dims(l.out[2:])))
	}
	return d
}

// dims formats sizes as 4×4.
func dims(v []int) string {
	f := make([]string, len(v))
	for i, x := range v {
		f[i] = strconv.Itoa(x)
	}
	return strings.Join(f, "×")
}

// list formats per-axis values as 1,2, zeros when v is nil.
func list(v []int, n int) string {
	if v == nil {
		v = make([]int, n)
	}
	f := make([]string, len(v))
	for i, x := range v {
		f[i] = strconv.Itoa(x)
	}
	return strings.Join(f, ",")
}

// Params returns the trained parameters, weight then bias of each trained
// layer in order. They are the method's own tensors.
func (m *Method) Params() []*aniso.Tensor {
	var ps []*aniso.Tensor
	for _, l := range m.layers {
		if l.w != nil && !l.fixed {
			ps = append(ps, l.w, l.b)
		}
	}
	return ps
}

// SetParams replaces the trained parameters by ps, in the order and with
// the shapes of Params. The method keeps ps.
func (m *Method) SetParams(ps []*aniso.Tensor) error {
	cur := m.Params()
	if len(ps) != len(cur) {
		return fmt.Errorf("methods: %s: %d parameters given, want %d", m.Name, len(ps), len(cur))
	}
	for i, p := range ps {
		if p == nil || !slices.Equal(p.Shape, cur[i].Shape) {
			return fmt.Errorf("methods: %s: parameter %d must have shape %v", m.Name, i, cur[i].Shape)
		}
	}
	i := 0
	for _, l := range m.layers {
		if l.w != nil && !l.fixed {
			l.w, l.b = ps[i], ps[i+1]
			i += 2
		}
	}
	return nil
}

// NumParams returns the number of trained parameters.
func (m *Method) NumParams() int {
	n := 0
	for _, p := range m.Params() {
		n += p.Size()
	}
	return n
}

// Init sets every trained weight to He's initialisation, normal with
// variance 2/fan_in, and every bias to zero, from seed. fan_in is computed
// from the weight's shape as Chainer and PyTorch do, the product of all
// but its first size: (C/G)·Πk for Conv and StretchConv, (O/G)·Πk for
// Deconv. subpixel-icnr's convolution is initialised by ICNR instead: a
// He-initialised C×C×k… kernel W₀ whose row c is repeated for the U output
// channels c·U … c·U + U − 1 that PixelShuffle turns into the phases of
// output channel c, so that at initialisation the method is a convolution
// by W₀ followed by a nearest stretch of its output.
func (m *Method) Init(seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	for _, l := range m.layers {
		if l.w == nil || l.fixed {
			continue
		}
		fanIn := l.w.Size() / l.w.Shape[0]
		sd := math.Sqrt(2 / float64(fanIn))
		phases := 1
		for _, u := range l.icnr {
			phases *= u
		}
		for o := 0; o < l.w.Shape[0]; o += phases {
			row := l.w.Data[o*fanIn : (o+1)*fanIn]
			for i := range row {
				row[i] = float32(sd * rng.NormFloat64())
			}
			for p := 1; p < phases; p++ {
				copy(l.w.Data[(o+p)*fanIn:], row)
			}
		}
		clear(l.b.Data)
	}
}

// Forward returns the method applied to x.
func (m *Method) Forward(x *aniso.Tensor) (*aniso.Tensor, error) {
	acts, err := m.ForwardTrace(x)
	if err != nil {
		return nil, err
	}
	return acts[len(acts)-1], nil
}

// ForwardTrace returns x followed by the output of every step, the last
// being the method's output; Backward needs them. It checks every step's
// output shape against the geometry the method was built with.
func (m *Method) ForwardTrace(x *aniso.Tensor) ([]*aniso.Tensor, error) {
	if x == nil || !slices.Equal(x.Shape, m.In) {
		return nil, fmt.Errorf("methods: %s: input must have shape %v", m.Name, m.In)
	}
	acts := []*aniso.Tensor{x}
	for i, l := range m.layers {
		y, err := l.forward(x)
		if err != nil {
			return nil, fmt.Errorf("methods: %s: step %d: %w", m.Name, i+1, err)
		}
		if !slices.Equal(y.Shape, l.out) {
			return nil, fmt.Errorf("methods: %s: step %d returned shape %v, want %v", m.Name, i+1, y.Shape, l.out)
		}
		acts = append(acts, y)
		x = y
	}
	return acts, nil
}

// Backward returns the gradients with respect to the input and to every
// trained parameter, in the order of Params, for the output gradient gy
// and the activations from ForwardTrace.
func (m *Method) Backward(acts []*aniso.Tensor, gy *aniso.Tensor) (gx *aniso.Tensor, gp []*aniso.Tensor, err error) {
	if len(acts) != len(m.layers)+1 {
		return nil, nil, fmt.Errorf("methods: %s: %d activations, want %d", m.Name, len(acts), len(m.layers)+1)
	}
	per := make([][]*aniso.Tensor, len(m.layers))
	for i := len(m.layers) - 1; i >= 0; i-- {
		var g []*aniso.Tensor
		gy, g, err = m.layers[i].backward(acts[i], gy)
		if err != nil {
			return nil, nil, fmt.Errorf("methods: %s: step %d backward: %w", m.Name, i+1, err)
		}
		per[i] = g
	}
	for _, g := range per {
		gp = append(gp, g...)
	}
	return gy, gp, nil
}

func (l *layer) forward(x *aniso.Tensor) (*aniso.Tensor, error) {
	switch l.op {
	case opConv:
		return aniso.Conv(x, l.w, l.b, l.stretch.ConvOptions)
	case opStretch:
		return aniso.StretchConv(x, l.w, l.b, l.stretch)
	case opDeconv:
		return aniso.Deconv(x, l.w, l.b, l.deconv)
	case opShuffle:
		return aniso.PixelShuffle(x, l.unpool.Ksize)
	default:
		return aniso.UnpoolND(x, l.unpool)
	}
}

// backward returns the input gradient and the gradients of the layer's
// trained parameters.
func (l *layer) backward(x, gy *aniso.Tensor) (*aniso.Tensor, []*aniso.Tensor, error) {
	var gx, gw, gb *aniso.Tensor
	var err error
	switch l.op {
	case opConv:
		gx, gw, gb, err = aniso.ConvBackward(x, l.w, gy, l.stretch.ConvOptions)
	case opStretch:
		gx, gw, gb, err = aniso.StretchConvBackward(x, l.w, gy, l.stretch)
	case opDeconv:
		gx, gw, gb, err = aniso.DeconvBackward(x, l.w, gy, l.deconv)
	case opShuffle:
		gx, err = aniso.PixelUnshuffle(gy, l.unpool.Ksize)
	default:
		gx, err = aniso.UnpoolNDBackward(x, gy, l.unpool)
	}
	if err != nil || l.w == nil || l.fixed {
		return gx, nil, err
	}
	return gx, []*aniso.Tensor{gw, gb}, nil
}
