//go:build !amd64 || purego

package gemm

func dotTileArch(a, b *[4][]float32, segs []Segment, s *[16]float32) bool { return false }

func dotsFast() bool { return false }
