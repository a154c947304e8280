//go:build !amd64 || purego

package vec

func split2(even, odd, src []float32) { split2Generic(even, odd, src) }
