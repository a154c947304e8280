package aniso

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

// emptiedFields returns copies of the options o, one for each []int field
// (embedded structs included) that is nil in o, with that field set to an
// empty non-nil slice, named by the field.
func emptiedFields(o any) map[string]any {
	out := map[string]any{}
	var walk func(v reflect.Value, path string, set func(func(reflect.Value)) any)
	walk = func(v reflect.Value, path string, set func(func(reflect.Value)) any) {
		for i := range v.NumField() {
			f, name := v.Field(i), v.Type().Field(i).Name
			switch {
			case f.Kind() == reflect.Struct:
				walk(f, path+name+".", func(mod func(reflect.Value)) any {
					return set(func(c reflect.Value) { mod(c.FieldByName(name)) })
				})
			case f.Type() == reflect.TypeFor[[]int]() && f.IsNil():
				out[path+name] = set(func(c reflect.Value) { c.FieldByName(name).Set(reflect.ValueOf([]int{})) })
			}
		}
	}
	v := reflect.ValueOf(o)
	walk(v, "", func(mod func(reflect.Value)) any {
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		mod(c)
		return c.Interface()
	})
	return out
}

// outcome runs one operator call and describes its result or its error.
func outcome(y any, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	if t, ok := y.(*Tensor); ok {
		return fmt.Sprint(t.Shape, t.Data)
	}
	return fmt.Sprintf("%+v", y)
}

// TestEmptyOptionsMeanNil checks every option slice of every options type:
// an empty non-nil slice gives exactly what nil gives, results or errors.
func TestEmptyOptionsMeanNil(t *testing.T) {
	x := New(1, 2, 5, 6)
	for i := range x.Data {
		x.Data[i] = float32(i%7) - 3
	}
	w := New(2, 2, 3, 2)
	for i := range w.Data {
		w.Data[i] = float32(i%5) - 2
	}
	run := map[string]func(o any) string{
		"ConvOptions": func(o any) string { return outcome(Conv(x, w, nil, o.(ConvOptions))) },
		"DeconvOptions": func(o any) string {
			return outcome(Deconv(x, w, nil, o.(DeconvOptions)))
		},
		"StretchOptions": func(o any) string {
			return outcome(StretchConv(x, w, nil, o.(StretchOptions)))
		},
		"UnpoolOptions": func(o any) string { return outcome(UnpoolND(x, o.(UnpoolOptions))) },
		"ONNXAttrs conv": func(o any) string {
			return outcome(ONNXConv(o.(ONNXAttrs), x.Shape[2:], w.Shape[2:]))
		},
		"ONNXAttrs convtranspose": func(o any) string {
			return outcome(ONNXConvTranspose(o.(ONNXAttrs), x.Shape[2:], w.Shape[2:]))
		},
	}
	bases := map[string][]any{
		"ConvOptions": {ConvOptions{}, ConvOptions{PadLo: []int{1, 2}}, ConvOptions{Stride: []int{2, 1}, PadLo: []int{1, 0}}},
		"DeconvOptions": {DeconvOptions{}, DeconvOptions{ConvOptions: ConvOptions{PadLo: []int{1, 2}}},
			DeconvOptions{ConvOptions: ConvOptions{Stride: []int{2, 2}}}},
		"StretchOptions": {StretchOptions{}, StretchOptions{ConvOptions: ConvOptions{PadLo: []int{0, 1}}},
			StretchOptions{Stretch: []int{2, 3}, Mode: Zeros}},
		"UnpoolOptions": {UnpoolOptions{}, UnpoolOptions{Ksize: []int{2, 3}}, UnpoolOptions{Ksize: []int{3, 2}, Stride: []int{2, 2}},
			UnpoolOptions{Ksize: []int{2, 2}, CoverAll: true}},
		"ONNXAttrs conv":          {ONNXAttrs{}, ONNXAttrs{AutoPad: "SAME_UPPER"}, ONNXAttrs{Strides: []int{2, 2}}},
		"ONNXAttrs convtranspose": {ONNXAttrs{}, ONNXAttrs{AutoPad: "SAME_LOWER", Strides: []int{2, 2}}, ONNXAttrs{Pads: []int{1, 0, 1, 1}}},
	}
	checked := map[string]bool{}
	for kind, os := range bases {
		for _, base := range os {
			want := run[kind](base)
			for field, o := range emptiedFields(base) {
				checked[reflect.TypeOf(base).Name()+"."+field] = true
				require.Equal(t, want, run[kind](o), "%s %+v with %s empty instead of nil", kind, base, field)
			}
		}
	}
	// Every []int option field is covered, so a new one is too.
	for _, o := range []any{ConvOptions{}, DeconvOptions{}, StretchOptions{}, UnpoolOptions{}, ONNXAttrs{}} {
		for field := range emptiedFields(o) {
			require.True(t, checked[reflect.TypeOf(o).Name()+"."+field], "%T.%s", o, field)
		}
	}
	require.True(t, checked["ConvOptions.PadHi"])
	require.True(t, checked["UnpoolOptions.Stride"])
}
