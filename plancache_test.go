package aniso

import (
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestOneShotAllocations checks that a repeated one-shot call allocates
// its results and nothing else: a new tensor is four allocations (the
// struct, its shape, its strides and its data).
func TestOneShotAllocations(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 1))
	x, w, b := randTensor(rng, 2, 4, 20, 18), randTensor(rng, 4, 4, 3, 2), randTensor(rng, 4)
	co := ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 0}}
	so := StretchOptions{ConvOptions: co, Stretch: []int{1, 3}, Mode: Zeros}
	do := DeconvOptions{ConvOptions: co, OutputPadding: []int{1, 0}}
	uo := UnpoolOptions{Ksize: []int{2, 3}, Stride: []int{2, 2}, CoverAll: true}
	y, err := StretchConv(x, w, b, so)
	require.NoError(t, err)
	z, err := Deconv(x, w, b, do)
	require.NoError(t, err)
	u, err := UnpoolND(x, uo)
	require.NoError(t, err)
	gy, gz, gu := randTensor(rng, y.Shape...), randTensor(rng, z.Shape...), randTensor(rng, u.Shape...)
	cases := []struct {
		name    string
		results int
		f       func() error
	}{
		{"conv", 1, func() error { _, err := Conv(x, w, b, co); return err }},
		{"stretch", 1, func() error { _, err := StretchConv(x, w, b, so); return err }},
		{"stretch backward", 3, func() error { _, _, _, err := StretchConvBackward(x, w, gy, so); return err }},
		{"deconv", 1, func() error { _, err := Deconv(x, w, b, do); return err }},
		{"deconv backward", 3, func() error { _, _, _, err := DeconvBackward(x, w, gz, do); return err }},
		{"unpool", 1, func() error { _, err := UnpoolND(x, uo); return err }},
		{"unpool backward", 1, func() error { _, err := UnpoolNDBackward(x, gu, uo); return err }},
	}
	for _, c := range cases {
		require.NoError(t, c.f(), c.name)
		allocs := testing.AllocsPerRun(5, func() {
			if err := c.f(); err != nil {
				t.Fatal(err)
			}
		})
		require.LessOrEqual(t, allocs, float64(4*c.results), c.name)
	}
}

// TestPlanCacheBounds checks that a cache keeps at most cacheCount plans
// and cacheBytes of scratch, dropping the least recently used first, keeps
// no plan larger than that, and checks plans out.
func TestPlanCacheBounds(t *testing.T) {
	c := planCache[int]{size: func(n int) int { return n }}
	key := func(i int) planKey { return newPlanKey(nil, "test").int(i) }
	build := func(i int) func() (int, error) { return func() (int, error) { return i, nil } }
	keys := func() []string {
		var ks []string
		for _, e := range c.list {
			ks = append(ks, e.key)
		}
		return ks
	}
	for i := range 2 * cacheCount {
		e, err := c.get(key(i), build(1000+i))
		require.NoError(t, err)
		c.put(e)
	}
	require.Len(t, c.list, cacheCount)
	require.Equal(t, string(key(cacheCount)), c.list[0].key, "the oldest plans go first")
	// A hit checks the plan out and a put makes it the most recent.
	e, err := c.get(key(cacheCount), build(-1))
	require.NoError(t, err)
	require.Equal(t, 1000+cacheCount, e.plan)
	require.Len(t, c.list, cacheCount-1)
	c.put(e)
	require.Equal(t, string(key(cacheCount)), keys()[cacheCount-1])

	// Bytes: a plan over the budget is not kept; large ones push out old ones.
	before := keys()
	e, _ = c.get(key(-1), build(cacheBytes+1))
	c.put(e)
	require.Equal(t, before, keys())
	e, _ = c.get(key(-2), build(cacheBytes/2))
	c.put(e)
	e, _ = c.get(key(-3), build(cacheBytes/2))
	c.put(e)
	require.Equal(t, []string{string(key(-2)), string(key(-3))}, keys())
	require.Equal(t, cacheBytes, c.bytes)

	// The plans of one-shot calls keep none of their caller's tensors.
	rng := rand.New(rand.NewPCG(72, 1))
	_, err = Conv(randTensor(rng, 1, 2, 7, 5), randTensor(rng, 2, 2, 3, 3), nil, ConvOptions{})
	require.NoError(t, err)
	convPlans.mu.Lock()
	defer convPlans.mu.Unlock()
	require.NotEmpty(t, convPlans.list)
	sum := 0
	for _, e := range convPlans.list {
		sum += e.bytes
		require.Nil(t, e.plan.e.in.data, "a cached plan holds its caller's input")
		require.Nil(t, e.plan.e.out.data, "a cached plan holds its caller's output")
		require.Nil(t, e.plan.e.wc, "a cached plan holds its caller's weights")
	}
	require.Equal(t, sum, convPlans.bytes)
}

// TestPlanCacheSharedGeometry runs one geometry from several goroutines at
// once with different inputs: each call checks out its own plan and must
// get what a plan of its own gives.
func TestPlanCacheSharedGeometry(t *testing.T) {
	rng := rand.New(rand.NewPCG(73, 1))
	so := StretchOptions{ConvOptions: ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 1}, PadHi: []int{1, 2}}, Stretch: []int{1, 2}}
	xShape, wShape := []int{2, 3, 14, 12}, []int{4, 3, 4, 4}
	p, err := NewStretchConvPlan(xShape, wShape, so)
	require.NoError(t, err)
	type job struct{ x, w, gy, y, gx, gw, gb *Tensor }
	jobs := make([]job, 8)
	for i := range jobs {
		j := &jobs[i]
		j.x, j.w, j.gy = randTensor(rng, xShape...), randTensor(rng, wShape...), randTensor(rng, p.OutShape()...)
		j.y, j.gx, j.gw, j.gb = New(p.OutShape()...), New(xShape...), New(wShape...), New(4)
		require.NoError(t, p.Forward(j.y, j.x, j.w, nil))
		require.NoError(t, p.Backward(j.gx, j.gw, j.gb, j.x, j.w, j.gy))
	}
	var wg sync.WaitGroup
	errs := make(chan string, len(jobs)*10)
	for i := range jobs {
		j := &jobs[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				y, err := StretchConv(j.x, j.w, nil, so)
				if err != nil {
					errs <- err.Error()
					return
				}
				gx, gw, gb, err := StretchConvBackward(j.x, j.w, j.gy, so)
				if err != nil {
					errs <- err.Error()
					return
				}
				if !equalBits(y, j.y) || !equalBits(gx, j.gx) || !equalBits(gw, j.gw) || !equalBits(gb, j.gb) {
					errs <- "a concurrent one-shot call differs from its plan"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestPlanKeysCoverOptions sets each field of each options struct in turn
// and checks that the one-shot key changes, so that no option added later
// can be served a plan made for other options.
func TestPlanKeysCoverOptions(t *testing.T) {
	x, w := New(1, 2, 8, 8), New(2, 2, 3, 3)
	// vary returns copies of o with each leaf field (embedded structs
	// walked into) given a value other than its zero.
	var vary func(v reflect.Value, set func(func(reflect.Value))) int
	vary = func(v reflect.Value, set func(func(reflect.Value))) int {
		n := 0
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if f.Anonymous {
				n += vary(v.Field(i), func(g func(reflect.Value)) { set(func(c reflect.Value) { g(c.Field(i)) }) })
				continue
			}
			n++
			set(func(c reflect.Value) {
				fv := c.Field(i)
				switch fv.Kind() {
				case reflect.Slice:
					fv.Set(reflect.ValueOf([]int{2, 2}))
				case reflect.Bool:
					fv.SetBool(true)
				case reflect.Int:
					fv.SetInt(2)
				default:
					t.Fatalf("field %s has kind %v: teach this test and the keys about it", f.Name, fv.Kind())
				}
			})
		}
		return n
	}
	check := func(name string, zero any, key func(o any) string) {
		base := key(zero)
		seen := map[string]bool{base: true}
		fields := vary(reflect.ValueOf(zero), func(g func(reflect.Value)) {
			c := reflect.New(reflect.TypeOf(zero)).Elem()
			g(c)
			k := key(c.Interface())
			require.False(t, seen[k], "%s: a field leaves the key unchanged or equal to another's: %+v", name, c.Interface())
			seen[k] = true
		})
		require.Len(t, seen, fields+1, name)
		// Empty slices mean what nil means, so they share its plan.
		empty := reflect.New(reflect.TypeOf(zero)).Elem()
		var emptySlices func(v reflect.Value)
		emptySlices = func(v reflect.Value) {
			for i := 0; i < v.NumField(); i++ {
				switch f := v.Field(i); f.Kind() {
				case reflect.Struct:
					emptySlices(f)
				case reflect.Slice:
					f.Set(reflect.ValueOf([]int{}))
				}
			}
		}
		emptySlices(empty)
		require.Equal(t, base, key(empty.Interface()), "%s: empty option slices change the key", name)
	}
	var buf [keyBuf]byte
	check("StretchOptions", StretchOptions{}, func(o any) string { return string(stretchKey(buf[:], "s", x, w, o.(StretchOptions))) })
	check("DeconvOptions", DeconvOptions{}, func(o any) string { return string(deconvKey(buf[:], "d", x, w, o.(DeconvOptions))) })
	check("UnpoolOptions", UnpoolOptions{}, func(o any) string { return string(unpoolKey(buf[:], x, o.(UnpoolOptions))) })
	// Conv reaches stretchKey through StretchOptions.ConvOptions, covered
	// above.
}
