//go:build purego

package aniso

// makeUnzeroed returns a slice of n float32s: the purego build keeps to
// the language's own allocation, which zeroes them.
func makeUnzeroed(n int) []float32 { return make([]float32, n) }
