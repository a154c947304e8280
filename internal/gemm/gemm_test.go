package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"
)

// variants returns the names of the kernels that can run here, with the
// generic blocks that the generic kernel of this build does not use.
func variants() []string {
	var names []string
	for _, kn := range slices.Concat(kernels, otherBlocks()) {
		if kn.ok {
			names = append(names, kn.name)
		}
	}
	return names
}

// selectKernel makes Sgemm use the named kernel, or choose one by the shape
// of the product for "auto", and returns the function that restores the
// previous choice.
func selectKernel(name string) (restore func()) {
	old := forced
	forced = nil
	for _, kn := range slices.Concat(kernels, genericBlocks) {
		if kn.name == name {
			forced = kn
		}
	}
	return func() { forced = old }
}

// sentinel is the NaN that fills every element outside the logical
// matrices; its payload tells it apart from a NaN that the kernel computed.
var sentinel = math.Float32frombits(0x7fc0dead)

// guard is the number of sentinels before and after every matrix.
const guard = 37

// problem is one product with its operands laid out in padded storage.
type problem struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	lda, ldb, ldc  int
	a, b, c        []float32 // storage with guard zones
	c0             []float32 // C on entry
	want, tol      []float64 // the reference C and its error bounds, once computed
}

// matrix returns storage for a rows×cols matrix with leading dimension ld,
// preceded and followed by guard sentinels, with every element outside the
// matrix a sentinel, and the slice that starts at its first element.
func matrix(rng *rand.Rand, rows, cols, ld int, fill func() float32) (store, m []float32) {
	size := 0
	if rows > 0 && cols > 0 {
		size = ld*(rows-1) + cols
	}
	store = make([]float32, 2*guard+size)
	for i := range store {
		store[i] = sentinel
	}
	m = store[guard : len(store)-guard]
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			m[i*ld+j] = fill()
		}
	}
	return store, m
}

func newProblem(rng *rand.Rand, transA, transB bool, m, n, k int, alpha, beta float32, pad int) *problem {
	p := &problem{transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta}
	uniform := func() float32 { return 2*rng.Float32() - 1 }
	rowsA, colsA := m, k
	if transA {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if transB {
		rowsB, colsB = n, k
	}
	p.lda = max(1, colsA) + pad
	p.ldb = max(1, colsB) + 2*pad
	p.ldc = n + 3*pad
	p.a, _ = matrix(rng, rowsA, colsA, p.lda, uniform)
	p.b, _ = matrix(rng, rowsB, colsB, p.ldb, uniform)
	fillC := uniform
	if beta == 0 {
		// beta = 0 must overwrite C, whatever it holds.
		fillC = func() float32 { return float32(math.NaN()) }
	}
	p.c, _ = matrix(rng, m, n, p.ldc, fillC)
	p.c0 = append([]float32(nil), p.c...)
	return p
}

// inner returns the slice that starts at the first element of a matrix.
func inner(store []float32) []float32 { return store[guard : len(store)-guard] }

// run resets C to its entry value and computes the product.
func (p *problem) run() {
	copy(p.c, p.c0)
	Sgemm(p.transA, p.transB, p.m, p.n, p.k, p.alpha, inner(p.a), p.lda, inner(p.b), p.ldb, p.beta, inner(p.c), p.ldc)
}

func (p *problem) String() string {
	return fmt.Sprintf("transA=%t transB=%t m=%d n=%d k=%d alpha=%g beta=%g lda=%d ldb=%d ldc=%d",
		p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.beta, p.lda, p.ldb, p.ldc)
}

func (p *problem) opA(i, l int) float64 {
	a := inner(p.a)
	if p.transA {
		return float64(a[l*p.lda+i])
	}
	return float64(a[i*p.lda+l])
}

func (p *problem) opB(l, j int) float64 {
	b := inner(p.b)
	if p.transB {
		return float64(b[j*p.ldb+l])
	}
	return float64(b[l*p.ldb+j])
}

// verify compares C with a float64 triple loop. The error of a float32 dot
// product of length k summed in any order is at most about k·u·Σ|a||b|
// with u = 2⁻²⁴; the scaling by alpha and beta adds a few roundings more.
// Every element outside C must still hold its sentinel.
func (p *problem) verify(t *testing.T) {
	t.Helper()
	if p.want == nil {
		p.reference()
	}
	c := inner(p.c)
	bad := 0
	for i := 0; i < p.m; i++ {
		for j := 0; j < p.n; j++ {
			want, tol := p.want[i*p.n+j], p.tol[i*p.n+j]
			got := float64(c[i*p.ldc+j])
			if !(math.Abs(got-want) <= tol) {
				if bad++; bad <= 5 {
					t.Errorf("%v: C[%d][%d] = %g, want %g ± %g", p, i, j, got, want, tol)
				}
			}
		}
	}
	for i, v := range p.c {
		inside := i >= guard && i < len(p.c)-guard
		if inside {
			r, col := (i-guard)/p.ldc, (i-guard)%p.ldc
			inside = r < p.m && col < p.n
		}
		if !inside && math.Float32bits(v) != math.Float32bits(sentinel) {
			if bad++; bad <= 5 {
				t.Errorf("%v: element %d outside C was written: %g", p, i-guard, v)
			}
		}
	}
	if bad > 5 {
		t.Errorf("%v: %d bad elements in all", p, bad)
	}
}

// reference computes the product in float64 with its error bounds, once
// for all the kernels that verify it.
func (p *problem) reference() {
	const u = 1.0 / (1 << 24)
	c0 := inner(p.c0)
	p.want = make([]float64, p.m*p.n)
	p.tol = make([]float64, p.m*p.n)
	for i := 0; i < p.m; i++ {
		for j := 0; j < p.n; j++ {
			var sum, mag float64
			for l := 0; l < p.k; l++ {
				x := p.opA(i, l) * p.opB(l, j)
				sum += x
				mag += math.Abs(x)
			}
			want := float64(p.alpha) * sum
			tol := float64(p.k+2) * u * math.Abs(float64(p.alpha)) * mag
			if p.beta != 0 {
				old := float64(c0[i*p.ldc+j])
				want += float64(p.beta) * old
				tol += 2 * u * math.Abs(float64(p.beta)*old)
			}
			p.want[i*p.n+j] = want
			p.tol[i*p.n+j] = tol + 2*u*math.Abs(want)
		}
	}
}

var scalars = []struct{ alpha, beta float32 }{
	{1, 0}, {1, 1}, {-0.5, 0}, {2.5, -1.5}, {1, 0.25}, {0, 0}, {0, -2}, {0.75, 1},
}

func TestSgemmSmall(t *testing.T) {
	sizes := []int{1, 2, 3, 7, 15, 16, 17, 63, 64, 65}
	if testing.Short() || raceEnabled {
		// The race detector slows the reference loops tenfold and has
		// nothing to find in a single goroutine.
		sizes = []int{1, 2, 3, 7, 15, 16, 17, 65}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var ps []*problem
	for _, m := range sizes {
		for _, n := range sizes {
			for _, k := range sizes {
				for tr := 0; tr < 4; tr++ {
					s := scalars[rng.IntN(len(scalars))]
					ps = append(ps, newProblem(rng, tr&1 != 0, tr&2 != 0, m, n, k, s.alpha, s.beta, rng.IntN(3)))
				}
			}
		}
	}
	runAll(t, ps)
}

// runAll runs and verifies every problem with every kernel this machine
// supports.
func runAll(t *testing.T, ps []*problem) {
	for _, v := range variants() {
		t.Run("kernel="+v, func(t *testing.T) {
			defer selectKernel(v)()
			for _, p := range ps {
				p.run()
				p.verify(t)
			}
		})
	}
}

func TestSgemmLarge(t *testing.T) {
	type dims struct{ m, n, k int }
	cases := []dims{
		{130, 17, 300}, {7, 300, 130}, {300, 130, 7}, {65, 300, 300}, {300, 65, 64},
		{130, 130, 130}, {1, 300, 300}, {300, 1, 300}, {300, 300, 1},
		// Across the block boundaries: more than one kc, mc and nc block.
		{2*mcMax + 5, 33, kcMax + 1}, {mcMax, 2*16 + 3, 3*kcMax - 1},
		{5, ncMax + 16 + 3, 40}, {mcMax + 1, 47, 2 * kcMax},
		{32, 1000, 288},
	}
	if testing.Short() || raceEnabled {
		cases = cases[:6]
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var ps []*problem
	for _, d := range cases {
		for tr := 0; tr < 4; tr++ {
			s := scalars[rng.IntN(len(scalars))]
			ps = append(ps, newProblem(rng, tr&1 != 0, tr&2 != 0, d.m, d.n, d.k, s.alpha, s.beta, rng.IntN(4)))
		}
	}
	runAll(t, ps)
}

func TestSgemmEmpty(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, beta := range []float32{0, 1, -2} {
		// k = 0 scales C by beta and reads neither A nor B.
		p := newProblem(rng, false, false, 3, 4, 0, 1, beta, 2)
		p.run()
		p.verify(t)
		// m or n = 0 leaves everything alone.
		for _, d := range [][2]int{{0, 5}, {5, 0}} {
			c := []float32{sentinel}
			Sgemm(false, false, d[0], d[1], 3, 1, make([]float32, 15), 3, make([]float32, 15), 5, beta, c, 1)
			if math.Float32bits(c[0]) != math.Float32bits(sentinel) {
				t.Errorf("m=%d n=%d beta=%g: C was written", d[0], d[1], beta)
			}
		}
	}
}

// TestSgemmDeterministic checks that repeated calls give identical bits, and
// that an element of C does not depend on the shape of the product around
// it, so callers may tile a product as they like, including when the kernel
// is chosen by the shape ("auto").
func TestSgemmDeterministic(t *testing.T) {
	for _, v := range append(variants(), "auto") {
		t.Run("kernel="+v, func(t *testing.T) {
			defer selectKernel(v)()
			rng := rand.New(rand.NewPCG(7, 8))
			const m, n, k = 77, 301, 600
			p := newProblem(rng, false, false, m, n, k, 1.5, 0.5, 3)
			c0 := append([]float32(nil), p.c...)
			p.run()
			first := append([]float32(nil), p.c...)
			for rep := 0; rep < 3; rep++ {
				copy(p.c, c0)
				p.run()
				for i := range first {
					if math.Float32bits(p.c[i]) != math.Float32bits(first[i]) {
						t.Fatalf("call %d: element %d is %g, first call gave %g", rep+2, i, p.c[i], first[i])
					}
				}
			}
			// The same product computed in column strips, then in row strips.
			a, b, c := inner(p.a), inner(p.b), inner(p.c)
			strips := map[string]func(){
				"columns": func() {
					for j := 0; j < n; j += 50 {
						w := min(50, n-j)
						Sgemm(false, false, m, w, k, p.alpha, a, p.lda, b[j:], p.ldb, p.beta, c[j:], p.ldc)
					}
				},
				"rows": func() {
					for i := 0; i < m; i += 5 {
						h := min(5, m-i)
						Sgemm(false, false, h, n, k, p.alpha, a[i*p.lda:], p.lda, b, p.ldb, p.beta, c[i*p.ldc:], p.ldc)
					}
				},
			}
			for name, run := range strips {
				copy(p.c, c0)
				run()
				for i := range first {
					if math.Float32bits(p.c[i]) != math.Float32bits(first[i]) {
						t.Fatalf("%s: element %d is %g, whole product gave %g", name, i, p.c[i], first[i])
					}
				}
			}
		})
	}
}

// TestSgemmConcurrent runs products on several goroutines at once, as the
// engine does, and checks that each gets the bits of a lone call.
func TestSgemmConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	const workers = 4
	ps := make([]*problem, workers)
	want := make([][]float32, workers)
	for w := range ps {
		ps[w] = newProblem(rng, w&1 != 0, w&2 != 0, 20+w, 70+9*w, 100+33*w, 1, 0.5, 1)
		c0 := append([]float32(nil), ps[w].c...)
		ps[w].run()
		want[w] = ps[w].c
		ps[w].c = c0
	}
	var wg sync.WaitGroup
	for w, p := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c0 := append([]float32(nil), p.c...)
			for rep := 0; rep < 10; rep++ {
				copy(p.c, c0)
				p.run()
				for i := range p.c {
					if math.Float32bits(p.c[i]) != math.Float32bits(want[w][i]) {
						t.Errorf("%v: element %d is %g on a busy pool, %g alone", p, i, p.c[i], want[w][i])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

func TestSgemmAllocs(t *testing.T) {
	for _, v := range variants() {
		t.Run("kernel="+v, func(t *testing.T) {
			defer selectKernel(v)()
			rng := rand.New(rand.NewPCG(9, 10))
			for _, tr := range []int{0, 3} {
				p := newProblem(rng, tr&1 != 0, tr&2 != 0, 37, 290, 300, 1, 1, 1)
				a, b, c := inner(p.a), inner(p.b), inner(p.c)
				allocs := testing.AllocsPerRun(20, func() {
					Sgemm(p.transA, p.transB, p.m, p.n, p.k, 1, a, p.lda, b, p.ldb, 0, c, p.ldc)
				})
				if allocs != 0 {
					t.Errorf("%v: %g allocations per call, want 0", p, allocs)
				}
			}
		})
	}
}

// counting is a BLAS implementation other than gonum's default that counts
// its Sgemm calls.
type counting struct {
	gonum.Implementation
	calls int
}

func (c *counting) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, cm []float32, ldc int) {
	c.calls++
	c.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, cm, ldc)
}

func TestSgemmRoutesToUse(t *testing.T) {
	impl := &counting{}
	blas32.Use(impl)
	defer blas32.Use(gonum.Implementation{})
	rng := rand.New(rand.NewPCG(11, 12))
	for tr := 0; tr < 4; tr++ {
		p := newProblem(rng, tr&1 != 0, tr&2 != 0, 9, 20, 31, 1.5, 0.5, 1)
		p.run()
		p.verify(t)
	}
	if impl.calls != 4 {
		t.Errorf("the implementation passed to blas32.Use ran %d times, want 4", impl.calls)
	}
	blas32.Use(gonum.Implementation{})
	p := newProblem(rng, false, false, 9, 20, 31, 1, 0, 1)
	p.run()
	p.verify(t)
	if impl.calls != 4 {
		t.Errorf("the implementation ran after gonum's default was restored")
	}
}

func TestSgemmPanics(t *testing.T) {
	buf := make([]float32, 100)
	for _, tc := range []struct {
		name string
		call func()
	}{
		{"lda", func() { Sgemm(false, false, 3, 3, 3, 1, buf, 2, buf, 3, 0, buf, 3) }},
		{"ldb", func() { Sgemm(false, true, 3, 4, 3, 1, buf, 3, buf, 2, 0, buf, 4) }},
		{"ldc", func() { Sgemm(false, false, 3, 4, 3, 1, buf, 3, buf, 4, 0, buf, 3) }},
		{"len a", func() { Sgemm(true, false, 3, 3, 40, 1, buf, 3, buf, 3, 0, buf, 3) }},
		{"len b", func() { Sgemm(false, false, 3, 3, 40, 1, buf, 40, buf, 3, 0, buf, 3) }},
		{"len c", func() { Sgemm(false, false, 30, 3, 3, 1, buf, 3, buf, 3, 0, buf, 4) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.call()
		}()
	}
}

// TestKernelsAgree runs every kernel this machine supports on the same
// products, with edges in every dimension of a tile (1 to 17 rows, and m
// around 16, 32 and 64), both transposes, k from 1 to past kcMax and all the
// scalars, and compares each with the generic kernel. The fused kernels
// must agree bit for bit, since the driver may choose among them by the
// shape of the product, and an unfused one must give the bits of an
// unfused generic kernel.
func TestKernelsAgree(t *testing.T) {
	ms := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17, 31, 33, 64, 65}
	ns := []int{1, 5, 12, 16, 17, 31, 40, 80, 100}
	ks := []int{1, 2, 5, 64, kcMax + 3}
	if testing.Short() || raceEnabled {
		ms, ns, ks = []int{1, 5, 12, 16, 17, 33}, []int{1, 17, 40}, []int{1, 5, kcMax + 3}
	}
	rng := rand.New(rand.NewPCG(15, 16))
	for _, m := range ms {
		for _, n := range ns {
			for _, k := range ks {
				tr := rng.IntN(4)
				s := scalars[rng.IntN(len(scalars))]
				if s.alpha == 0 {
					s.alpha = 1
				}
				p := newProblem(rng, tr&1 != 0, tr&2 != 0, m, n, k, s.alpha, s.beta, rng.IntN(3))
				c0 := append([]float32(nil), p.c...)
				results := map[string][]float32{}
				for _, v := range variants() {
					restore := selectKernel(v)
					copy(p.c, c0)
					p.run()
					restore()
					p.verify(t)
					results[v] = append([]float32(nil), p.c...)
				}
				for _, kn := range otherBlocks() {
					if d := maxDiff(results[kn.name], results["generic"]); d != 0 {
						t.Errorf("%v: generic block %s differs from the generic kernel by %g", p, kn.name, d)
					}
				}
				var fused []float32
				for _, kn := range kernels {
					if !kn.ok || kn == generic {
						continue
					}
					got := results[kn.name]
					if d := maxDiff(got, results["generic"]); !(d <= tolerance(p)) {
						t.Errorf("%v: kernel %s differs from the generic one by %g", p, kn.name, d)
					}
					if !kn.fused {
						if d := maxDiff(got, results["generic"]); d != 0 && genericUnfused() {
							t.Errorf("%v: unfused kernel %s differs from the unfused generic one by %g", p, kn.name, d)
						}
						continue
					}
					if fused == nil {
						fused = got
						continue
					}
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(fused[i]) {
							t.Errorf("%v: kernel %s gives %g at %d, another fused kernel %g", p, kn.name, got[i], i-guard, fused[i])
							break
						}
					}
				}
			}
		}
	}
}

// genericUnfused reports whether the generic kernel of this build rounds
// every product and every sum (its 2×3 block, on amd64 below v3), as an
// unfused assembly kernel does: then the two must agree bit for bit.
func genericUnfused() bool {
	return reflect.ValueOf(generic.tile).Pointer() == reflect.ValueOf(kernelGeneric2x3).Pointer()
}

// TestKernelRegistry checks what the driver assumes of the kernels: an
// unmasked kernel's tile fits edgeTile's copy, and a kernel chosen by the
// shape of the product shares its bits with the kernel chosen otherwise, so
// that the choice does not show in C.
func TestKernelRegistry(t *testing.T) {
	if kernels[len(kernels)-1] != generic {
		t.Errorf("the generic kernel is not the last resort")
	}
	for i, kn := range kernels {
		if !kn.masked && kn.mr*kn.nr > maxTile {
			t.Errorf("kernel %s: %d×%d tile exceeds maxTile = %d", kn.name, kn.mr, kn.nr, maxTile)
		}
		if kn.nr > MaxPanel {
			t.Errorf("kernel %s: panels %d wide, more than MaxPanel = %d", kn.name, kn.nr, MaxPanel)
		}
		if !kn.ok || kn.suits == nil {
			continue
		}
		next := generic
		for _, nk := range kernels[i+1:] {
			if nk.ok {
				next = nk
				break
			}
		}
		if !kn.fused || !next.fused {
			t.Errorf("kernel %s is chosen by shape over %s, but they do not round alike", kn.name, next.name)
		}
	}
}

// maxDiff returns the largest difference between corresponding elements of
// x and y, NaN if either holds NaN where the other does not.
func maxDiff(x, y []float32) float64 {
	var d float64
	for i := range x {
		if math.Float32bits(x[i]) == math.Float32bits(y[i]) {
			continue
		}
		d = math.Max(d, math.Abs(float64(x[i])-float64(y[i])))
		if math.IsNaN(float64(x[i])) || math.IsNaN(float64(y[i])) {
			return math.NaN()
		}
	}
	return d
}

// tolerance bounds the difference between two results of p that each
// satisfy verify: twice the largest of its error bounds, taken with every
// element of A, B and C at most 1 in magnitude.
func tolerance(p *problem) float64 {
	const u = 1.0 / (1 << 24)
	want := math.Abs(float64(p.alpha))*float64(p.k) + math.Abs(float64(p.beta))
	return 2 * (float64(p.k+2)*u*math.Abs(float64(p.alpha))*float64(p.k) + 2*u*math.Abs(float64(p.beta)) + 2*u*want)
}
