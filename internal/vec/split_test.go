package vec

import (
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
