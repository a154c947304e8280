package aniso

import (
	"math"
	"math/bits"

	"github.com/anisoconv/aniso/internal/vec"
)

// Tensor is a strided N-dimensional array of float32.
//
// Operators read tensors through their strides, so views with gaps between
// elements, broadcast (zero) strides and permuted axes all work without a
// copy. Operators never modify their inputs and return new contiguous
// tensors; plans write their results into any layout that does not overlap
// itself. They take tensors of at most 64 dimensions and MaxElements
// elements, and read and write only the elements that Shape and Strides
// address: Data may be longer, a window of a larger buffer.
type Tensor struct {
	// Data holds the elements. Element (i0, i1, …, ik) is
	//	Data[i0·Strides[0] + i1·Strides[1] + … + ik·Strides[k]]
	Data []float32
	// Shape is the size of each dimension. Operator inputs are laid out
	// N×C×D1×…×Dn (batch, channels, spatial axes).
	Shape []int
	// Strides is the distance in elements between neighbours along each
	// dimension. Strides are non-negative and need not be contiguous; nil
	// means contiguous row-major.
	Strides []int
}

// New returns a zeroed contiguous row-major tensor of the given shape.
//
// A negative size, or sizes whose product exceeds MaxElements, give a tensor
// with nil Data that every operator rejects with an error.
func New(shape ...int) *Tensor {
	t := &Tensor{Shape: append([]int(nil), shape...)}
	n, ok := volume(shape)
	if !ok {
		t.Strides = make([]int, len(shape))
		return t
	}
	t.Strides = rowMajor(shape)
	t.Data = make([]float32, n)
	return t
}

// Size returns the number of elements described by the shape, the product
// of its sizes (1 for an empty shape), or -1 if a size is negative or the
// product overflows an int. A product above MaxElements is returned as it
// is, although operators reject such a tensor. A nil tensor has size 0.
func (t *Tensor) Size() int {
	if t == nil {
		return 0
	}
	n, ok := product(t.Shape)
	if !ok {
		return -1
	}
	return n
}

// rowMajor returns contiguous row-major strides for shape.
func rowMajor(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
	return st
}

// volume returns the product of sizes and whether it is defined: all sizes
// non-negative and the product at most MaxElements.
func volume(shape []int) (int, bool) {
	n, ok := product(shape)
	return n, ok && n <= MaxElements
}

// product returns the product of sizes and whether it is defined: all sizes
// non-negative and the product within an int. A zero size makes it zero
// whatever the other sizes are.
func product(shape []int) (int, bool) {
	zero := false
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		zero = zero || d == 0
	}
	if zero {
		return 0, true
	}
	n := 1
	for _, d := range shape {
		var ok bool
		if n, ok = mul(n, d); !ok {
			return 0, false
		}
	}
	return n, true
}

// mul returns a·b for non-negative a and b and whether it fits in an int.
func mul(a, b int) (int, bool) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt {
		return 0, false
	}
	return int(lo), true
}

// add returns a+b for non-negative a and b and whether it fits in an int.
func add(a, b int) (int, bool) {
	s := a + b
	return s, s >= a
}

// strides returns t's strides, row-major ones if t.Strides is nil.
func (t *Tensor) strides() []int {
	if t.Strides == nil {
		return rowMajor(t.Shape)
	}
	return t.Strides
}

// checkTensor validates that t describes a readable array: its structure
// as checkOperand checks it, strides non-negative, and every addressed
// element inside Data.
func checkTensor(op, name string, t *Tensor) error {
	if err := checkOperand(op, name, t, 0); err != nil {
		return err
	}
	n := t.Size()
	if n == 0 {
		return nil
	}
	last := n - 1
	if t.Strides != nil {
		last = 0
		for i, d := range t.Shape {
			s := t.Strides[i]
			if s < 0 {
				return errorf(op, ErrData, "%s: dimension %d has negative stride %d", name, i, s)
			}
			off, ok := mul(d-1, s)
			if ok {
				last, ok = add(last, off)
			}
			if !ok {
				return errorf(op, ErrTooLarge, "%s: strides %v overflow for shape %v", name, t.Strides, t.Shape)
			}
		}
	}
	if last >= len(t.Data) {
		return errorf(op, ErrData, "%s: shape %v with strides %v reaches element %d, but Data has %d", name, t.Shape, t.strides(), last, len(t.Data))
	}
	return nil
}

// contiguous reports whether t is laid out row-major without gaps.
func (t *Tensor) contiguous() bool {
	if t.Strides == nil {
		return true
	}
	s := 1
	for i := len(t.Shape) - 1; i >= 0; i-- {
		if t.Shape[i] != 1 && t.Strides[i] != s {
			return false
		}
		s *= t.Shape[i]
	}
	return true
}

// sameShape reports whether a and b have equal shapes.
func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// packed returns t's elements in row-major order: t.Data itself when t is
// contiguous, otherwise a copy.
func packed(t *Tensor) []float32 {
	var buf []float32
	return packedInto(&buf, t)
}

// gatherStrided copies the strided array (shape, strides) at src into dst
// in row-major order and returns the number of elements copied.
func gatherStrided(dst, src []float32, shape, strides []int) int {
	if len(shape) == 1 {
		copyStrided(dst[:shape[0]], src, strides[0])
		return shape[0]
	}
	n := 0
	for i := 0; i < shape[0]; i++ {
		n += gatherStrided(dst[n:], src[i*strides[0]:], shape[1:], strides[1:])
	}
	return n
}

// The bias gradient sums each channel of gy over batch and space in
// float64. Each (sample, channel) plane is summed as a vec.Partials
// sequence in row-major order, and the planes' sums are added in batch
// order, whatever the strides: a channels-first tensor hands vec its
// planes' contiguous runs, a channels-last one the runs of channels at
// each position, and both give the same bits, as does any number of
// threads, since one goroutine sums each channel.

// addPlane adds the strided array (shape, strides) at src to p as a
// sequence in row-major order, element i onto p[i mod 32]. Its trailing
// axes that lie row-major without gaps form runs that p.Add takes whole.
func addPlane(p *vec.Partials, src []float32, shape, strides []int) {
	d, run := len(shape), 1
	for d > 0 && (shape[d-1] == 1 || strides[d-1] == run) {
		run *= shape[d-1]
		d--
	}
	addRuns(p, src, shape[:d], strides[:d], run, 0)
}

// addRuns adds to p, from lane on, the runs of run contiguous elements
// that start at the elements of the strided array (shape, strides) at src,
// in row-major order, and returns the lane after them.
func addRuns(p *vec.Partials, src []float32, shape, strides []int, run, lane int) int {
	switch {
	case len(shape) == 0:
		p.Add(lane, src[:run])
		return (lane + run) % len(p)
	case len(shape) == 1 && run == 1:
		for i := 0; i < shape[0]; i++ {
			p[lane] += float64(src[i*strides[0]])
			lane = (lane + 1) % len(p)
		}
		return lane
	}
	for i := 0; i < shape[0]; i++ {
		lane = addRuns(p, src[i*strides[0]:], shape[1:], strides[1:], run, lane)
	}
	return lane
}

// lastBlock is the number of channels of a unit of a channels-last
// sum: one cache line of float32.
const lastBlock = 16

// addPositions adds the runs of cb channels that start at the positions
// of the strided array (shape, strides) at src, in row-major order, the
// run at position i onto row (lane+i) mod 32 of lanes, and returns the lane
// after them: lanes[l·lastBlock+j] is partial sum l of channel j, as
// vec.Partials has it.
func addPositions(lanes *[32 * lastBlock]float64, cb int, src []float32, shape, strides []int, lane int) int {
	if len(shape) == 0 {
		vec.AddWideRows(lanes[lane*lastBlock:], lastBlock, src, 0, 1, cb)
		return (lane + 1) % 32
	}
	if len(shape) == 1 {
		// The positions of a line, in pieces that do not wrap around the
		// lanes.
		for i := 0; i < shape[0]; {
			rows := min(shape[0]-i, 32-lane)
			vec.AddWideRows(lanes[lane*lastBlock:], lastBlock, src[i*strides[0]:], strides[0], rows, cb)
			i += rows
			lane = (lane + rows) % 32
		}
		return lane
	}
	for i := 0; i < shape[0]; i++ {
		lane = addPositions(lanes, cb, src[i*strides[0]:], shape[1:], strides[1:], lane)
	}
	return lane
}

// channelSums is the operand of opSumChannels: the N×C×… tensor v of the
// given shape whose channel sums go to gb[c·inc], added to it if add is
// set. With last set its channels lie at unit stride, and units are blocks
// of lastBlock channels rather than channels.
type channelSums struct {
	gb    []float32
	inc   int
	v     view
	shape []int
	add   bool
	last  bool
}

// parallelSum is the number of elements below which the channel sums of a
// call stay on the calling goroutine.
const parallelSum = 1 << 16

// sumChannels sets gb[c·inc], or adds to it if add is set, the sum of
// channel c of the N×C×… tensor v of the given shape, over batch and space,
// in float64.
func (e *engine) sumChannels(gb []float32, inc int, v view, shape []int, add bool) {
	e.sums = channelSums{gb: gb, inc: inc, v: v, shape: shape, add: add, last: v.sc == 1 && shape[1] > 1}
	units := shape[1]
	if e.sums.last {
		units = (units + lastBlock - 1) / lastBlock
	}
	e.run(opSumChannels, units)
}

func (e *engine) sumChannelsUnit(u int) {
	cs := &e.sums
	v := cs.v
	if cs.last {
		e.sumLastUnit(u)
		return
	}
	var s float64
	for n := 0; n < cs.shape[0]; n++ {
		var p vec.Partials
		addPlane(&p, v.data[n*v.sn+u*v.sc:], cs.shape[2:], v.sp)
		s += p.Sum()
	}
	cs.setSum(u, s)
}

// sumLastUnit sums the block u of lastBlock channels of a channels-last
// tensor a position at a time, the channels of each position being one
// contiguous run.
func (e *engine) sumLastUnit(u int) {
	cs := &e.sums
	v := cs.v
	c0 := u * lastBlock
	cb := min(lastBlock, cs.shape[1]-c0)
	var lanes [32 * lastBlock]float64
	var sums [lastBlock]float64
	for n := 0; n < cs.shape[0]; n++ {
		clear(lanes[:])
		addPositions(&lanes, cb, v.data[n*v.sn+c0:], cs.shape[2:], v.sp, 0)
		for j := 0; j < cb; j++ {
			var p vec.Partials
			for l := range p {
				p[l] = lanes[l*lastBlock+j]
			}
			sums[j] += p.Sum()
		}
	}
	for j := 0; j < cb; j++ {
		cs.setSum(c0+j, sums[j])
	}
}

// setSum sets gb[c·inc] to s, or adds s to it.
func (cs *channelSums) setSum(c int, s float64) {
	if cs.add {
		cs.gb[c*cs.inc] += float32(s)
	} else {
		cs.gb[c*cs.inc] = float32(s)
	}
}

// strides1 returns the stride of a one-dimensional tensor.
func (t *Tensor) strides1() int {
	if t.Strides == nil {
		return 1
	}
	return t.Strides[0]
}

// fillChannels sets every element of channel c of the N×C×… tensor v of the
// given shape to vals[c].
func fillChannels(v view, shape []int, vals []float32) {
	for n := 0; n < shape[0]; n++ {
		for c := 0; c < shape[1]; c++ {
			fillStrided(v.data[n*v.sn+c*v.sc:], shape[2:], v.sp, vals[c])
		}
	}
}

// fillStrided sets every element of the strided array (shape, strides) at
// dst to x.
func fillStrided(dst []float32, shape, strides []int, x float32) {
	if len(shape) == 0 {
		dst[0] = x
		return
	}
	if len(shape) == 1 {
		for i := 0; i < shape[0]; i++ {
			dst[i*strides[0]] = x
		}
		return
	}
	for i := 0; i < shape[0]; i++ {
		fillStrided(dst[i*strides[0]:], shape[1:], strides[1:], x)
	}
}

// clearTensor sets every element of t to zero, and nothing between them.
func clearTensor(t *Tensor) {
	n := t.Size()
	switch {
	case n == 0:
	case t.contiguous():
		clear(t.Data[:n])
	default:
		fillStrided(t.Data, t.Shape, t.Strides, 0)
	}
}

// scatterStrided copies the row-major src into the strided array (shape,
// strides) at dst, the inverse of gatherStrided.
func scatterStrided(dst []float32, shape, strides []int, src []float32) int {
	if len(shape) == 0 {
		dst[0] = src[0]
		return 1
	}
	if len(shape) == 1 {
		for i := 0; i < shape[0]; i++ {
			dst[i*strides[0]] = src[i]
		}
		return shape[0]
	}
	n := 0
	for i := 0; i < shape[0]; i++ {
		n += scatterStrided(dst[i*strides[0]:], shape[1:], strides[1:], src[n:])
	}
	return n
}

// selfOverlaps reports whether the strided layout (shape, strides) may
// address an element twice. Taking the axes of size above 1 in order of
// increasing stride, it requires each stride to reach past every element
// the axes before it address, the layouts of row-major arrays, of their
// permutations and of views with gaps; layouts that interleave axes in
// other ways are reported as overlapping.
func selfOverlaps(shape, strides []int) bool {
	for _, d := range shape {
		if d == 0 {
			return false
		}
	}
	extent := 1 // one past the largest offset of the axes taken so far
	prevS, prevA := -1, -1
	for {
		// The next axis in (stride, index) order; no buffer is allocated.
		a := -1
		for i, d := range shape {
			if d < 2 {
				continue
			}
			s := strides[i]
			if (s > prevS || s == prevS && i > prevA) && (a < 0 || s < strides[a]) {
				a = i
			}
		}
		if a < 0 {
			return false
		}
		if strides[a] < extent {
			return true
		}
		extent += strides[a] * (shape[a] - 1)
		prevS, prevA = strides[a], a
	}
}

// Permute returns a view of t with its axes reordered: axis i of the view
// is axis axes[i] of t, with t's size and stride. The view shares t's Data,
// so writing through one changes the other; no element is copied. For an
// N×H×W×C (channels-last) tensor t,
//
//	t.Permute(0, 3, 1, 2)
//
// is the N×C×H×W view the operators take, and a plan writes results into
// such a view of a channels-last buffer without a copy.
//
// Permute returns nil if t is nil, if t's Strides do not match its Shape,
// or if axes is not a permutation of 0, 1, …, rank−1; operators reject a
// nil tensor with ErrNilTensor.
func (t *Tensor) Permute(axes ...int) *Tensor {
	if t == nil || len(axes) != len(t.Shape) || t.Strides != nil && len(t.Strides) != len(t.Shape) {
		return nil
	}
	v := &Tensor{Data: t.Data, Shape: make([]int, len(axes)), Strides: make([]int, len(axes))}
	st := t.strides()
	seen := make([]bool, len(axes))
	for i, a := range axes {
		if a < 0 || a >= len(axes) || seen[a] {
			return nil
		}
		seen[a] = true
		v.Shape[i], v.Strides[i] = t.Shape[a], st[a]
	}
	return v
}

// volume1 returns the product of sizes already known to be valid.
func volume1(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
