package aniso

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// onnxCase is one ONNX backend node test, converted to JSON.
type onnxCase struct {
	Name       string                     `json:"name"`
	Op         string                     `json:"op"`
	Attributes map[string]json.RawMessage `json:"attributes"`
	NodeInputs []string                   `json:"node_inputs"`
	Inputs     []onnxTensor               `json:"inputs"`
	Outputs    []onnxTensor               `json:"outputs"`
}

type onnxTensor struct {
	Name  string    `json:"name"`
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

func (t onnxTensor) tensor() *Tensor {
	x := New(t.Shape...)
	for i, v := range t.Data {
		x.Data[i] = float32(v)
	}
	return x
}

// onnxDir holds the ONNX backend node test cases for the operators here,
// converted to JSON (see its README.md for their origin and license).
var onnxDir = filepath.Join("testdata", "onnx")

// onnxCases loads every case of op from onnxDir.
func onnxCases(t *testing.T, op string) []onnxCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(onnxDir, "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no ONNX cases in %s", onnxDir)
	var cases []onnxCase
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var c onnxCase
		require.NoError(t, json.Unmarshal(b, &c), f)
		if c.Op == op {
			cases = append(cases, c)
		}
	}
	return cases
}

func (c onnxCase) input(t *testing.T, slot int) *Tensor {
	t.Helper()
	name := c.NodeInputs[slot]
	for _, in := range c.Inputs {
		if in.Name == name {
			return in.tensor()
		}
	}
	t.Fatalf("%s: no input %q", c.Name, name)
	return nil
}

func (c onnxCase) ints(t *testing.T, name string) []int {
	t.Helper()
	raw, ok := c.Attributes[name]
	if !ok {
		return nil
	}
	var v []int
	require.NoError(t, json.Unmarshal(raw, &v), "%s: attribute %s", c.Name, name)
	return v
}

func (c onnxCase) attrs(t *testing.T) ONNXAttrs {
	t.Helper()
	var a ONNXAttrs
	if raw, ok := c.Attributes["auto_pad"]; ok {
		require.NoError(t, json.Unmarshal(raw, &a.AutoPad))
	}
	if raw, ok := c.Attributes["group"]; ok {
		require.NoError(t, json.Unmarshal(raw, &a.Group))
	}
	a.Pads = c.ints(t, "pads")
	a.Strides = c.ints(t, "strides")
	a.Dilations = c.ints(t, "dilations")
	a.OutputPadding = c.ints(t, "output_padding")
	a.OutputShape = c.ints(t, "output_shape")
	return a
}

func requireExact(t *testing.T, name string, got *Tensor, want onnxTensor) {
	t.Helper()
	require.Equal(t, want.Shape, got.Shape, "%s: shape", name)
	for i, v := range want.Data {
		if got.Data[i] != float32(v) {
			t.Fatalf("%s: element %d is %v, want %v", name, i, got.Data[i], v)
		}
	}
}

func TestONNXConv(t *testing.T) {
	cases := onnxCases(t, "Conv")
	require.Len(t, cases, 6)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			x, w := c.input(t, 0), c.input(t, 1)
			if k := c.ints(t, "kernel_shape"); k != nil {
				require.Equal(t, k, w.Shape[2:])
			}
			o, err := ONNXConv(c.attrs(t), x.Shape[2:], w.Shape[2:])
			require.NoError(t, err)
			y, err := Conv(x, w, nil, o)
			require.NoError(t, err)
			requireExact(t, c.Name, y, c.Outputs[0])
		})
	}
}

func TestONNXConvTranspose(t *testing.T) {
	cases := onnxCases(t, "ConvTranspose")
	require.Len(t, cases, 11)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			x, w := c.input(t, 0), c.input(t, 1)
			if k := c.ints(t, "kernel_shape"); k != nil {
				require.Equal(t, k, w.Shape[2:])
			}
			o, err := ONNXConvTranspose(c.attrs(t), x.Shape[2:], w.Shape[2:])
			require.NoError(t, err)
			y, err := Deconv(x, w, nil, o)
			require.NoError(t, err)
			requireExact(t, c.Name, y, c.Outputs[0])
		})
	}
}

// TestONNXNearestUpsample checks the integer-scale nearest upsampling cases
// against UnpoolND with k = s and against StretchConv(Nearest) with a 1×1
// identity kernel. The other Resize cases use non-integer scales or
// coordinate modes that are not a repetition.
func TestONNXNearestUpsample(t *testing.T) {
	var cases []onnxCase
	for _, op := range []string{"Upsample", "Resize"} {
		for _, c := range onnxCases(t, op) {
			if c.Name == "test_upsample_nearest" || c.Name == "test_resize_upsample_scales_nearest" {
				cases = append(cases, c)
			}
		}
	}
	require.Len(t, cases, 2)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			x := c.input(t, 0)
			var scales []float64
			for _, in := range c.Inputs {
				if strings.Contains(in.Name, "scales") {
					scales = in.Data
				}
			}
			require.Len(t, scales, 4)
			require.Equal(t, []float64{1, 1}, scales[:2])
			k := []int{int(scales[2]), int(scales[3])}
			y, err := UnpoolND(x, UnpoolOptions{Ksize: k})
			require.NoError(t, err)
			requireExact(t, c.Name, y, c.Outputs[0])
			id := New(1, 1, 1, 1)
			id.Data[0] = 1
			y, err = StretchConv(x, id, nil, StretchOptions{Stretch: k, Mode: Nearest})
			require.NoError(t, err)
			requireExact(t, c.Name, y, c.Outputs[0])
		})
	}
}

// TestONNXPadding covers what the backend cases do not: an odd SAME total
// (which side gets the extra), dilation in SAME, ConvTranspose
// output_shape with positive odd and negative totals, and bad attributes.
func TestONNXPadding(t *testing.T) {
	// n = 6, k = 4, s = 1: out 6, total 3.
	o, err := ONNXConv(ONNXAttrs{AutoPad: "SAME_UPPER"}, []int{6}, []int{4})
	require.NoError(t, err)
	require.Equal(t, []int{1}, o.PadLo)
	require.Equal(t, []int{2}, o.PadHi)
	o, err = ONNXConv(ONNXAttrs{AutoPad: "SAME_LOWER"}, []int{6}, []int{4})
	require.NoError(t, err)
	require.Equal(t, []int{2}, o.PadLo)
	require.Equal(t, []int{1}, o.PadHi)
	// n = 7, s = 2, k = 3, d = 2: out 4, dk 5, total (4−1)·2 + 5 − 7 = 4.
	o, err = ONNXConv(ONNXAttrs{AutoPad: "SAME_UPPER", Strides: []int{2}, Dilations: []int{2}}, []int{7}, []int{3})
	require.NoError(t, err)
	require.Equal(t, []int{2}, o.PadLo)
	require.Equal(t, []int{2}, o.PadHi)
	y, err := Conv(New(1, 1, 7), New(1, 1, 3), nil, o)
	require.NoError(t, err)
	require.Equal(t, []int{1, 1, 4}, y.Shape)
	// n = 10, s = 3, k = 1: out 4, total (4−1)·3 + 1 − 10 = 0 (clamped at 0 when negative).
	o, err = ONNXConv(ONNXAttrs{AutoPad: "SAME_UPPER", Strides: []int{3}}, []int{10}, []int{1})
	require.NoError(t, err)
	require.Equal(t, []int{0}, o.PadLo)
	require.Equal(t, []int{0}, o.PadHi)
	o, err = ONNXConv(ONNXAttrs{Pads: []int{1, 2, 3, 4}}, []int{5, 5}, []int{3, 3})
	require.NoError(t, err)
	require.Equal(t, []int{1, 2}, o.PadLo)
	require.Equal(t, []int{3, 4}, o.PadHi)

	// ConvTranspose n = 3, s = 2, k = 3: full 7. output_shape 4 gives
	// total 3: NOTSET puts ⌊3/2⌋ = 1 at the end, SAME_UPPER at the start.
	d, err := ONNXConvTranspose(ONNXAttrs{Strides: []int{2}, OutputShape: []int{4}}, []int{3}, []int{3})
	require.NoError(t, err)
	require.Equal(t, []int{2}, d.PadLo)
	require.Equal(t, []int{1}, d.PadHi)
	d, err = ONNXConvTranspose(ONNXAttrs{AutoPad: "SAME_UPPER", Strides: []int{2}, OutputShape: []int{4}}, []int{3}, []int{3})
	require.NoError(t, err)
	require.Equal(t, []int{1}, d.PadLo)
	require.Equal(t, []int{2}, d.PadHi)
	// output_shape 10 gives total −3: ⌊−3/2⌋ = −2 at the end extends it.
	d, err = ONNXConvTranspose(ONNXAttrs{Strides: []int{2}, OutputShape: []int{10}}, []int{3}, []int{3})
	require.NoError(t, err)
	require.Equal(t, []int{-1}, d.PadLo)
	require.Equal(t, []int{-2}, d.PadHi)
	z, err := Deconv(New(1, 1, 3), New(1, 1, 3), nil, d)
	require.NoError(t, err)
	require.Equal(t, []int{1, 1, 10}, z.Shape)
	// SAME without output_shape aims at n·s = 6: total 1, SAME_LOWER puts
	// ⌊1/2⌋ = 0 at the end.
	d, err = ONNXConvTranspose(ONNXAttrs{AutoPad: "SAME_LOWER", Strides: []int{2}}, []int{3}, []int{3})
	require.NoError(t, err)
	require.Equal(t, []int{1}, d.PadLo)
	require.Equal(t, []int{0}, d.PadHi)

	for _, a := range []ONNXAttrs{
		{AutoPad: "SAME"},
		{Pads: []int{1, 1, 1}},
		{Strides: []int{0, 1}},
		{Dilations: []int{1}},
		{Group: -1},
		{OutputShape: []int{3, 3}},
	} {
		_, err := ONNXConv(a, []int{5, 5}, []int{3, 3})
		require.ErrorIs(t, err, ErrOption, "%+v", a)
	}
	_, err = ONNXConv(ONNXAttrs{}, []int{5, 5}, []int{3})
	require.ErrorIs(t, err, ErrShape)
	_, err = ONNXConvTranspose(ONNXAttrs{OutputShape: []int{3}}, []int{5, 5}, []int{3, 3})
	require.ErrorIs(t, err, ErrOption)
}
