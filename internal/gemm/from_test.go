package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
)

// matrixSource serves the panels of a row-major k×n matrix and fills the
// columns past the wanted ones with NaN before zeroing them, so a kernel
// that read a panel it was not given would show it.
type matrixSource struct {
	b     []float32
	ldb   int
	calls int
}

func (s *matrixSource) Panel(dst []float32, nr, p0, kb, j0, cols int) {
	s.calls++
	for p := 0; p < kb; p++ {
		row := dst[p*nr : (p+1)*nr]
		for j := range row {
			row[j] = float32(math.NaN())
		}
		copy(row, s.b[(p0+p)*s.ldb+j0:(p0+p)*s.ldb+j0+cols])
		clear(row[cols:])
	}
}

func TestSgemmFromMatchesSgemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	dims := []int{1, 2, 3, 4, 5, 7, 15, 16, 17, 33, 63, 64, 65, 97, 129, 150, 257, 300}
	for _, name := range append(variants(), "auto") {
		restore := selectKernel(name)
		for trial := 0; trial < 60; trial++ {
			m := dims[rng.IntN(len(dims))]
			n := dims[rng.IntN(len(dims))]
			k := dims[rng.IntN(len(dims))]
			lda, ldb, ldc := k+rng.IntN(3), n+rng.IntN(3), n+rng.IntN(3)
			a := randSlice(rng, m*lda)
			b := randSlice(rng, k*ldb)
			c0 := randSlice(rng, m*ldc)
			for _, beta := range []float32{0, 1, 0.5} {
				want := append([]float32(nil), c0...)
				got := append([]float32(nil), c0...)
				Sgemm(false, false, m, n, k, 1, a, lda, b, ldb, beta, want, ldc)
				src := &matrixSource{b: b, ldb: ldb}
				if !SgemmFrom(m, n, k, a, lda, src, beta, got, ldc) {
					t.Fatal("SgemmFrom declined with the default implementation")
				}
				for i := range want {
					if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
						t.Fatalf("kernel %s, %dx%dx%d beta %v: C[%d] = %v, Sgemm gives %v", name, m, n, k, beta, i, got[i], want[i])
					}
				}
				if src.calls == 0 {
					t.Fatalf("kernel %s, %dx%dx%d: source never asked", name, m, n, k)
				}
			}
		}
		restore()
	}
}

// TestSgemmFromPackedMatchesSgemmFrom runs series of products with one A
// and op(B) of varying widths, so that the kernel, and with it the layout
// of the packed A, changes within a series when no kernel is forced, each
// through SgemmFromPacked or SgemmPacked, which share the packed A, and
// compares each with SgemmFrom bit for bit.
func TestSgemmFromPackedMatchesSgemmFrom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	dims := []int{1, 2, 3, 4, 5, 7, 15, 16, 17, 33, 63, 64, 65, 97, 129, 150, 257, 300}
	for _, name := range append(variants(), "auto") {
		restore := selectKernel(name)
		for trial := 0; trial < 30; trial++ {
			m := dims[rng.IntN(len(dims))]
			k := dims[rng.IntN(len(dims))]
			lda := k + rng.IntN(3)
			a := randSlice(rng, m*lda)
			pa := NewPackedA(make([]float32, PackedSize(m, k)))
			for prod := 0; prod < 4; prod++ {
				n := dims[rng.IntN(len(dims))]
				ldb, ldc := n+rng.IntN(3), n+rng.IntN(3)
				b := randSlice(rng, k*ldb)
				c0 := randSlice(rng, m*ldc)
				beta := []float32{0, 1, 0.5}[prod%3]
				want := append([]float32(nil), c0...)
				got := append([]float32(nil), c0...)
				SgemmFrom(m, n, k, a, lda, &matrixSource{b: b, ldb: ldb}, beta, want, ldc)
				if rng.IntN(2) == 0 {
					SgemmPacked(false, m, n, k, 1, a, lda, &pa, b, ldb, beta, got, ldc)
				} else if !SgemmFromPacked(m, n, k, a, lda, &pa, &matrixSource{b: b, ldb: ldb}, beta, got, ldc) {
					t.Fatal("SgemmFromPacked declined with the default implementation")
				}
				for i := range want {
					if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
						t.Fatalf("kernel %s, %dx%dx%d, product %d: C[%d] = %v, SgemmFrom gives %v", name, m, n, k, prod, i, got[i], want[i])
					}
				}
				if pa.mr != pick(m, n).mr {
					t.Fatalf("kernel %s, %dx%dx%d: A is held for %d-row panels, the kernel has %d", name, m, n, k, pa.mr, pick(m, n).mr)
				}
			}
		}
		restore()
	}
}

// TestPackedAReuse checks that SgemmFromPacked packs A once: products
// after A changes still use the A packed first, until Reset. With a buffer
// too small for A it packs A for each product instead.
func TestPackedAReuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	const m, n, k = 20, 70, 150
	a := randSlice(rng, m*k)
	b := randSlice(rng, k*n)
	product := func(pa *PackedA, a []float32) []float32 {
		c := make([]float32, m*n)
		SgemmFromPacked(m, n, k, a, k, pa, &matrixSource{b: b, ldb: n}, 0, c, n)
		return c
	}
	plain := func(a []float32) []float32 {
		c := make([]float32, m*n)
		SgemmFrom(m, n, k, a, k, &matrixSource{b: b, ldb: n}, 0, c, n)
		return c
	}
	equal := func(x, y []float32) bool {
		for i := range x {
			if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
				return false
			}
		}
		return true
	}
	first := plain(a)
	pa := NewPackedA(make([]float32, PackedSize(m, k)))
	if !equal(product(&pa, a), first) {
		t.Fatal("first product differs from SgemmFrom")
	}
	a2 := append([]float32(nil), a...)
	for i := range a2 {
		a2[i] *= 2
	}
	if !equal(product(&pa, a2), first) {
		t.Fatal("a product before Reset packed A again")
	}
	pa.Reset()
	if !equal(product(&pa, a2), plain(a2)) {
		t.Fatal("a product after Reset kept the old A")
	}
	small := NewPackedA(make([]float32, PackedSize(m, k)/2))
	if !equal(product(&small, a), first) || !equal(product(&small, a2), plain(a2)) || small.mr != 0 {
		t.Fatal("with a small buffer, the products differ from SgemmFrom's or A is held")
	}
}

// TestSgemmPackedMatchesSgemm compares SgemmPacked with Sgemm bit for bit
// on random shapes, op(B) transposed or not, and several alpha and beta,
// every product of a series reusing the packed A.
func TestSgemmPackedMatchesSgemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	dims := []int{1, 2, 3, 5, 7, 16, 17, 33, 64, 65, 97, 150, 300, 2100}
	for _, name := range append(variants(), "auto") {
		restore := selectKernel(name)
		for trial := 0; trial < 20; trial++ {
			m := dims[rng.IntN(len(dims)-1)]
			k := dims[rng.IntN(len(dims)-1)]
			lda := k + rng.IntN(3)
			a := randSlice(rng, m*lda)
			pa := NewPackedA(make([]float32, PackedSize(m, k)))
			for prod := 0; prod < 3; prod++ {
				n := dims[rng.IntN(len(dims))]
				transB := rng.IntN(2) == 0
				ldb := n + rng.IntN(3)
				rowsB := k
				if transB {
					ldb, rowsB = k+rng.IntN(3), n
				}
				b := randSlice(rng, rowsB*ldb)
				ldc := n + rng.IntN(3)
				c0 := randSlice(rng, m*ldc)
				alpha, beta := []float32{1, 0.5, -2}[prod], []float32{0, 1, 0.5}[rng.IntN(3)]
				want := append([]float32(nil), c0...)
				got := append([]float32(nil), c0...)
				Sgemm(false, transB, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
				SgemmPacked(transB, m, n, k, alpha, a, lda, &pa, b, ldb, beta, got, ldc)
				for i := range want {
					if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
						t.Fatalf("kernel %s, %dx%dx%d transB %v: C[%d] = %v, Sgemm gives %v", name, m, n, k, transB, i, got[i], want[i])
					}
				}
			}
		}
		restore()
	}
}

// TestSgemmPackedRoutesToUse checks that SgemmPacked hands the product to
// an installed implementation and leaves the packed A alone.
func TestSgemmPackedRoutesToUse(t *testing.T) {
	old := blas32.Implementation()
	impl := &counting{}
	blas32.Use(impl)
	defer blas32.Use(old)
	pa := NewPackedA(make([]float32, PackedSize(2, 2)))
	c := make([]float32, 4)
	SgemmPacked(false, 2, 2, 2, 1, []float32{1, 2, 3, 4}, 2, &pa, []float32{1, 0, 0, 1}, 2, 0, c, 2)
	if impl.calls != 1 || pa.mr != 0 {
		t.Fatalf("%d calls of the installed Sgemm, A held for %d-row panels; want 1 and none", impl.calls, pa.mr)
	}
}

func TestSgemmFromPackedDeclinesAfterUse(t *testing.T) {
	old := blas32.Implementation()
	blas32.Use(&counting{})
	defer blas32.Use(old)
	src := &matrixSource{b: make([]float32, 4), ldb: 2}
	c := make([]float32, 4)
	pa := NewPackedA(make([]float32, PackedSize(2, 2)))
	if SgemmFromPacked(2, 2, 2, make([]float32, 4), 2, &pa, src, 0, c, 2) || src.calls != 0 || pa.mr != 0 {
		t.Fatal("SgemmFromPacked ran with another implementation installed")
	}
}

func ExampleSgemmFromPacked() {
	// A is packed by the first product and reused by the second.
	a := []float32{1, 2, 3, 4}
	pa := NewPackedA(make([]float32, PackedSize(2, 2)))
	for _, v := range []float32{1, 2} {
		b := &matrixSource{b: []float32{v, v, v, v, v, v}, ldb: 3}
		c := make([]float32, 6)
		SgemmFromPacked(2, 3, 2, a, 2, &pa, b, 0, c, 3)
		fmt.Println(c)
	}
	// Output:
	// [3 3 3 7 7 7]
	// [6 6 6 14 14 14]
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

func TestSgemmFromDeclinesAfterUse(t *testing.T) {
	old := blas32.Implementation()
	blas32.Use(&counting{})
	defer blas32.Use(old)
	src := &matrixSource{b: make([]float32, 4), ldb: 2}
	c := make([]float32, 4)
	if SgemmFrom(2, 2, 2, make([]float32, 4), 2, src, 0, c, 2) || src.calls != 0 {
		t.Fatal("SgemmFrom ran with another implementation installed")
	}
}

func ExampleSgemmFrom() {
	// op(B) is the 2×3 matrix of ones, served panel by panel.
	ones := &matrixSource{b: []float32{1, 1, 1, 1, 1, 1}, ldb: 3}
	a := []float32{1, 2, 3, 4}
	c := make([]float32, 6)
	SgemmFrom(2, 3, 2, a, 2, ones, 0, c, 3)
	fmt.Println(c)
	// Output: [3 3 3 7 7 7]
}

func TestGatherTaps(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const sc, chans = 150, 6
	src := randSlice(rng, sc*chans)
	for _, nr := range []int{12, 64} {
		for trial := 0; trial < 100; trial++ {
			taps := 1 + rng.IntN(9)
			bases := make([]int, taps)
			masks := make([]uint64, taps)
			for i := range bases {
				bases[i] = rng.IntN(sc-nr) - 2
				masks[i] = rng.Uint64() & (1<<nr - 1)
				if bases[i] < 0 {
					masks[i] &^= 1<<-bases[i] - 1
				}
				if i%3 == 2 {
					masks[i] = 0
				}
			}
			t0 := rng.IntN(taps)
			c0 := rng.IntN(2)
			kb := 1 + rng.IntN((chans-c0-1)*taps)
			dst := make([]float32, kb*nr)
			for i := range dst {
				dst[i] = float32(math.NaN())
			}
			GatherTaps(dst, nr, src, sc, c0, t0, bases, masks)
			c, tp := c0, t0
			for p := 0; p < kb; p++ {
				m := masks[tp]
				for j := 0; j < nr; j++ {
					got := dst[p*nr+j]
					switch {
					case m == 0:
						if !math.IsNaN(float64(got)) {
							t.Fatalf("nr %d: row %d of an empty mask written", nr, p)
						}
					case m>>j&1 != 0 && got != src[c*sc+bases[tp]+j], m>>j&1 == 0 && math.Float32bits(got) != 0:
						t.Fatalf("nr %d: dst[%d][%d] = %v", nr, p, j, got)
					}
				}
				if tp++; tp == taps {
					tp, c = 0, c+1
				}
			}
		}
	}
}

// rowsSource serves the panels of op(B) = Bᵀ for a row-major n×k matrix B
// with PackRows, its rows read where they lie, after filling the panel
// with NaN.
type rowsSource struct {
	b    []float32
	ldb  int
	rows [][]float32
}

func (s *rowsSource) Panel(dst []float32, nr, p0, kb, j0, cols int) {
	dst = dst[:kb*nr]
	for i := range dst {
		dst[i] = float32(math.NaN())
	}
	s.rows = s.rows[:0]
	for j := j0; j < j0+cols; j++ {
		s.rows = append(s.rows, s.b[j*s.ldb+p0:j*s.ldb+p0+kb])
	}
	PackRows(dst, nr, s.rows)
}

// TestPackRowsMatchesSgemm checks that SgemmFrom with panels packed by
// PackRows gives the bits of Sgemm with op(B) transposed, for every
// kernel and for depths and widths that leave partial groups of eight.
func TestPackRowsMatchesSgemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	dims := []int{1, 3, 7, 8, 9, 16, 17, 31, 64, 65, 100, 129, 257, 300}
	for _, name := range append(variants(), "auto") {
		restore := selectKernel(name)
		for trial := 0; trial < 40; trial++ {
			m := dims[rng.IntN(len(dims))]
			n := dims[rng.IntN(len(dims))]
			k := dims[rng.IntN(len(dims))]
			lda, ldb, ldc := k+rng.IntN(3), k+rng.IntN(3), n+rng.IntN(3)
			a := randSlice(rng, m*lda)
			b := randSlice(rng, n*ldb)
			c0 := randSlice(rng, m*ldc)
			want := append([]float32(nil), c0...)
			got := append([]float32(nil), c0...)
			Sgemm(false, true, m, n, k, 1, a, lda, b, ldb, 1, want, ldc)
			SgemmFrom(m, n, k, a, lda, &rowsSource{b: b, ldb: ldb}, 1, got, ldc)
			for i := range want {
				if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
					t.Fatalf("kernel %s, %dx%dx%d: C[%d] = %v, Sgemm gives %v", name, m, n, k, i, got[i], want[i])
				}
			}
		}
		restore()
	}
}

func TestPackRowsPanics(t *testing.T) {
	dst := make([]float32, 4*16)
	short := [][]float32{make([]float32, 3)}
	wide := make([][]float32, 17)
	for i := range wide {
		wide[i] = make([]float32, 4)
	}
	for name, f := range map[string]func(){
		"short row":     func() { PackRows(dst, 16, short) },
		"too many rows": func() { PackRows(dst, 16, wide) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func ExampleSgemmPacked() {
	// A is packed by the first product; after Reset the second packs
	// its new values.
	a := []float32{1, 2, 3, 4}
	b := []float32{1, 1, 1, 1, 1, 1}
	pa := NewPackedA(make([]float32, PackedSize(2, 2)))
	c := make([]float32, 6)
	SgemmPacked(false, 2, 3, 2, 1, a, 2, &pa, b, 3, 0, c, 3)
	fmt.Println(c)
	a[0] = 10
	pa.Reset()
	SgemmPacked(false, 2, 3, 2, 1, a, 2, &pa, b, 3, 0, c, 3)
	fmt.Println(c)
	// Output:
	// [3 3 3 7 7 7]
	// [12 12 12 7 7 7]
}
