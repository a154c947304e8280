package aniso

import (
	"encoding/binary"
	"runtime"
	"sync"
)

// The one-shot functions (Conv, StretchConvBackward, UnpoolND, …) keep the
// validated plans of their recent geometries, so that a call repeated with
// the same shapes and options skips validation, phase tables and scratch
// allocation, and allocates little beyond its results. A plan in use is
// checked out of the cache: concurrent callers of one geometry each get
// their own plan, and a plan returns to the cache only when its call has
// finished without a fault.
const (
	cacheCount = 16       // plans kept at most
	cacheBytes = 16 << 20 // bytes of scratch kept at most, over all plans
)

// planKey is the full geometry of a one-shot call, encoded as varints: the
// operator, the shapes, every option (an empty slice encoded as nil, since
// every option means the same by both), and GOMAXPROCS, which sizes a
// plan's workers.
type planKey []byte

func (k planKey) int(v int) planKey { return binary.AppendVarint(k, int64(v)) }

func (k planKey) ints(v []int) planKey {
	if len(v) == 0 {
		return k.int(-1)
	}
	k = k.int(len(v))
	for _, x := range v {
		k = k.int(x)
	}
	return k
}

func (k planKey) conv(o ConvOptions) planKey {
	return k.ints(o.Stride).ints(o.PadLo).ints(o.PadHi).ints(o.Dilation).int(o.Groups)
}

// newPlanKey starts the key of operator op in buf.
func newPlanKey(buf []byte, op string) planKey {
	k := planKey(append(buf[:0], op...))
	return k.int(-2).int(runtime.GOMAXPROCS(0))
}

// keyShape returns t's shape, or nil for a nil tensor, whose call fails
// validation and is never cached.
func keyShape(t *Tensor) []int {
	if t == nil {
		return nil
	}
	return t.Shape
}

// cached is a plan with its key and the bytes of scratch it holds.
type cached[P any] struct {
	key   string
	plan  P
	bytes int
}

// planCache holds checked-in plans, least recently used first.
type planCache[P any] struct {
	mu    sync.Mutex
	list  []*cached[P]
	bytes int
	size  func(P) int // bytes of scratch a plan holds
}

// get checks out the plan of key, building it with build when none is
// cached.
func (c *planCache[P]) get(key planKey, build func() (P, error)) (*cached[P], error) {
	c.mu.Lock()
	for i, e := range c.list {
		if e.key == string(key) {
			c.list = append(c.list[:i], c.list[i+1:]...)
			c.bytes -= e.bytes
			c.mu.Unlock()
			return e, nil
		}
	}
	c.mu.Unlock()
	p, err := build()
	if err != nil {
		return nil, err
	}
	return &cached[P]{key: string(key), plan: p}, nil
}

// put checks a plan in after a call that finished, dropping the least
// recently used plans to stay within cacheCount and cacheBytes.
func (c *planCache[P]) put(e *cached[P]) {
	e.bytes = c.size(e.plan)
	if e.bytes > cacheBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	drop := 0
	for len(c.list)-drop >= cacheCount || c.bytes+e.bytes > cacheBytes {
		c.bytes -= c.list[drop].bytes
		drop++
	}
	if drop > 0 {
		n := copy(c.list, c.list[drop:])
		clear(c.list[n:])
		c.list = c.list[:n]
	}
	c.list = append(c.list, e)
	c.bytes += e.bytes
}

var (
	convPlans   = planCache[*convPlan]{size: (*convPlan).bytes}
	unpoolPlans = planCache[*unpoolPlan]{size: (*unpoolPlan).bytes}
)

func (p *convPlan) bytes() int {
	return 4*(p.e.workspace()+len(p.io.wbuf)+len(p.io.bbuf)) + p.e.tableBytes() + p.adj.bytes()
}

func (p *unpoolPlan) bytes() int {
	n := 4 * len(p.ones)
	if p.e != nil {
		n += 4*p.e.workspace() + p.e.tableBytes() + p.adj.bytes()
	}
	return n
}

// keyBuf is the size of a stack buffer that holds the key of any usual
// geometry without allocating.
const keyBuf = 128

// The keys of the one-shot calls hold every field of their options
// (TestPlanKeysCoverOptions checks that each one changes the key).

func stretchKey(buf []byte, op string, x, w *Tensor, o StretchOptions) planKey {
	return newPlanKey(buf, op).ints(keyShape(x)).ints(keyShape(w)).conv(o.ConvOptions).ints(o.Stretch).int(int(o.Mode)).ints(o.OutSize)
}

func deconvKey(buf []byte, op string, x, w *Tensor, o DeconvOptions) planKey {
	return newPlanKey(buf, op).ints(keyShape(x)).ints(keyShape(w)).conv(o.ConvOptions).ints(o.OutputPadding).ints(o.OutSize)
}

func unpoolKey(buf []byte, x *Tensor, o UnpoolOptions) planKey {
	cover := 0
	if o.CoverAll {
		cover = 1
	}
	return newPlanKey(buf, "unpool").ints(keyShape(x)).ints(o.Ksize).ints(o.Stride).ints(o.Pad).ints(o.OutSize).int(cover)
}

// stretchPlan checks out the plan of a Conv or StretchConv call.
func stretchPlan(op string, x, w *Tensor, o StretchOptions) (*cached[*convPlan], error) {
	var buf [keyBuf]byte
	return convPlans.get(stretchKey(buf[:], op, x, w, o), func() (*convPlan, error) { return newStretchPlan(op, x, w, o) })
}

// deconvPlan checks out the plan of a Deconv call.
func deconvPlan(op string, x, w *Tensor, o DeconvOptions) (*cached[*convPlan], error) {
	var buf [keyBuf]byte
	return convPlans.get(deconvKey(buf[:], op, x, w, o), func() (*convPlan, error) { return newDeconvPlan(op, x, w, o) })
}

// unpoolPlanFor checks out the plan of an UnpoolND call.
func unpoolPlanFor(x *Tensor, o UnpoolOptions) (*cached[*unpoolPlan], error) {
	var buf [keyBuf]byte
	return unpoolPlans.get(unpoolKey(buf[:], x, o), func() (*unpoolPlan, error) { return newUnpoolPlan(x, o) })
}
