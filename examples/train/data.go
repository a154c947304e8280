package main

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/anisoconv/aniso"
)

// A shape is a solid in scene coordinates, where pixel i of an axis covers
// [i, i+1). Scenes stack shapes: a point takes the colour of the topmost
// shape that contains it.
type shape interface {
	contains(p []float64) bool
	// bounds returns the box outside which the shape has no points; an
	// unbounded shape returns infinities.
	bounds() (lo, hi []float64)
}

// ball is a disc in 2-D, a sphere in 3-D.
type ball struct {
	c []float64
	r float64
}

func (b ball) contains(p []float64) bool {
	var d float64
	for i, v := range p {
		d += (v - b.c[i]) * (v - b.c[i])
	}
	return d <= b.r*b.r
}

func (b ball) bounds() (lo, hi []float64) { return around(b.c, b.r) }

// box is a rectangle or cuboid of half sizes h around c, turned by the
// orthonormal rows of rot.
type box struct {
	c, h []float64
	rot  [][]float64
}

func (b box) contains(p []float64) bool {
	for i, row := range b.rot {
		var d float64
		for j, v := range row {
			d += v * (p[j] - b.c[j])
		}
		if math.Abs(d) > b.h[i] {
			return false
		}
	}
	return true
}

func (b box) bounds() (lo, hi []float64) {
	var r float64
	for _, h := range b.h {
		r += h * h
	}
	return around(b.c, math.Sqrt(r))
}

// rod is the set of points within r of the segment from a to b: a line in
// 2-D, a cylinder with round caps in 3-D.
type rod struct {
	a, b []float64
	r    float64
}

func (s rod) contains(p []float64) bool {
	var ab, ap float64
	for i := range p {
		ab += (s.b[i] - s.a[i]) * (s.b[i] - s.a[i])
		ap += (s.b[i] - s.a[i]) * (p[i] - s.a[i])
	}
	t := 0.0
	if ab > 0 {
		t = math.Max(0, math.Min(1, ap/ab))
	}
	var d float64
	for i, v := range p {
		q := s.a[i] + t*(s.b[i]-s.a[i])
		d += (v - q) * (v - q)
	}
	return d <= s.r*s.r
}

func (s rod) bounds() (lo, hi []float64) {
	lo, hi = make([]float64, len(s.a)), make([]float64, len(s.a))
	for i := range s.a {
		lo[i] = math.Min(s.a[i], s.b[i]) - s.r
		hi[i] = math.Max(s.a[i], s.b[i]) + s.r
	}
	return lo, hi
}

// edge is the half-plane (half-space) on the side of n from c: a straight
// edge across the scene.
type edge struct{ c, n []float64 }

func (e edge) contains(p []float64) bool {
	var d float64
	for i, v := range p {
		d += e.n[i] * (v - e.c[i])
	}
	return d >= 0
}

func (e edge) bounds() (lo, hi []float64) { return around(e.c, math.Inf(1)) }

func around(c []float64, r float64) (lo, hi []float64) {
	lo, hi = make([]float64, len(c)), make([]float64, len(c))
	for i, v := range c {
		lo[i], hi[i] = v-r, v+r
	}
	return lo, hi
}

// painted is a shape of a scene with its colour, one value per channel.
type painted struct {
	s      shape
	colour []float64
	lo, hi []float64
}

// scene is a background colour under a stack of painted shapes.
type scene struct {
	dims       []int
	background []float64
	shapes     []painted // bottom first
}

// randomScene draws a scene of the given size with nc colour channels.
// Shapes have random positions, sizes and orientations; their number grows
// with the scene's volume so that small scenes are not all edges. In 2-D
// they are discs, turned rectangles, lines and straight edges; in 3-D
// spheres, turned boxes, rods and planes.
func randomScene(rng *rand.Rand, dims []int, nc int) scene {
	nd := len(dims)
	vol := 1.0
	minDim := math.Inf(1)
	for _, d := range dims {
		vol *= float64(d)
		minDim = math.Min(minDim, float64(d))
	}
	colour := func() []float64 {
		c := make([]float64, nc)
		for i := range c {
			c[i] = rng.Float64()
		}
		return c
	}
	point := func(margin float64) []float64 {
		p := make([]float64, nd)
		for i, d := range dims {
			p[i] = -margin + rng.Float64()*(float64(d)+2*margin)
		}
		return p
	}
	sc := scene{dims: dims, background: colour()}
	// About one shape per 2500 pixels in 2-D (8 on 100×200) and per 1000
	// voxels in 3-D (8 on 16×32×16), at least 3.
	per := 2500.0
	if nd > 2 {
		per = 1000
	}
	n := max(3, int(vol/per)) + rng.IntN(3)
	scale := minDim / 4 // typical radius
	for range n {
		var s shape
		switch k := rng.IntN(8); {
		case k < 3:
			s = ball{c: point(scale / 2), r: scale * (0.15 + 0.85*rng.Float64())}
		case k < 6:
			h := make([]float64, nd)
			for i := range h {
				h[i] = scale * (0.15 + 1.1*rng.Float64())
			}
			s = box{c: point(scale / 2), h: h, rot: rotation(rng, nd)}
		case k < 7:
			a := point(0)
			dir := rotation(rng, nd)[0]
			l := scale * (1 + 3*rng.Float64())
			b := make([]float64, nd)
			for i := range b {
				b[i] = a[i] + l*dir[i]
			}
			s = rod{a: a, b: b, r: 0.3 + 0.15*scale*rng.Float64()}
		default:
			s = edge{c: point(-scale), n: rotation(rng, nd)[0]}
		}
		lo, hi := s.bounds()
		sc.shapes = append(sc.shapes, painted{s: s, colour: colour(), lo: lo, hi: hi})
	}
	return sc
}

// rotation returns a random orthonormal basis of n-space, rows first, by
// Gram–Schmidt on Gaussian vectors.
func rotation(rng *rand.Rand, n int) [][]float64 {
	rows := make([][]float64, 0, n)
	for len(rows) < n {
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		for _, r := range rows {
			var d float64
			for i := range v {
				d += v[i] * r[i]
			}
			for i := range v {
				v[i] -= d * r[i]
			}
		}
		var norm float64
		for _, x := range v {
			norm += x * x
		}
		if norm = math.Sqrt(norm); norm < 1e-6 {
			continue
		}
		for i := range v {
			v[i] /= norm
		}
		rows = append(rows, v)
	}
	return rows
}

// render returns the scene's coverage-weighted colours, nc×D1×…×Dn: every
// pixel averages ss samples per axis spread evenly over its area, so edges
// are anti-aliased.
func (sc scene) render(ss int) []float32 {
	nd := len(sc.dims)
	nc := len(sc.background)
	vol := 1
	for _, d := range sc.dims {
		vol *= d
	}
	sub := 1
	for range nd {
		sub *= ss
	}
	out := make([]float32, nc*vol)
	idx := make([]int, nd)
	p := make([]float64, nd)
	sum := make([]float64, nc)
	var near []painted
	for i := range vol {
		r := i
		for a := nd - 1; a >= 0; a-- {
			idx[a] = r % sc.dims[a]
			r /= sc.dims[a]
		}
		// Shapes whose bounds miss the pixel cannot cover any sample.
		near = near[:0]
		for _, s := range sc.shapes {
			in := true
			for a, x := range idx {
				if s.hi[a] < float64(x) || s.lo[a] > float64(x+1) {
					in = false
					break
				}
			}
			if in {
				near = append(near, s)
			}
		}
		clear(sum)
		for k := range sub {
			r := k
			for a := nd - 1; a >= 0; a-- {
				p[a] = float64(idx[a]) + (float64(r%ss)+0.5)/float64(ss)
				r /= ss
			}
			c := sc.background
			for j := len(near) - 1; j >= 0; j-- {
				if near[j].s.contains(p) {
					c = near[j].colour
					break
				}
			}
			for ch, v := range c {
				sum[ch] += v
			}
		}
		for ch := range nc {
			out[ch*vol+i] = float32(sum[ch] / float64(sub))
		}
	}
	return out
}

// pool averages groups of f neighbours along axis a of the nc×D1×…×Dn
// array x, returning the array and its new spatial sizes.
func pool(x []float32, nc int, dims []int, a, f int) ([]float32, []int) {
	out := append([]int(nil), dims...)
	out[a] /= f
	inner := 1
	for _, d := range dims[a+1:] {
		inner *= d
	}
	outer := nc
	for _, d := range dims[:a] {
		outer *= d
	}
	y := make([]float32, len(x)/f)
	for o := range outer {
		for i := range out[a] {
			dst := y[(o*out[a]+i)*inner:][:inner]
			for k := range f {
				src := x[(o*dims[a]+i*f+k)*inner:][:inner]
				for j, v := range src {
					dst[j] += v
				}
			}
			for j := range dst {
				dst[j] /= float32(f)
			}
		}
	}
	return y, out
}

// A task maps rendered scenes to input and target tensors.
type task struct {
	Name, Title string
	Scene       []int // spatial size of the rendered scene
	Colours     int   // channels of the rendered scene
	In, Out     []int // C×D1×…×Dn of one input and one target
	// Mosaic makes the target one channel that takes colour channel
	// j mod Colours at position j of the grown axis.
	Mosaic bool
}

// Samples is a set of scenes as inputs and targets, with the scene
// dimension first.
type samples struct {
	X, Y []float32
	N    int
}

// newTask describes task "A", "B" or "C" on a scene of the given size: the
// input averages pairs along the second spatial axis, the target pairs
// along the first.
func newTask(name string, sceneDims []int) (task, error) {
	t := task{Name: name, Scene: append([]int(nil), sceneDims...), Colours: 1}
	switch name {
	case "A":
		t.Title = "2-D scenes, sharpen one axis, pool the other"
		if len(sceneDims) != 2 {
			return task{}, fmt.Errorf("task A needs a 2-D scene size, not %v", sceneDims)
		}
	case "B":
		t.Title = "3-D scenes of spheres and boxes"
		if len(sceneDims) != 3 {
			return task{}, fmt.Errorf("task B needs a 3-D scene size, not %v", sceneDims)
		}
	case "C":
		t.Title = "2-D colour scenes to a two-colour mosaic"
		if len(sceneDims) != 2 {
			return task{}, fmt.Errorf("task C needs a 2-D scene size, not %v", sceneDims)
		}
		t.Colours, t.Mosaic = 2, true
	default:
		return task{}, fmt.Errorf("unknown task %q (want A, B or C)", name)
	}
	if sceneDims[0]%2 != 0 || sceneDims[1]%2 != 0 {
		return task{}, fmt.Errorf("task %s: scene %v must be even along its first two axes", name, sceneDims)
	}
	in := append([]int(nil), sceneDims...)
	in[1] /= 2
	out := append([]int(nil), sceneDims...)
	out[0] /= 2
	oc := t.Colours
	if t.Mosaic {
		oc = 1
	}
	t.In = append([]int{t.Colours}, in...)
	t.Out = append([]int{oc}, out...)
	return t, nil
}

// sample renders n scenes from seed and returns them as inputs and
// targets.
func (t task) sample(n int, seed uint64) samples {
	rng := sceneRand(seed)
	inVol, outVol := volume(t.In), volume(t.Out)
	s := samples{X: make([]float32, n*inVol), Y: make([]float32, n*outVol), N: n}
	// 4×4 samples per pixel in 2-D; 2×2×2 per voxel in 3-D, where 4 per
	// axis would cost 64 per voxel.
	ss := 4
	if len(t.Scene) > 2 {
		ss = 2
	}
	for i := range n {
		hi := randomScene(rng, t.Scene, t.Colours).render(ss)
		x, _ := pool(hi, t.Colours, t.Scene, 1, 2)
		y, od := pool(hi, t.Colours, t.Scene, 0, 2)
		copy(s.X[i*inVol:], x)
		dst := s.Y[i*outVol:][:outVol]
		if !t.Mosaic {
			copy(dst, y)
			continue
		}
		plane := volume(od)
		inner := plane / od[0] / od[1]
		for j := range plane {
			c := (j / inner) % od[1] % t.Colours
			dst[j] = y[c*plane+j]
		}
	}
	return s
}

// sceneRand returns the random source sample draws its scenes from.
func sceneRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5ce9e)) }

// batch copies the samples at idx into tensors of shape B×C×D….
func (s samples) batch(t task, idx []int) (x, y *aniso.Tensor) {
	x = aniso.New(append([]int{len(idx)}, t.In...)...)
	y = aniso.New(append([]int{len(idx)}, t.Out...)...)
	inVol, outVol := volume(t.In), volume(t.Out)
	for b, i := range idx {
		copy(x.Data[b*inVol:], s.X[i*inVol:][:inVol])
		copy(y.Data[b*outVol:], s.Y[i*outVol:][:outVol])
	}
	return x, y
}

func volume(s []int) int {
	n := 1
	for _, v := range s {
		n *= v
	}
	return n
}
