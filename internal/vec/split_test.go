package vec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSplit2 compares Split2 at every level with the generic version for
// every length and alignment: the halves, surrounded by sentinels, must
// hold the even and odd elements, and the sentinels stay as they are.
func TestSplit2(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		for _, n := range lengths {
			for _, off := range []int{0, 3} {
				rng := rand.New(rand.NewPCG(uint64(n), uint64(off)))
				_, src := buffer(rng, off, n, 1)
				ebuf, even := buffer(rng, 1, (n+1)/2, 1)
				obuf, odd := buffer(rng, 2, n/2, 1)
				we, wo := append([]float32(nil), ebuf...), append([]float32(nil), obuf...)
				split2Generic(we[guard+1:guard+1+len(even)], wo[guard+2:guard+2+len(odd)], src)
				for i := range even {
					if we[guard+1+i] != src[2*i] {
						t.Fatalf("n=%d: the generic version puts %v at even %d, want %v", n, we[guard+1+i], i, src[2*i])
					}
				}
				for i := range odd {
					if wo[guard+2+i] != src[2*i+1] {
						t.Fatalf("n=%d: the generic version puts %v at odd %d, want %v", n, wo[guard+2+i], i, src[2*i+1])
					}
				}
				Split2(even, odd, src)
				if i := same(ebuf, we); i >= 0 {
					t.Fatalf("n=%d off=%d: even element %d is %v, want %v", n, off, i-guard-1, ebuf[i], we[i])
				}
				if i := same(obuf, wo); i >= 0 {
					t.Fatalf("n=%d off=%d: odd element %d is %v, want %v", n, off, i-guard-2, obuf[i], wo[i])
				}
			}
		}
	})
}

// TestSplit2Lengths checks that Split2 rejects halves of the wrong
// lengths.
func TestSplit2Lengths(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Split2 accepted halves of 2 and 2 elements for 5")
		}
	}()
	Split2(make([]float32, 2), make([]float32, 2), make([]float32, 5))
}

// TestSplit3 compares Split3 at every level with the generic version for
// every length and alignment: the phases, surrounded by sentinels, must
// hold the elements 3i, 3i+1 and 3i+2, and the sentinels stay as they are.
func TestSplit3(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		for _, n := range lengths {
			for _, off := range []int{0, 3} {
				rng := rand.New(rand.NewPCG(uint64(n), uint64(off)))
				_, src := buffer(rng, off, n, 1)
				var bufs, want [3][]float32
				var ds [3][]float32
				for p := range 3 {
					bufs[p], ds[p] = buffer(rng, p+1, (n+2-p)/3, 1)
					want[p] = append([]float32(nil), bufs[p]...)
				}
				split3Generic(want[0][guard+1:guard+1+len(ds[0])], want[1][guard+2:guard+2+len(ds[1])], want[2][guard+3:guard+3+len(ds[2])], src)
				for p := range 3 {
					for i := range ds[p] {
						if got := want[p][guard+p+1+i]; got != src[3*i+p] {
							t.Fatalf("n=%d: the generic version puts %v at phase %d element %d, want %v", n, got, p, i, src[3*i+p])
						}
					}
				}
				Split3(ds[0], ds[1], ds[2], src)
				for p := range 3 {
					if i := same(bufs[p], want[p]); i >= 0 {
						t.Fatalf("n=%d off=%d: phase %d element %d is %v, want %v", n, off, p, i-guard-p-1, bufs[p][i], want[p][i])
					}
				}
			}
		}
	})
}

// specials puts values whose sums with a bias show any difference in bits
// into s: negative zero and NaNs with payloads of both signs.
func specials(s []float32) {
	vals := []float32{float32(math.Copysign(0, -1)), math.Float32frombits(0x7fc01234), math.Float32frombits(0xffa05678), float32(math.Inf(-1))}
	for i := 0; i < len(s); i += 7 {
		s[i] = vals[i/7%len(vals)]
	}
}

// TestInterleave compares Interleave2 and Interleave3 at every level with
// the generic versions for every length and alignment and a few biases,
// special values among the elements: dst, surrounded by sentinels, must
// hold src[p][i] + b at f·i + p, bit for bit, and the sentinels stay as
// they are.
func TestInterleave(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		for _, f := range []int{2, 3} {
			for _, n := range lengths {
				for _, off := range []int{0, 3} {
					for _, b := range []float32{0, float32(math.Copysign(0, -1)), 0.375, float32(math.NaN())} {
						rng := rand.New(rand.NewPCG(uint64(n), uint64(off)))
						srcs := make([][]float32, f)
						for p := range srcs {
							_, srcs[p] = buffer(rng, p, (n+f-1-p)/f, 1)
							specials(srcs[p])
						}
						buf, dst := buffer(rng, off, n, 1)
						want := append([]float32(nil), buf...)
						w := want[guard+off : guard+off+n]
						if f == 2 {
							interleave2Generic(w, srcs[0], srcs[1], b)
							Interleave2(dst, srcs[0], srcs[1], b)
						} else {
							interleave3Generic(w, srcs[0], srcs[1], srcs[2], b)
							Interleave3(dst, srcs[0], srcs[1], srcs[2], b)
						}
						for i := range w {
							if e := srcs[i%f][i/f] + b; math.Float32bits(w[i]) != math.Float32bits(e) {
								t.Fatalf("f=%d n=%d: the generic version puts %v at %d, want %v", f, n, w[i], i, e)
							}
						}
						if i := same(buf, want); i >= 0 {
							t.Fatalf("f=%d n=%d off=%d b=%v: element %d is %x, want %x", f, n, off, b, i-guard-off, math.Float32bits(buf[i]), math.Float32bits(want[i]))
						}
					}
				}
			}
		}
	})
}

// TestSplitLengths checks that Split3, Interleave2 and Interleave3 reject
// parts of the wrong lengths.
func TestSplitLengths(t *testing.T) {
	for name, f := range map[string]func(){
		"Split3":      func() { Split3(make([]float32, 2), make([]float32, 2), make([]float32, 2), make([]float32, 5)) },
		"Interleave2": func() { Interleave2(make([]float32, 5), make([]float32, 2), make([]float32, 3), 0) },
		"Interleave3": func() { Interleave3(make([]float32, 5), make([]float32, 2), make([]float32, 1), make([]float32, 2), 0) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s accepted parts of the wrong lengths", name)
				}
			}()
			f()
		}()
	}
}

// TestSplitRows compares SplitRows at every level with the generic version
// for 1 to 4 phases, every row length up to 100 and a few long ones, one
// and several rows, with gaps between the rows and the phases of dst and
// between the rows of src: the sentinels in the gaps stay as they are,
// and each phase holds its elements.
func TestSplitRows(t *testing.T) {
	withLevel(t, func(t *testing.T) {
		for _, f := range []int{1, 2, 3, 4} {
			for _, w := range lengths {
				for _, rows := range []int{1, 3} {
					rng := rand.New(rand.NewPCG(uint64(w), uint64(f*10+rows)))
					m := (w + f - 1) / f
					ldd, lds := m+1+rng.IntN(3), w+rng.IntN(3)
					ps := rows*ldd + rng.IntN(3)
					_, src := buffer(rng, 1, max(0, (rows-1)*lds+w), 1)
					buf, dst := buffer(rng, 2, max(0, (f-1)*ps+rows*ldd), 1)
					want := append([]float32(nil), buf...)
					splitRowsGeneric(f, want[guard+2:guard+2+len(dst)], ps, ldd, src, lds, rows, w)
					for r := 0; r < rows && w > 0; r++ {
						for p := 0; p < f && p < w; p++ {
							for i := 0; f*i+p < w; i++ {
								if got, e := want[guard+2+p*ps+r*ldd+i], src[r*lds+f*i+p]; got != e {
									t.Fatalf("f=%d w=%d: the generic version puts %v at row %d phase %d element %d, want %v", f, w, got, r, p, i, e)
								}
							}
						}
					}
					SplitRows(f, dst, ps, ldd, src, lds, rows, w)
					if i := same(buf, want); i >= 0 {
						t.Fatalf("f=%d w=%d rows=%d: element %d is %v, want %v", f, w, rows, i-guard-2, buf[i], want[i])
					}
				}
			}
		}
	})
}
