package nn_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/anisoconv/aniso"
	"github.com/anisoconv/aniso/nn"
)

func saveNet(t *testing.T, seed uint64) *nn.Sequential {
	rng := rand.New(rand.NewPCG(seed, 0))
	c, err := nn.NewConv(rng, 2, 3, []int{3, 3}, aniso.ConvOptions{}, nn.WeightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := nn.NewDeconv(rng, 3, 1, []int{2}, aniso.DeconvOptions{}, nn.WeightOptions{NoBias: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.B.Value.Data {
		c.B.Value.Data[i] = float32(rng.NormFloat64())
	}
	return nn.NewSequential(c, nn.NewReLU(), d)
}

// TestSaveLoad round-trips a network's parameters, checks the format's
// header and layout, and checks that mismatched and truncated files are
// errors that change nothing.
func TestSaveLoad(t *testing.T) {
	src, dst := saveNet(t, 1), saveNet(t, 2)
	var buf bytes.Buffer
	if err := nn.Save(&buf, src.Params()); err != nil {
		t.Fatal(err)
	}
	file := bytes.Clone(buf.Bytes())
	// magic, version, count, then "0.weight" of shape 3×2×3×3.
	want := []byte("ANISONN\n\x01\x00\x00\x00\x03\x00\x00\x00\x08\x00\x00\x000.weight\x04\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00")
	if !bytes.HasPrefix(file, want) {
		t.Fatalf("file starts % x, want % x", file[:len(want)], want)
	}
	size := 0
	for _, p := range src.Params() {
		size += 4 + len(p.Name) + 4 + 8*len(p.Value.Shape) + 4*p.Value.Size()
	}
	if len(file) != 16+size {
		t.Fatalf("file has %d bytes, want %d", len(file), 16+size)
	}
	first := 16 + 4 + 8 + 4 + 8*4
	if v := math.Float32frombits(binary.LittleEndian.Uint32(file[first:])); v != src.Params()[0].Value.Data[0] {
		t.Fatalf("first value %v, want %v", v, src.Params()[0].Value.Data[0])
	}
	if err := nn.Load(bytes.NewReader(file), dst.Params()); err != nil {
		t.Fatal(err)
	}
	for i, p := range dst.Params() {
		near(t, p.Name, p.Value, src.Params()[i].Value, 0)
	}

	// Strided values save their elements only.
	p := &nn.Param{Name: "s", Value: gappy(src.Params()[0].Value)}
	buf.Reset()
	if err := nn.Save(&buf, []*nn.Param{p}); err != nil {
		t.Fatal(err)
	}
	q := &nn.Param{Name: "s", Value: aniso.New(p.Value.Shape...)}
	if err := nn.Load(&buf, []*nn.Param{q}); err != nil {
		t.Fatal(err)
	}
	near(t, "strided", q.Value, src.Params()[0].Value, 0)

	fresh := saveNet(t, 3)
	before := clone(fresh.Params()[0].Value)
	unchanged := func(what string) {
		t.Helper()
		near(t, what+" left the params alone", fresh.Params()[0].Value, before, 0)
	}
	for n := 0; n < len(file); n++ {
		err := nn.Load(bytes.NewReader(file[:n]), fresh.Params())
		if !errors.Is(err, nn.ErrFormat) {
			t.Fatalf("truncated to %d bytes: %v, want ErrFormat", n, err)
		}
	}
	unchanged("truncated input")
	if err := nn.Load(bytes.NewReader(file), fresh.Params()[:2]); !errors.Is(err, nn.ErrFormat) || !strings.Contains(err.Error(), "3 parameters, want 2") {
		t.Errorf("count mismatch: %v", err)
	}
	renamed := saveNet(t, 3)
	renamed.Params()[1].Name = "bias"
	if err := nn.Load(bytes.NewReader(file), renamed.Params()); !errors.Is(err, nn.ErrFormat) || !strings.Contains(err.Error(), `"0.bias" in the file, want "bias"`) {
		t.Errorf("name mismatch: %v", err)
	}
	other := append([]*nn.Param(nil), fresh.Params()...)
	other[2] = &nn.Param{Name: "2.weight", Value: aniso.New(3, 1, 3)}
	if err := nn.Load(bytes.NewReader(file), other); !errors.Is(err, nn.ErrFormat) || !strings.Contains(err.Error(), "dimension 2 has size 2 in the file, want 3") {
		t.Errorf("shape mismatch: %v", err)
	}
	unchanged("a mismatch")
	bad := append([]byte(nil), file...)
	bad[0] = 'X'
	if err := nn.Load(bytes.NewReader(bad), fresh.Params()); !errors.Is(err, nn.ErrFormat) {
		t.Errorf("bad magic: %v", err)
	}
	bad = append([]byte(nil), file...)
	bad[8] = 2
	if err := nn.Load(bytes.NewReader(bad), fresh.Params()); !errors.Is(err, nn.ErrFormat) || !strings.Contains(err.Error(), "version 2") {
		t.Errorf("bad version: %v", err)
	}
	if err := nn.Save(&buf, []*nn.Param{nil}); !errors.Is(err, aniso.ErrNilTensor) {
		t.Errorf("nil param: %v", err)
	}
	if err := nn.Load(bytes.NewReader(file), []*nn.Param{{Name: "x", Value: gappy(aniso.New(2))}}); !errors.Is(err, aniso.ErrData) {
		t.Errorf("strided param: %v", err)
	}
	if err := nn.Save(failWriter{}, src.Params()); !errors.Is(err, errWrite) {
		t.Errorf("failing writer: %v", err)
	}
}

var errWrite = errors.New("disk full")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }
