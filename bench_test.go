package aniso_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/anisoconv/aniso"
	"github.com/anisoconv/aniso/internal/methods"
)

// The benchmarks below time aniso alone. The README's "Speed against
// PyTorch" gives the same workloads timed alternately with PyTorch 1.13's
// CPU path (oneDNN, AVX-512) on the development machine (AMD EPYC Zen 5,
// 2 cores, go1.26.8, 2026-12-01), as aniso's time over PyTorch's for the
// same function at 1 / 2 threads (below 1: aniso is faster):
//
//	workload                          method            fwd          fwd+bwd
//	(1,1,100,100)→(1,1,50,200)        every method      0.11–0.26    0.08–0.28
//	(8,32,100,100)→(8,32,50,200)      conv-deconv       0.10 / 0.06  0.09 / 0.05
//	                                  stretch-nearest   0.47 / 0.38  0.54 / 0.48
//	                                  stretch-zeros     0.34 / 0.29  0.41 / 0.39
//	Conv 3×3 pad 1, (8,32,100,100)    conv              0.64 / 0.69  0.69 / 0.59
//	(2,16,16³)→(2,16,8,32,16)         stretch-nearest   0.48 / 0.52  0.74 / 0.71

// benchGeom is a convolution benchmark case: x shape, kernel and options.
type benchGeom struct {
	name   string
	x      []int
	kernel []int
	o      aniso.ConvOptions
}

var benchConvCases = []benchGeom{
	{"8x32x100x100/k=3x3", []int{8, 32, 100, 100}, []int{3, 3}, aniso.ConvOptions{PadLo: []int{1, 1}}},
	{"2x16x16x16x16/k=3x3x3", []int{2, 16, 16, 16, 16}, []int{3, 3, 3}, aniso.ConvOptions{PadLo: []int{1, 1, 1}}},
}

func benchRand(seed uint64, shape ...int) *aniso.Tensor {
	t := aniso.New(shape...)
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := range t.Data {
		t.Data[i] = 2*rng.Float32() - 1
	}
	return t
}

// convMACs returns the multiply-adds of a convolution from x to y with
// weights w: one per weight and output position.
func convMACs(y, w *aniso.Tensor) int {
	n := y.Shape[0]
	for _, d := range y.Shape[2:] {
		n *= d
	}
	return n * w.Size()
}

// naiveGeom is a convolution geometry with every default filled in.
type naiveGeom struct {
	stride, padLo, dilation []int
	groups                  int
}

func naiveOptions(o aniso.ConvOptions, nsp int) naiveGeom {
	g := naiveGeom{stride: o.Stride, padLo: o.PadLo, dilation: o.Dilation, groups: max(1, o.Groups)}
	fill := func(v []int, def int) []int {
		if v != nil {
			return v
		}
		r := make([]int, nsp)
		for i := range r {
			r[i] = def
		}
		return r
	}
	g.stride, g.padLo, g.dilation = fill(g.stride, 1), fill(g.padLo, 0), fill(g.dilation, 1)
	return g
}

func shapeName(s []int) string {
	return strings.Trim(strings.Join(strings.Fields(fmt.Sprint(s)), "x"), "[]")
}

// reportFlops reports GFLOP/s for macs multiply-adds per iteration.
func reportFlops(b *testing.B, macs int) {
	b.ReportMetric(2*float64(macs)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// Naive direct loops, the baseline beside the engine. naiveCorrelate visits
// every (batch, output channel, output position, input channel, tap) of a
// convolution once and applies one of its three bilinear forms.
const (
	naiveForward = iota // y += w·x
	naiveData           // x += w·y
	naiveWeight         // w += x·y
)

func naiveCorrelate(mode int, x, w, y []float32, xs, ws, ys []int, g naiveGeom) {
	nsp := len(xs) - 2
	groups := g.groups
	cg, og := xs[1]/groups, ys[1]/groups
	kvol, ovol, ivol := 1, 1, 1
	for a := 0; a < nsp; a++ {
		kvol *= ws[2+a]
		ovol *= ys[2+a]
		ivol *= xs[2+a]
	}
	oi := make([]int, nsp)
	ki := make([]int, nsp)
	for n := 0; n < xs[0]; n++ {
		for o := 0; o < ys[1]; o++ {
			grp := o / og
			for p := 0; p < ovol; p++ {
				r := p
				for a := nsp - 1; a >= 0; a-- {
					oi[a] = r % ys[2+a]
					r /= ys[2+a]
				}
				yi := (n*ys[1]+o)*ovol + p
				for c := 0; c < cg; c++ {
					xc := (n*xs[1] + grp*cg + c) * ivol
					wc := (o*cg + c) * kvol
					for k := 0; k < kvol; k++ {
						r := k
						for a := nsp - 1; a >= 0; a-- {
							ki[a] = r % ws[2+a]
							r /= ws[2+a]
						}
						off, ok := 0, true
						for a := 0; a < nsp; a++ {
							i := oi[a]*g.stride[a] + ki[a]*g.dilation[a] - g.padLo[a]
							if i < 0 || i >= xs[2+a] {
								ok = false
								break
							}
							off = off*xs[2+a] + i
						}
						if !ok {
							continue
						}
						switch mode {
						case naiveForward:
							y[yi] += w[wc+k] * x[xc+off]
						case naiveData:
							x[xc+off] += w[wc+k] * y[yi]
						case naiveWeight:
							w[wc+k] += x[xc+off] * y[yi]
						}
					}
				}
			}
		}
	}
}

func BenchmarkConv(b *testing.B) {
	for _, c := range benchConvCases {
		x := benchRand(1, c.x...)
		w := benchRand(2, append([]int{c.x[1], c.x[1]}, c.kernel...)...)
		y, err := aniso.Conv(x, w, nil, c.o)
		if err != nil {
			b.Fatal(err)
		}
		gy := benchRand(3, y.Shape...)
		macs := convMACs(y, w)
		g := naiveOptions(c.o, len(c.kernel))
		for _, impl := range []string{"engine", "naive"} {
			b.Run(fmt.Sprintf("impl=%s/shape=%s/pass=forward", impl, c.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if impl == "engine" {
						aniso.Conv(x, w, nil, c.o)
						continue
					}
					y := aniso.New(y.Shape...)
					naiveCorrelate(naiveForward, x.Data, w.Data, y.Data, x.Shape, w.Shape, y.Shape, g)
				}
				reportFlops(b, macs)
			})
			b.Run(fmt.Sprintf("impl=%s/shape=%s/pass=backward", impl, c.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if impl == "engine" {
						aniso.ConvBackward(x, w, gy, c.o)
						continue
					}
					gx, gw := aniso.New(x.Shape...), aniso.New(w.Shape...)
					naiveCorrelate(naiveData, gx.Data, w.Data, gy.Data, x.Shape, w.Shape, gy.Shape, g)
					naiveCorrelate(naiveWeight, x.Data, gw.Data, gy.Data, x.Shape, w.Shape, gy.Shape, g)
				}
				reportFlops(b, 2*macs)
			})
		}
	}
}

// BenchmarkStretch compares StretchConv with the two-step composition it
// replaces on (8,32,100,100) → (8,32,50,200): UnpoolND with k = s = 2 then
// Conv for Nearest, a depthwise one-tap Deconv at stride 2 (zero
// interleaving) then Conv for Zeros. GFLOP/s counts the multiply-adds of
// stretch-then-conv for both, so the fused operator's figure is effective.
func BenchmarkStretch(b *testing.B) {
	x := benchRand(1, 8, 32, 100, 100)
	w := benchRand(2, 32, 32, 4, 4)
	tap := aniso.New(32, 1, 1, 1)
	for i := range tap.Data {
		tap.Data[i] = 1
	}
	interleave := aniso.DeconvOptions{ConvOptions: aniso.ConvOptions{Stride: []int{1, 2}, Groups: 32}}
	unpool := aniso.UnpoolOptions{Ksize: []int{1, 2}}
	for _, mode := range []aniso.StretchMode{aniso.Nearest, aniso.Zeros} {
		o := aniso.StretchOptions{
			ConvOptions: aniso.ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 2}},
			Stretch:     []int{1, 2}, Mode: mode,
		}
		stretch := func(x *aniso.Tensor) (*aniso.Tensor, error) { return aniso.UnpoolND(x, unpool) }
		unstretch := func(x, gh *aniso.Tensor) (*aniso.Tensor, error) { return aniso.UnpoolNDBackward(x, gh, unpool) }
		if mode == aniso.Zeros {
			o.PadLo = []int{1, 2}
			stretch = func(x *aniso.Tensor) (*aniso.Tensor, error) { return aniso.Deconv(x, tap, nil, interleave) }
			unstretch = func(x, gh *aniso.Tensor) (*aniso.Tensor, error) {
				gx, _, _, err := aniso.DeconvBackward(x, tap, gh, interleave)
				return gx, err
			}
		}
		y, err := aniso.StretchConv(x, w, nil, o)
		if err != nil {
			b.Fatal(err)
		}
		gy := benchRand(3, y.Shape...)
		macs := convMACs(y, w)
		name := "mode=" + strings.ToLower(mode.String()) + "/shape=8x32x100x100"
		b.Run("method=fused/"+name+"/pass=forward", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				aniso.StretchConv(x, w, nil, o)
			}
			reportFlops(b, macs)
		})
		b.Run("method=fused/"+name+"/pass=backward", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				aniso.StretchConvBackward(x, w, gy, o)
			}
			reportFlops(b, 2*macs)
		})
		b.Run("method=two-step/"+name+"/pass=forward", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				h, _ := stretch(x)
				aniso.Conv(h, w, nil, o.ConvOptions)
			}
			reportFlops(b, macs)
		})
		b.Run("method=two-step/"+name+"/pass=backward", func(b *testing.B) {
			// The stretched input is kept from the forward pass, as a
			// training loop would keep it, so only gradients are timed.
			h, err := stretch(x)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				gh, _, _, _ := aniso.ConvBackward(h, w, gy, o.ConvOptions)
				unstretch(x, gh)
			}
			reportFlops(b, 2*macs)
		})
	}
}

// BenchmarkDeconv runs the transposed convolutions of the Conv cases, from
// the convolution's output shape back to its input shape.
func BenchmarkDeconv(b *testing.B) {
	for _, c := range benchConvCases {
		w := benchRand(2, append([]int{c.x[1], c.x[1]}, c.kernel...)...)
		cy, err := aniso.Conv(aniso.New(c.x...), w, nil, c.o)
		if err != nil {
			b.Fatal(err)
		}
		x := benchRand(1, cy.Shape...)
		o := aniso.DeconvOptions{ConvOptions: c.o}
		gy := benchRand(3, c.x...)
		macs := convMACs(cy, w)
		g := naiveOptions(c.o, len(c.kernel))
		for _, impl := range []string{"engine", "naive"} {
			b.Run(fmt.Sprintf("impl=%s/shape=%s/pass=forward", impl, c.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if impl == "engine" {
						aniso.Deconv(x, w, nil, o)
						continue
					}
					y := aniso.New(c.x...)
					naiveCorrelate(naiveData, y.Data, w.Data, x.Data, y.Shape, w.Shape, x.Shape, g)
				}
				reportFlops(b, macs)
			})
			b.Run(fmt.Sprintf("impl=%s/shape=%s/pass=backward", impl, c.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if impl == "engine" {
						aniso.DeconvBackward(x, w, gy, o)
						continue
					}
					gx, gw := aniso.New(x.Shape...), aniso.New(w.Shape...)
					naiveCorrelate(naiveForward, gy.Data, w.Data, gx.Data, gy.Shape, w.Shape, gx.Shape, g)
					naiveCorrelate(naiveWeight, gy.Data, gw.Data, x.Data, gy.Shape, w.Shape, x.Shape, g)
				}
				reportFlops(b, 2*macs)
			})
		}
	}
}

// benchMethodCases are the mappings of the seed comparison: the seed
// itself, a realistic batch and channel count, and its 3-D counterpart.
var benchMethodCases = []struct{ in, out []int }{
	{[]int{1, 1, 100, 100}, []int{1, 1, 50, 200}},
	{[]int{8, 32, 100, 100}, []int{8, 32, 50, 200}},
	{[]int{2, 16, 16, 16, 16}, []int{2, 16, 8, 32, 16}},
}

// BenchmarkMethods runs the seed's two-step chains and the one-step
// StretchConv of internal/methods, forward and forward+backward, so that
// benchstat can set the fused operator against the chains.
func BenchmarkMethods(b *testing.B) {
	for _, c := range benchMethodCases {
		ms, err := methods.All(c.in, c.out, 1)
		if err != nil {
			b.Fatal(err)
		}
		x, gy := benchRand(1, c.in...), benchRand(3, c.out...)
		for _, m := range ms {
			b.Run(fmt.Sprintf("method=%s/shape=%s/pass=forward", m.Name, shapeName(c.in)), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := m.Forward(x); err != nil {
						b.Fatal(err)
					}
				}
				reportFlops(b, m.MACs())
			})
			b.Run(fmt.Sprintf("method=%s/shape=%s/pass=forward+backward", m.Name, shapeName(c.in)), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					acts, err := m.ForwardTrace(x)
					if err == nil {
						_, _, err = m.Backward(acts, gy)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				reportFlops(b, m.MACs()+m.BackwardMACs())
			})
		}
	}
}

// BenchmarkSmall runs one-shot calls on the seed's single-channel shape and
// on a few channels, where fixed costs (validation, scratch, packing)
// rather than arithmetic set the time: the allocations per call beyond the
// results are the figure to watch.
func BenchmarkSmall(b *testing.B) {
	type call struct {
		name string
		in   *aniso.Tensor // the operator's input, which names the case
		run  func() error
	}
	for _, c := range []int{1, 4} {
		x := benchRand(1, 1, c, 100, 100)
		h := benchRand(4, 1, c, 50, 100)
		shrink := aniso.ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 0}}
		grow := aniso.DeconvOptions{ConvOptions: aniso.ConvOptions{Stride: []int{1, 2}, PadLo: []int{0, 1}}}
		stretch := aniso.StretchOptions{
			ConvOptions: aniso.ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 2}},
			Stretch:     []int{1, 2},
		}
		unpool := aniso.UnpoolOptions{Ksize: []int{1, 2}, CoverAll: true}
		wc, wd, ws := benchRand(2, c, c, 4, 1), benchRand(2, c, c, 1, 4), benchRand(2, c, c, 4, 4)
		bias := benchRand(5, c)
		gyc, gyd, gys := benchRand(3, 1, c, 50, 100), benchRand(3, 1, c, 50, 200), benchRand(3, 1, c, 50, 200)
		gyu := benchRand(3, 1, c, 100, 199)
		calls := []call{
			{"conv/pass=forward", x, func() error { _, err := aniso.Conv(x, wc, bias, shrink); return err }},
			{"conv/pass=backward", x, func() error { _, _, _, err := aniso.ConvBackward(x, wc, gyc, shrink); return err }},
			{"deconv/pass=forward", h, func() error { _, err := aniso.Deconv(h, wd, bias, grow); return err }},
			{"deconv/pass=backward", h, func() error { _, _, _, err := aniso.DeconvBackward(h, wd, gyd, grow); return err }},
			{"stretch/pass=forward", x, func() error { _, err := aniso.StretchConv(x, ws, bias, stretch); return err }},
			{"stretch/pass=backward", x, func() error { _, _, _, err := aniso.StretchConvBackward(x, ws, gys, stretch); return err }},
			{"unpool/pass=forward", x, func() error { _, err := aniso.UnpoolND(x, unpool); return err }},
			{"unpool/pass=backward", x, func() error { _, err := aniso.UnpoolNDBackward(x, gyu, unpool); return err }},
		}
		for _, cl := range calls {
			b.Run(fmt.Sprintf("op=%s/shape=%s", cl.name, shapeName(cl.in.Shape)), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := cl.run(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkBiasGradient times the bias gradient alone, a plan's Backward
// with gx and gw nil, on gy of (8,32,100,100) laid out channels-first and
// channels-last (a permuted view), with the naive float64 loop beside it.
func BenchmarkBiasGradient(b *testing.B) {
	x, w := aniso.New(8, 32, 100, 100), aniso.New(32, 32, 3, 3)
	o := aniso.ConvOptions{PadLo: []int{1, 1}, PadHi: []int{1, 1}}
	p, err := aniso.NewConvPlan(x.Shape, w.Shape, o)
	if err != nil {
		b.Fatal(err)
	}
	nchw := benchRand(3, p.OutShape()...)
	nhwc := benchRand(3, 8, 100, 100, 32).Permute(0, 3, 1, 2)
	gb := aniso.New(32)
	for _, c := range []struct {
		layout string
		gy     *aniso.Tensor
	}{{"nchw", nchw}, {"nhwc", nhwc}} {
		for _, impl := range []string{"engine", "naive"} {
			b.Run(fmt.Sprintf("impl=%s/shape=8x32x100x100/layout=%s", impl, c.layout), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(4 * len(c.gy.Data)))
				for b.Loop() {
					if impl == "engine" {
						if err := p.Backward(nil, nil, gb, x, w, c.gy); err != nil {
							b.Fatal(err)
						}
						continue
					}
					naiveBiasGradient(gb.Data, c.gy)
				}
			})
		}
	}
}

// naiveBiasGradient sets gb[c] to the float64 sum of channel c of the
// N×C×H×W tensor gy, one element at a time.
func naiveBiasGradient(gb []float32, gy *aniso.Tensor) {
	s, st := gy.Shape, gy.Strides
	for c := 0; c < s[1]; c++ {
		var sum float64
		for n := 0; n < s[0]; n++ {
			for i := 0; i < s[2]; i++ {
				for j := 0; j < s[3]; j++ {
					sum += float64(gy.Data[n*st[0]+c*st[1]+i*st[2]+j*st[3]])
				}
			}
		}
		gb[c] = float32(sum)
	}
}
