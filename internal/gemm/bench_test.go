package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// BenchmarkSgemm compares every micro-kernel this machine runs, the choice
// Sgemm makes by itself ("auto") and gonum's Sgemm (named as in
// BenchmarkConvShapes) on the products the convolution engine makes (forward,
// data gradient with op(A) transposed, weight gradient with op(B)
// transposed, for 32 output channels, 32 input channels with a 3×3 kernel
// and 4096 positions) and on square matrices. gonum's Sgemm spreads large
// products over GOMAXPROCS goroutines while this package's kernel stays on
// one; run with -cpu 1 to compare single threads.
func BenchmarkSgemm(b *testing.B) {
	cases := []struct {
		transA, transB bool
		m, n, k        int
	}{
		{false, false, 32, 4096, 288},
		{true, false, 288, 4096, 32},
		{false, true, 32, 288, 4096},
		{false, false, 256, 256, 256},
		{false, false, 1024, 1024, 1024},
	}
	impls := append(variants(), "auto", gonumImpl)
	for _, cs := range cases {
		op := map[bool]string{false: "N", true: "T"}
		name := fmt.Sprintf("op=%s%s/size=%dx%dx%d", op[cs.transA], op[cs.transB], cs.m, cs.n, cs.k)
		for _, impl := range impls {
			b.Run("impl="+impl+"/"+name, func(b *testing.B) {
				benchProduct(b, impl, cs.transA, cs.transB, cs.m, cs.n, cs.k)
			})
		}
	}
}

// BenchmarkConvShapes measures every kernel this machine runs, the choice
// Sgemm makes by itself ("auto") and gonum's Sgemm on the forward products
// of convolutions: M output channels, K = C·taps (32 or 64 input channels
// with a 3×3 kernel) and N output positions, each in GFLOP/s. gonum's
// Sgemm is "gonum-asm" where its inner loops are its SSE assembly (amd64)
// and "gonum-go" where they are Go (every other machine, or amd64 with the
// noasm tag). Run with -cpu 1: gonum's Sgemm spreads large products over
// GOMAXPROCS goroutines.
//
// The generic and SSE kernels against gonum, on one core of a two-core AMD
// EPYC (Zen 5, about 4.1 GHz, under KVM), Go 1.26.8, gonum v0.17.0, 1
// December 2026; the best of six interleaved runs of -benchtime 60ms.
// "generic" and "gonum-go" come from -tags 'purego noasm', "gonum-asm" from
// -tags purego, "generic v3" from GOAMD64=v3 -tags purego (its 2×4 block;
// in brackets the 2×3 block of the default build, under v3). "sse" comes
// from the default build with the kernel forced, the best of eight runs
// interleaved with its generic kernel and gonum-asm, which reached 0.77 to
// 1.07 times their columns there:
//
//	 m     n    k   generic  gonum-go  gonum-asm   sse   generic v3  (2×3 v3)
//	16   400  288    11.9       6.7       17.6     47.9      13.3      (10.7)
//	16   400  576    11.6       6.6       17.4     49.3      12.9      (10.5)
//	16  1000  288    12.2       7.0       17.9     48.1      13.6      (10.9)
//	16  1000  576    12.5       7.3       17.9     48.4      13.2      (10.9)
//	32   400  288    11.6       6.5       17.7     49.1      14.0      (11.2)
//	32   400  576    13.0       6.7       17.7     48.5      14.1      (11.0)
//	32  1000  288    13.2       6.8       18.2     48.4      14.3      (11.1)
//	32  1000  576    13.1       7.0       18.1     47.6      14.3      (11.3)
//	64   400  288    13.2       6.9       17.9     48.7      14.6      (11.3)
//	64   400  576    13.4       7.1       17.5     48.7      14.4      (11.4)
//	64  1000  288    13.7       6.7       18.2     46.5      14.5      (11.6)
//	64  1000  576    13.3       7.4       18.0     49.0      14.5      (12.0)
//
// The generic kernel runs at about twice gonum's Go loops, which load and
// store a row of C for every multiply-add, but below its SSE assembly,
// which works on four columns per instruction: one core here starts two
// scalar multiplies and two adds (or two fused multiply-adds) per cycle,
// about 16 GFLOP/s in scalar code, less than the assembly reaches. The
// SSE kernel, which amd64 processors without AVX2 and FMA run, works on
// four columns per instruction too but keeps its 4×8 tile of C in
// registers, where gonum's axpy loads and stores an element of C for
// every multiply-add: it runs at almost three times gonum's assembly.
// Other machines get gonum-go, and the generic kernel's 4×4 block on
// arm64, which is not measured here.
func BenchmarkConvShapes(b *testing.B) {
	for _, impl := range append(variants(), "auto", gonumImpl) {
		for _, m := range []int{16, 32, 64} {
			for _, n := range []int{400, 1000} {
				for _, k := range []int{288, 576} {
					name := fmt.Sprintf("kernel=%s/m=%d/n=%d/k=%d", impl, m, n, k)
					b.Run(name, func(b *testing.B) {
						benchProduct(b, impl, false, false, m, n, k)
					})
				}
			}
		}
	}
}

// benchProduct times C = op(A)·op(B) with the named kernel, the one Sgemm
// chooses ("auto") or gonum's Sgemm, and reports GFLOP/s.
func benchProduct(b *testing.B, impl string, transA, transB bool, m, n, k int) {
	rng := rand.New(rand.NewPCG(1, 1))
	fill := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = 2*rng.Float32() - 1
		}
		return s
	}
	a, bm, c := fill(m*k), fill(k*n), fill(m*n)
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	if impl != gonumImpl {
		defer selectKernel(impl)()
	}
	tA, tB := blas.NoTrans, blas.NoTrans
	if transA {
		tA = blas.Trans
	}
	if transB {
		tB = blas.Trans
	}
	run := func() {
		if impl == gonumImpl {
			gonum.Implementation{}.Sgemm(tA, tB, m, n, k, 1, a, lda, bm, ldb, 0, c, n)
			return
		}
		Sgemm(transA, transB, m, n, k, 1, a, lda, bm, ldb, 0, c, n)
	}
	// The first call fills the pool of pack buffers; the allocation count
	// is for the steady state.
	run()
	b.ReportAllocs()
	for b.Loop() {
		run()
	}
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkGatherTaps2 gathers 64-wide panels of 5 taps over 32 channels
// from taps whose bases are one apart, so that neighbouring taps read the
// even and odd elements of the same span, and from taps two apart, which
// read the same elements as often but never interleave.
func BenchmarkGatherTaps2(b *testing.B) {
	const taps, chans, sc = 5, 32, 1024
	src := make([]float32, chans*sc)
	for i := range src {
		src[i] = float32(i)
	}
	masks := make([]uint64, taps)
	for i := range masks {
		masks[i] = ^uint64(0)
	}
	dst := make([]float32, taps*chans*64)
	for _, apart := range []int{1, 2} {
		bases := make([]int, taps)
		for i := range bases {
			bases[i] = apart * i
		}
		b.Run(fmt.Sprintf("apart=%d", apart), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				GatherTaps2(dst, 64, src, sc, 0, 0, bases, masks)
			}
		})
	}
}

// tapPanels serves the panels of an im2col tile whose tap t of channel c
// reads src[c·sc + offs[t] + j] for column j, through GatherTaps.
type tapPanels struct {
	src   []float32
	sc    int
	offs  []int
	bases []int
	masks []uint64
}

func (s *tapPanels) Panel(dst []float32, nr, p0, kb, j0, cols int) {
	for t, o := range s.offs {
		s.bases[t] = o + j0
	}
	taps := len(s.offs)
	GatherTaps(dst[:kb*nr], nr, s.src, s.sc, p0/taps, p0%taps, s.bases, s.masks)
}

// BenchmarkDirect compares Direct, with every kernel this machine runs,
// with SgemmFrom fed by GatherTaps ("panels", the product it replaces) on
// the forward product of a 3×3 convolution of 32 channels over rows of
// 100 samples: M output channels, 1024 positions, one panel of 64 columns
// per call of Direct, channels 10000 floats apart (100×100 images) or 4096
// (64×64, whose rows share cache sets). Run with -cpu 1.
func BenchmarkDirect(b *testing.B) {
	const cin, taps, n = 32, 9, 1024
	rng := rand.New(rand.NewPCG(1, 1))
	offs := []int{0, 1, 2, 100, 101, 102, 200, 201, 202}
	masks := make([]uint64, taps)
	for i := range masks {
		masks[i] = 1<<64 - 1
	}
	bases := make([]int, taps)
	impls := []string{"panels"}
	for _, kn := range directKernels {
		if kn.ok {
			impls = append(impls, kn.name)
		}
	}
	for _, sc := range []int{10000, 4096} {
		src := make([]float32, cin*sc)
		for i := range src {
			src[i] = 2*rng.Float32() - 1
		}
		for _, m := range []int{16, 32, 64} {
			a := make([]float32, m*cin*taps)
			for i := range a {
				a[i] = 2*rng.Float32() - 1
			}
			c := make([]float32, m*n)
			for _, impl := range impls {
				b.Run(fmt.Sprintf("impl=%s/sc=%d/m=%d", impl, sc, m), func(b *testing.B) {
					ps := &tapPanels{src: src, sc: sc, offs: offs, bases: bases, masks: masks}
					run := func() {
						if impl == "panels" {
							SgemmFrom(m, n, cin*taps, a, cin*taps, ps, 0, c, n)
							return
						}
						for j := 0; j < n; j += 64 {
							for t, o := range offs {
								bases[t] = o + j
							}
							Direct(m, cin, taps, a, cin*taps, src, sc, bases, masks, 64, 0, c[j:], n)
						}
					}
					for _, kn := range directKernels {
						if kn.name == impl {
							directForced = kn
						}
					}
					defer func() { directForced = nil }()
					run()
					b.ReportAllocs()
					for b.Loop() {
						run()
					}
					b.ReportMetric(2*float64(m)*float64(n)*float64(cin*taps)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}

// BenchmarkSgemmRuns measures SgemmRuns on the weight-gradient products of
// a 3×3 convolution with padding 1, 32 or 64 channels in and out, over a
// batch of eight images, 1024 positions of the output at a time (as the
// convolution engine multiplies them, so that the operands come from the
// outer caches as there), each tap's segments the rows of the output whose
// inputs lie inside the image, joined where they continue each other.
func BenchmarkSgemmRuns(b *testing.B) {
	for _, c := range []struct{ ch, h, w int }{{32, 100, 100}, {32, 56, 56}, {64, 56, 56}} {
		b.Run(fmt.Sprintf("conv3x3_%dch_%dx%d", c.ch, c.h, c.w), func(b *testing.B) {
			const span, batch = 1024, 8
			hw := c.h * c.w
			type block struct {
				p0, p1 int
				segs   []Segment
				lists  []int
			}
			var blocks []block
			flops := 0
			for p0 := 0; p0 < hw; p0 += span {
				bl := block{p0: p0, p1: min(hw, p0+span), lists: []int{0}}
				for dy := range 3 {
					for dx := range 3 {
						first := len(bl.segs)
						for p := p0; p < bl.p1; {
							y, x := p/c.w, p%c.w
							n := min(c.w-x, bl.p1-p)
							lo, hi := max(x, 1-dx), min(x+n, c.w+1-dx)
							if iy := y + dy - 1; iy >= 0 && iy < c.h && lo < hi {
								s := Segment{Pos: p - p0 + lo - x, N: hi - lo, Off: iy*c.w + lo + dx - 1}
								if l := len(bl.segs) - 1; l >= first && bl.segs[l].Pos+bl.segs[l].N == s.Pos && bl.segs[l].Off+bl.segs[l].N == s.Off {
									bl.segs[l].N += s.N
								} else {
									bl.segs = append(bl.segs, s)
								}
								flops += 2 * c.ch * c.ch * s.N
							}
							p += n
						}
						bl.lists = append(bl.lists, len(bl.segs))
					}
				}
				blocks = append(blocks, bl)
			}
			gy := make([]float32, batch*c.ch*hw)
			x := make([]float32, batch*c.ch*hw)
			gw := make([]float32, c.ch*c.ch*9)
			for i := range gy {
				gy[i] = 1
			}
			for i := range x {
				x[i] = 1
			}
			b.ResetTimer()
			for range b.N {
				for n := range batch {
					o := n * c.ch * hw
					for _, bl := range blocks {
						SgemmRuns(c.ch, c.ch, bl.p1-bl.p0, gy[o+bl.p0:], hw, x[o:], hw, bl.segs, bl.lists, gw, c.ch*9, 9, 1)
					}
				}
			}
			b.ReportMetric(float64(batch*flops)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
