package main

import (
	"fmt"
	"math/rand/v2"

	"github.com/anisoconv/aniso"
	"github.com/anisoconv/aniso/internal/methods"
	"github.com/anisoconv/aniso/nn"
)

// methodLayer is one of the compared methods as an nn.Layer, so that
// every method is trained by the same code in the same network. The
// methods are built for one batch size; a batch of another size gets its
// own copy of the method sharing the same parameter tensors.
type methodLayer struct {
	name    string
	in, out []int // C×D… without the batch
	byBatch map[int]*methods.Method
	ps      []*nn.Param
	cur     *methods.Method
	acts    []*aniso.Tensor
	// flow and flows accumulate ‖gx‖/‖gy‖ over backward passes: the
	// gradient that crosses the method, for the evidence on vanishing.
	flow  float64
	flows int
}

// newMethodLayer builds the named method from in to out channels and
// sizes (C×D…, without the batch), initialised by the method's own Init
// from seed, as the seed comparison does.
func newMethodLayer(name string, in, out []int, seed uint64) (*methodLayer, error) {
	l := &methodLayer{name: name, in: in, out: out, byBatch: map[int]*methods.Method{}}
	m, err := l.method(1)
	if err != nil {
		return nil, err
	}
	m.Init(seed)
	vs := m.Params()
	for i, v := range vs {
		name := fmt.Sprintf("step %d", i/2+1)
		if len(vs) == 2 {
			name = "resample"
		}
		if i%2 == 1 {
			name += " bias"
		}
		l.ps = append(l.ps, &nn.Param{Name: name, Value: v, Grad: aniso.New(v.Shape...)})
	}
	return l, nil
}

// method returns the method for batches of n, sharing the parameters.
func (l *methodLayer) method(n int) (*methods.Method, error) {
	if m, ok := l.byBatch[n]; ok {
		return m, nil
	}
	m, err := methods.New(l.name, append([]int{n}, l.in...), append([]int{n}, l.out...))
	if err != nil {
		return nil, err
	}
	if len(l.ps) > 0 {
		vs := make([]*aniso.Tensor, len(l.ps))
		for i, p := range l.ps {
			vs[i] = p.Value
		}
		if err := m.SetParams(vs); err != nil {
			return nil, err
		}
	}
	l.byBatch[n] = m
	return m, nil
}

func (l *methodLayer) Forward(x *aniso.Tensor) (*aniso.Tensor, error) {
	m, err := l.method(x.Shape[0])
	if err != nil {
		return nil, err
	}
	l.cur = m
	if l.acts, err = m.ForwardTrace(x); err != nil {
		return nil, err
	}
	return l.acts[len(l.acts)-1], nil
}

func (l *methodLayer) Backward(gy *aniso.Tensor) (*aniso.Tensor, error) {
	if l.cur == nil {
		return nil, fmt.Errorf("%s: backward before forward", l.name)
	}
	gx, gp, err := l.cur.Backward(l.acts, gy)
	if err != nil {
		return nil, err
	}
	for i, g := range gp {
		for j, v := range g.Data {
			l.ps[i].Grad.Data[j] += v
		}
	}
	if n := methods.Norm(gy); n > 0 {
		l.flow += methods.Norm(gx) / n
		l.flows++
	}
	return gx, nil
}

func (l *methodLayer) Params() []*nn.Param { return l.ps }

// network is the model every method is compared in:
//
//	3×3 conv C_in→C, ReLU, the method C→C, 3×3 conv C→C_out
//
// (3×3×3 in 3-D), the convolutions padded to keep their size, with
// biases, He-initialised.
type network struct {
	seq    *nn.Sequential
	method *methodLayer
	params []*nn.Param
	// weights are the parameters that are weights, not biases, and
	// labels their layers' names.
	weights []*nn.Param
	labels  []string
}

func newNetwork(t task, method string, channels int, seed uint64) (*network, error) {
	nsp := len(t.Scene)
	rng := rand.New(rand.NewPCG(seed, 0xc0ffee))
	k, pad := make([]int, nsp), make([]int, nsp)
	for i := range k {
		k[i], pad[i] = 3, 1
	}
	same := aniso.ConvOptions{PadLo: pad}
	first, err := nn.NewConv(rng, t.In[0], channels, k, same, nn.WeightOptions{NoInputGrad: true})
	if err != nil {
		return nil, err
	}
	m, err := newMethodLayer(method, append([]int{channels}, t.In[1:]...), append([]int{channels}, t.Out[1:]...), seed)
	if err != nil {
		return nil, err
	}
	last, err := nn.NewConv(rng, channels, t.Out[0], k, same, nn.WeightOptions{})
	if err != nil {
		return nil, err
	}
	n := &network{method: m}
	// The labels are taken before NewSequential prefixes the names with
	// the layers' positions.
	n.weights = append(n.weights, first.W)
	n.labels = append(n.labels, "conv in")
	for _, p := range m.Params() {
		if p.Value.Size() != p.Value.Shape[0] { // not a bias
			n.weights = append(n.weights, p)
			n.labels = append(n.labels, p.Name)
		}
	}
	n.weights = append(n.weights, last.W)
	n.labels = append(n.labels, "conv out")
	n.seq = nn.NewSequential(first, nn.NewReLU(), m, last)
	n.params = n.seq.Params()
	return n, nil
}

func (n *network) numParams() int {
	s := 0
	for _, p := range n.params {
		s += p.Value.Size()
	}
	return s
}
